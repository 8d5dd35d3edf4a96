package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/pm-project/pm/libpod/define"
)

// RunForwarding runs c, passing on the signals meant for pm alone, and
// turns its end into pm's exit code. SIGINT and SIGQUIT from the terminal
// reach the command directly, so pm only outlives them.
func RunForwarding(c *exec.Cmd) error {
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
