package engine

import (
	"bufio"
	"context"
	"fmt"
	"github.com/pm-project/pm/libpod/define"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// BuildReaperCommand is the hidden verb of the build reaper: a pm
// process each build starts, in its own session, that reads the names of
// the build's containers on stdin. When stdin ends (the build is over,
// or was killed, even by SIGKILL) it removes the containers the build
// did not, stopping what still runs.
const BuildReaperCommand = "build-reaper"

// buildReaper is the build's end of the reaper's stdin; its methods do
// nothing when the reaper could not start.
type buildReaper struct {
	mu     sync.Mutex
	w      io.WriteCloser
	exited chan struct{} // closed when the reaper has exited
}

func (e *Engine) startBuildReaper() *buildReaper {
	args, err := e.rt.PMCommand()
	if err != nil {
		slog.Warn("starting the build reaper", "err", err)
		return &buildReaper{}
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		slog.Warn("starting the build reaper", "err", err)
		return &buildReaper{}
	}
	defer pr.Close()
	cmd := &exec.Cmd{
		Path: args[0], Args: append(args, BuildReaperCommand),
		Stdin: pr, Dir: "/", Env: os.Environ(),
		// Its own session: a signal to the build's process group spares it.
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	if err := cmd.Start(); err != nil {
		pw.Close()
		slog.Warn("starting the build reaper", "err", err)
		return &buildReaper{}
	}
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		defer define.Recover("waiting for the build reaper", nil)
		cmd.Wait()
	}()
	return &buildReaper{w: pw, exited: exited}
}

func (r *buildReaper) send(op byte, name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.w != nil {
		fmt.Fprintf(r.w, "%c%s\n", op, name)
	}
}

// add tells the reaper of a container about to be created.
func (r *buildReaper) add(name string) { r.send('+', name) }

// done tells the reaper a container is gone.
func (r *buildReaper) done(name string) { r.send('-', name) }

// close ends the reaper's input and waits a while for it to exit, so
// that a finished build leaves no process behind.
func (r *buildReaper) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.w == nil {
		return
	}
	r.w.Close()
	r.w = nil
	select {
	case <-r.exited:
	case <-time.After(10 * time.Second):
	}
}

// BuildReapNames reads the reaper's stdin to its end and returns the
// containers the build left.
func BuildReapNames(in io.Reader) []string {
	live := map[string]bool{}
	var order []string
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		l := sc.Text()
		if len(l) < 2 {
			continue
		}
		switch l[0] {
		case '+':
			live[l[1:]] = true
			order = append(order, l[1:])
		case '-':
			delete(live, l[1:])
		}
	}
	var left []string
	for _, n := range order {
		if live[n] {
			left = append(left, n)
			delete(live, n)
		}
	}
	return left
}

// BuildReap force-removes the containers a killed build left.
func (e *Engine) BuildReap(ctx context.Context, names []string) {
	for _, n := range names {
		if _, err := e.rt.RemoveContainer(ctx, n, true, nil); err != nil {
			slog.Debug("removing a build container", "container", n, "err", err)
		}
	}
}
