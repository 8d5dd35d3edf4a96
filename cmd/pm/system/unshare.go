package system

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/rootless"
	"github.com/spf13/cobra"
)

func init() { topLevel = append(topLevel, newUnshareCommand) }

func newUnshareCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "unshare [COMMAND [ARG...]]",
		Short: "Run a command inside pm's user namespace",
		Long: `Run COMMAND (default: $SHELL, else /bin/sh) inside the user and mount
namespaces pm uses, as root of that namespace, with CONTAINERS_GRAPHROOT and
CONTAINERS_RUNROOT set to pm's storage directories. Rootless only.`,
		Args: cobra.ArbitraryArgs,
		RunE: runUnshare,
	}
	// Everything after COMMAND belongs to COMMAND: pm unshare ls -l.
	cmd.Flags().SetInterspersed(false)
	return cmd
}

func runUnshare(cmd *cobra.Command, args []string) error {
	if !rootless.IsRootless() {
		return define.Errorf(define.ErrUnsupported, "please use unshare with rootless")
	}
	if err := rootless.EnsureUserNamespace(); err != nil {
		return fmt.Errorf("entering the user namespace: %w", err)
	}
	cfg, err := cli.FromCmd(cmd).Config()
	if err != nil {
		return err
	}
	if len(args) == 0 {
		sh := os.Getenv("SHELL")
		if sh == "" {
			sh = "/bin/sh"
		}
		args = []string{sh}
	}
	c := exec.Command(args[0], args[1:]...)
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
	c.Env = append(os.Environ(),
		"CONTAINERS_GRAPHROOT="+cfg.Storage.GraphRoot,
		"CONTAINERS_RUNROOT="+cfg.Storage.RunRoot,
		"_PM_UNSHARE=1") // pm mount checks it
	return runForwarding(c)
}

// runForwarding runs c, passing on the signals meant for pm alone, and
// turns its end into pm's exit code. SIGINT and SIGQUIT from the terminal
// reach the command directly, so pm only outlives them.
func runForwarding(c *exec.Cmd) error {
	if err := c.Start(); err != nil {
		return startError(err)
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer define.Recover("forwarding signals", nil)
		for {
			select {
			case s := <-sigs:
				if s == syscall.SIGTERM || s == syscall.SIGHUP {
					_ = c.Process.Signal(s)
				}
			case <-done:
				return
			}
		}
	}()
	err := c.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code := ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
		return &define.ExitCodeError{Code: code}
	}
	if err != nil {
		return fmt.Errorf("running %s: %w", c.Path, err)
	}
	return nil
}

// startError maps a command that could not be started to exit code 127
// (not found) or 126 (found but not executable).
func startError(err error) error {
	code := define.ExitCannotRun
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		code = define.ExitCmdNotFound
	}
	return &define.ExitCodeError{Code: code, Err: err}
}
