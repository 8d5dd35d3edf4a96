package oci

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/pm-project/pm/libpod/define"
)

// CreateOptions say how conmon monitors a new container.
type CreateOptions struct {
	ID     string
	Name   string
	Bundle string // holds config.json; conmon's attach socket and fifos go here too

	LogDriver  string // k8s-file, journald, none, passthrough
	LogPath    string
	LogSizeMax int64
	LogTag     string

	Terminal bool
	Stdin    bool
	// LeaveStdinOpen keeps the container's stdin open when an attached
	// client disconnects.
	LeaveStdinOpen bool

	// ExitCommand runs when the container exits: pm container cleanup ID.
	ExitCommand []string
	ExitDelay   int
	LogLevel    string
	// Env is conmon's environment (XDG_RUNTIME_DIR, PATH, pm's markers).
	Env []string
	// PreserveFDs passes pm's fds 3..3+N-1 on to the container.
	PreserveFDs uint
	// Timeout has conmon kill the container after that many seconds.
	Timeout uint
	// Hold are files conmon keeps open for as long as it runs (the exit
	// pipe of the container's network helper); the container does not
	// get them.
	Hold []*os.File
}

// Paths inside a bundle that conmon creates or uses.
const (
	AttachSocket  = "attach"
	CtlFifo       = "ctl"
	WinszFifo     = "winsz"
	PidFile       = "pidfile"
	ConmonPidFile = "conmon.pid"
)

// Create starts conmon, which runs `RUNTIME create`; it returns the
// container's PID once the container exists (not yet started) and conmon's.
func (r *Runtime) Create(ctx context.Context, o CreateOptions) (pid, conmonPid int, retErr error) {
	if r.ConmonPath == "" {
		return 0, 0, define.Errorf(define.ErrUnsupported, "conmon was not found: install the conmon package")
	}
	if err := os.MkdirAll(r.ExitDir, 0o700); err != nil {
		return 0, 0, fmt.Errorf("creating exit dir: %w", err)
	}
	syncR, syncW, err := os.Pipe()
	if err != nil {
		return 0, 0, err
	}
	defer syncR.Close()
	startR, startW, err := os.Pipe()
	if err != nil {
		syncW.Close()
		return 0, 0, err
	}
	defer startW.Close()

	args := r.conmonArgs(o)
	cmd := exec.Command(r.ConmonPath, args...)
	// Preserved fds keep their numbers; conmon's pipes come after them.
	for fd := 3; fd < 3+int(o.PreserveFDs); fd++ {
		cmd.ExtraFiles = append(cmd.ExtraFiles, os.NewFile(uintptr(fd), "fd-"+strconv.Itoa(fd)))
	}
	n := 3 + len(cmd.ExtraFiles)
	cmd.Env = append(append([]string{}, o.Env...), "_OCI_SYNCPIPE="+strconv.Itoa(n), "_OCI_STARTPIPE="+strconv.Itoa(n+1))
	cmd.ExtraFiles = append(cmd.ExtraFiles, syncW, startR)
	// After conmon's pipes, beyond what the runtime passes on
	// (--preserve-fds counts from 3): runc and crun close them.
	cmd.ExtraFiles = append(cmd.ExtraFiles, o.Hold...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	// conmon's own stdio goes nowhere: it must not hold pm's output open.
	if err := cmd.Start(); err != nil {
		syncW.Close()
		startR.Close()
		return 0, 0, fmt.Errorf("starting conmon: %w", err)
	}
	syncW.Close()
	startR.Close()
	// conmon double-forks; the first process exits at once.
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
	startW.Close()

	m, err := readSyncMsg(ctx, syncR)
	if err != nil {
		return 0, 0, fmt.Errorf("creating container %s: %w", o.ID, err)
	}
	if m.Data < 0 {
		msg := m.Message
		if msg == "" {
			msg = "the OCI runtime failed to create the container"
		}
		return 0, 0, define.Errorf(define.ErrOCIRuntime, "%s: %s", r.Name, cleanRuntimeMsg(msg))
	}
	pid = m.Data
	<-waitErr
	conmonPid, _ = readPidFile(filepath.Join(o.Bundle, ConmonPidFile))
	return pid, conmonPid, nil
}

func (r *Runtime) conmonArgs(o CreateOptions) []string {
	args := []string{
		"--api-version", "1",
		"-c", o.ID, "-u", o.ID, "-n", o.Name,
		"-r", r.Path,
		"-b", o.Bundle,
		"-p", filepath.Join(o.Bundle, PidFile),
		"-P", filepath.Join(o.Bundle, ConmonPidFile),
		"--exit-dir", r.ExitDir,
		"--persist-dir", o.Bundle,
		"--full-attach",
		"--socket-dir-path", o.Bundle,
	}
	for _, a := range r.globalArgs() {
		args = append(args, "--runtime-arg", a)
	}
	switch o.LogDriver {
	case "none":
		args = append(args, "-l", "none:")
	case "journald":
		args = append(args, "-l", "journald:")
	case "passthrough":
		args = append(args, "-l", "passthrough:")
	default:
		args = append(args, "-l", "k8s-file:"+o.LogPath)
	}
	if o.LogSizeMax > 0 {
		args = append(args, "--log-size-max", strconv.FormatInt(o.LogSizeMax, 10))
	}
	if o.LogTag != "" {
		args = append(args, "--log-tag", o.LogTag)
	}
	if o.LogLevel != "" {
		args = append(args, "--log-level", o.LogLevel)
	}
	if o.Terminal {
		args = append(args, "-t")
	}
	if o.Stdin {
		args = append(args, "-i")
		if o.LeaveStdinOpen {
			args = append(args, "--leave-stdin-open")
		}
	}
	if o.PreserveFDs > 0 {
		args = append(args, "--runtime-opt", "--preserve-fds", "--runtime-opt", strconv.FormatUint(uint64(o.PreserveFDs), 10))
	}
	if o.Timeout > 0 {
		args = append(args, "-T", strconv.FormatUint(uint64(o.Timeout), 10))
	}
	if len(o.ExitCommand) > 0 {
		args = append(args, "--exit-command", o.ExitCommand[0])
		for _, a := range o.ExitCommand[1:] {
			args = append(args, "--exit-command-arg", a)
		}
		if o.ExitDelay > 0 {
			args = append(args, "--exit-delay", strconv.Itoa(o.ExitDelay))
		}
	}
	return args
}

// cleanRuntimeMsg turns runc's JSON log line, which conmon passes along,
// into its message.
func cleanRuntimeMsg(s string) string {
	if m := runtimeMessage([]byte(s)); m != "" {
		s = m
	}
	// runc's text logs: time="..." level=error msg="...", possibly after
	// warnings (the oom kill count on cgroup v1): the last error is the cause.
	i := strings.LastIndex(s, `level=error msg="`)
	if i >= 0 {
		i += len("level=error ")
	} else {
		i = strings.LastIndex(s, `msg="`)
	}
	if i >= 0 {
		if m, err := strconv.Unquote(strings.TrimSpace(s[i+4:])); err == nil {
			return m
		}
		if j := strings.LastIndex(s, `"`); j > i+5 {
			return strings.ReplaceAll(s[i+5:j], `\"`, `"`)
		}
	}
	return s
}

func readPidFile(p string) (int, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(string(trimSpace(b)))
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == ' ' || b[len(b)-1] == 0) {
		b = b[:len(b)-1]
	}
	return b
}
