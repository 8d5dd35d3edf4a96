// Command pm is a daemonless, rootless container manager.
package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	_ "github.com/pm-project/pm/pkg/rootless" // joins the user namespace before Go starts
	"go.podman.io/storage/pkg/reexec"
)

func main() {
	// storage re-executes pm for helpers such as untar-in-chroot.
	if reexec.Init() {
		return
	}
	os.Setenv("PATH", withSbin(os.Getenv("PATH")))
	startupGC()
	os.Exit(run(os.Args[1:]))
}

// startupGC keeps the garbage collector off while pm starts: most
// invocations end within tens of milliseconds, before a collection could
// free anything worth its cost (building the command tree alone crosses
// the runtime's first 4 MB goal). A memory limit bounds the heap
// meanwhile, and after a second, in a command that goes on (the API
// service, a follower, a build), the usual setting comes back. GOGC or
// GOMEMLIMIT in the environment wins.
func startupGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	percent := debug.SetGCPercent(-1)
	debug.SetMemoryLimit(256 << 20)
	time.AfterFunc(time.Second, func() {
		defer define.Recover("restoring the garbage collector", nil)
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(math.MaxInt64)
	})
}

func run(args []string) int {
	// PM_CPUPROFILE=FILE writes a CPU profile of this invocation, for
	// performance work (see hack/bench).
	if path := os.Getenv("PM_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	env := &cli.Env{}
	root := newRootCommand(env, args)
	// Usage lines and hints name pm as it was called, as Podman's do
	// (a link named podman says "podman run").
	if name := filepath.Base(os.Args[0]); name != "." && name != "/" {
		root.Use = name
	}
	if isCompletion(args) {
		installCompletions(root, env)
	}
	root.SetArgs(args)
	ctx := cli.WithEnv(context.Background(), env)
	err := root.ExecuteContext(ctx)
	if serr := env.Shutdown(); serr != nil && err == nil {
		err = serr
	}
	if err == nil {
		return 0
	}
	var ec *define.ExitCodeError
	if !errors.As(err, &ec) || ec.Err != nil {
		fmt.Fprintf(os.Stderr, "Error: %s\n", oneLine(err.Error()))
		var fe *flagError
		if errors.As(err, &fe) {
			fmt.Fprintln(os.Stderr, fe.hint())
		}
	}
	return define.ExitCode(err)
}

// oneLine folds a multi-line message so every error is one line. A
// one-line message is printed as it is, spaces and all ("invalid signal: "
// names an empty signal).
func oneLine(s string) string {
	s = strings.Trim(s, "\r\n")
	if !strings.Contains(s, "\n") {
		return s
	}
	var parts []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			parts = append(parts, line)
		}
	}
	return strings.Join(parts, " ")
}
