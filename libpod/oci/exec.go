package oci

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// ExecOptions say how conmon runs a process in a running container.
type ExecOptions struct {
	ContainerID string
	SessionID   string
	// Dir is the session's directory: the process spec, conmon's attach
	// socket, ctl fifo and pid files go there.
	Dir string
	// ProcessSpec is the path of the OCI process JSON to run.
	ProcessSpec string
	// Command is the command's first word, for the error when it cannot run.
	Command  string
	Terminal bool
	Stdin    bool
	// Attach makes conmon wait, with its attach socket ready, until
	// Attached has returned: no output is lost.
	Attach   bool
	Attached func() error
	// ExitDir receives conmon's exit file for the session, named by its ID.
	ExitDir  string
	LogLevel string
	Env      []string
}

// Exec starts conmon in exec mode, which runs `RUNTIME exec --process`;
// it returns the process's PID on the host and conmon's once the process
// runs. A process that cannot start is an error carrying Podman's exit
// code (126 or 127).
func (r *Runtime) Exec(ctx context.Context, o ExecOptions) (pid, conmonPid int, retErr error) {
	if r.ConmonPath == "" {
		return 0, 0, define.Errorf(define.ErrUnsupported, "conmon was not found: install the conmon package")
	}
	if err := os.MkdirAll(o.ExitDir, 0o700); err != nil {
		return 0, 0, fmt.Errorf("creating exec exit dir: %w", err)
	}
	var closers []*os.File
	defer func() {
		for _, f := range closers {
			f.Close()
		}
	}()
	pipe := func() (*os.File, *os.File, error) {
		rd, wr, err := os.Pipe()
		if err == nil {
			closers = append(closers, rd, wr)
		}
		return rd, wr, err
	}
	syncR, syncW, err := pipe()
	if err != nil {
		return 0, 0, err
	}
	startR, startW, err := pipe()
	if err != nil {
		return 0, 0, err
	}
	attR, attW, err := pipe()
	if err != nil {
		return 0, 0, err
	}
	args := []string{
		"--api-version", "1",
		"-c", o.ContainerID, "-u", o.SessionID, "-n", o.SessionID,
		"-r", r.Path,
		"-b", o.Dir,
		"-p", filepath.Join(o.Dir, PidFile),
		"-P", filepath.Join(o.Dir, ConmonPidFile),
		"--exit-dir", o.ExitDir,
		"--persist-dir", o.Dir,
		"--full-attach",
		"--socket-dir-path", o.Dir,
		"-l", "none:",
		"--exec", "--exec-process-spec", o.ProcessSpec,
	}
	for _, a := range r.globalArgs() {
		args = append(args, "--runtime-arg", a)
	}
	if o.LogLevel != "" {
		args = append(args, "--log-level", o.LogLevel)
	}
	if o.Terminal {
		args = append(args, "-t")
	}
	if o.Stdin {
		args = append(args, "-i")
	}
	env := append([]string{}, o.Env...)
	env = append(env, "_OCI_SYNCPIPE=3", "_OCI_STARTPIPE=4")
	extra := []*os.File{syncW, startR}
	if o.Attach {
		args = append(args, "--exec-attach")
		env = append(env, "_OCI_ATTACHPIPE=5")
		extra = append(extra, attW)
	}
	cmd := exec.Command(r.ConmonPath, args...)
	cmd.Env = env
	cmd.ExtraFiles = extra
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, 0, fmt.Errorf("starting conmon for exec: %w", err)
	}
	syncW.Close()
	startR.Close()
	attW.Close()
	waitErr := make(chan error, 1)
	go func() {
		var err error
		defer func() { waitErr <- err }()
		defer define.Recover("waiting for conmon", &err)
		err = cmd.Wait()
	}()
	if _, err := startW.Write([]byte{0}); err != nil {
		return 0, 0, fmt.Errorf("signalling conmon: %w", err)
	}
	if o.Attach {
		if err := readSync(ctx, attR, "attach"); err != nil {
			return 0, 0, err
		}
		if o.Attached != nil {
			if err := o.Attached(); err != nil {
				return 0, 0, err
			}
		}
		if _, err := startW.Write([]byte{0}); err != nil {
			return 0, 0, fmt.Errorf("signalling conmon to start the exec session: %w", err)
		}
	}
	startW.Close()
	m, err := readSyncMsg(ctx, syncR)
	if err != nil {
		return 0, 0, fmt.Errorf("exec in container %s: %w", o.ContainerID, err)
	}
	if m.Data < 0 {
		msg := cleanRuntimeMsg(m.Message)
		if msg == "" {
			msg = "the OCI runtime could not run the command"
		}
		err, _ := ClassifyCommandErr(fmt.Errorf("%s: %s", r.Name, msg), o.Command)
		return 0, 0, err
	}
	select {
	case <-waitErr:
	case <-time.After(5 * time.Second):
	}
	conmonPid, _ = readPidFile(filepath.Join(o.Dir, ConmonPidFile))
	return m.Data, conmonPid, nil
}

type syncMsg struct {
	Data    int    `json:"data"`
	Message string `json:"message"`
}

// readSyncMsg reads conmon's first JSON message from a sync pipe.
func readSyncMsg(ctx context.Context, f *os.File) (syncMsg, error) {
	res := make(chan syncMsg, 1)
	readErr := make(chan error, 1)
	go func() {
		var err error
		defer func() {
			if err != nil {
				readErr <- err
			}
		}()
		defer define.Recover("reading conmon's sync pipe", &err)
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var m syncMsg
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				continue
			}
			res <- m
			return
		}
		readErr <- errors.New("conmon closed its sync pipe without reporting")
	}()
	select {
	case m := <-res:
		return m, nil
	case err := <-readErr:
		return syncMsg{}, err
	case <-ctx.Done():
		return syncMsg{}, ctx.Err()
	case <-time.After(2 * time.Minute):
		return syncMsg{}, errors.New("conmon did not answer in 2 minutes")
	}
}

func readSync(ctx context.Context, f *os.File, what string) error {
	m, err := readSyncMsg(ctx, f)
	if err != nil {
		return fmt.Errorf("waiting for conmon's %s message: %w", what, err)
	}
	if m.Data < 0 {
		return fmt.Errorf("conmon %s: %s", what, m.Message)
	}
	return nil
}

// ClassifyCommandErr gives a runtime's refusal to run a container's or an
// exec'd command Podman's exit codes, whichever runtime said it: 127 when it
// is not found, 126 when it cannot run (runc says "permission denied" or "is
// a directory", crun "Operation not permitted", runsc "permission denied").
// The message names cmd, the command's first word, when the runtime's does
// not (crun's "open executable" does not). ok is false for any other error.
func ClassifyCommandErr(err error, cmd string) (classified error, ok bool) {
	s := err.Error()
	l := strings.ToLower(s)
	if cmd != "" && !strings.Contains(s, cmd) {
		s = fmt.Sprintf("%s (command %s)", s, cmd)
	}
	switch {
	case containsAny(l, "executable file not found", "no such file or directory"):
		return &define.ExitCodeError{Code: define.ExitCmdNotFound, Err: define.Errorf(define.ErrNotFound, "%s: OCI runtime attempted to invoke a command that was not found", s)}, true
	case containsAny(l, "permission denied", "is a directory", "operation not permitted"):
		return &define.ExitCodeError{Code: define.ExitCannotRun, Err: define.Errorf(define.ErrPermission, "%s: OCI runtime permission denied error", s)}, true
	}
	return err, false
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
