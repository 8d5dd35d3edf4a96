package network

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/rootless-containers/rootlesskit/v2/pkg/port"
	"go.podman.io/storage/pkg/reexec"
	"golang.org/x/sys/unix"
)

// Published ports of bridge networks are carried by rootlesskit's builtin
// port driver, as in Podman, run by one helper process per container:
// pm re-executed as pm-rootlessport. The helper runs both halves of the
// driver. Its parent half listens on the host ports in the host's network
// namespace; its child half dials the container's address from inside the
// rootless network namespace (rootlesskit's detached-netns mode: the
// child's dials enter the namespace at path NSPath), and hands each
// connected socket back over the driver's unix socket.
//
// One helper per container rather than one per rootless network
// namespace, because pm has no daemon: a shared helper would need a
// control protocol, a lifetime of its own, and a way to survive the pm
// that started it, while a per-container one lives exactly as long as
// the container's network (ended at teardown, or by itself once the
// container's namespace is gone) and a stop frees the container's host
// ports at once by ending it. A fault in one helper (a crash, no file
// descriptors left) touches one container's ports only.
const rootlessportName = "pm-rootlessport"

func init() { reexec.Register(rootlessportName, rootlessportMain) }

// PortDriverOptions say what one container's port helper carries.
type PortDriverOptions struct {
	NSPath  string // where IP is reachable: the rootless network namespace; "" for the host's
	WatchNS string // the container's namespace file: the helper exits once it is gone
	IP      string // the container's address
	Ports   []define.PortMapping
	Dir     string // the helper's files (pid, the driver's socket and fifo); StopPortDriver removes it
}

// portHelperSpec is the helper's argument.
type portHelperSpec struct {
	NS    string      `json:"ns,omitempty"`
	Watch []string    `json:"watch"`
	Ports []port.Spec `json:"ports"`
}

// portHelperReply is what the helper writes to its ready pipe (fd 3):
// an empty Error once every port is published.
type portHelperReply struct {
	Error string `json:"error,omitempty"`
	Proto string `json:"proto,omitempty"` // of the port that could not be published
	Port  int    `json:"port,omitempty"`
}

const portHelperPidFile = "pid"

// portSpecs is one rootlesskit spec per host port of ports.
func portSpecs(ip string, ports []define.PortMapping) []port.Spec {
	var out []port.Spec
	for _, p := range ports {
		proto := p.Protocol
		if proto == "" {
			proto = "tcp"
		}
		for j := uint16(0); j < max(p.Range, 1); j++ {
			out = append(out, port.Spec{Proto: proto, ParentIP: p.HostIP, ParentPort: int(p.HostPort + j),
				ChildIP: ip, ChildPort: int(p.ContainerPort + j)})
		}
	}
	return out
}

// StartPortDriver starts the helper that publishes every host port of
// o.Ports and returns once they are all published. A port that cannot be
// published (busy, privileged) is an ErrConflict naming it, and leaves no
// helper behind.
func StartPortDriver(ctx context.Context, o PortDriverOptions) (retErr error) {
	spec := portHelperSpec{Watch: []string{o.WatchNS}, NS: o.NSPath, Ports: portSpecs(o.IP, o.Ports)}
	if len(spec.Ports) == 0 {
		return nil
	}
	if o.NSPath != "" {
		spec.Watch = append(spec.Watch, o.NSPath)
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return fmt.Errorf("port helper directory: %w", err)
	}
	defer func() {
		if retErr != nil {
			StopPortDriver(o.Dir)
		}
	}()
	arg, _ := json.Marshal(spec)
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	cmd := &exec.Cmd{
		Path:       reexec.Self(),
		Args:       []string{rootlessportName, string(arg)},
		Dir:        o.Dir, // the driver's socket path is relative: no length limit
		ExtraFiles: []*os.File{w},
		// Its own session, no stdio of the caller's, and no death
		// signal: it outlives a short-lived pm.
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	err = cmd.Start()
	w.Close()
	if err != nil {
		return fmt.Errorf("starting the port helper: %w", err)
	}
	// Reaps it in a long-lived pm (system service).
	go func() {
		defer define.Recover("reaping the port helper", nil)
		cmd.Wait()
	}()
	// Recorded before it is ready, so that a pm killed now leaves a
	// helper that teardown finds.
	if err := os.WriteFile(filepath.Join(o.Dir, portHelperPidFile), []byte(strconv.Itoa(cmd.Process.Pid)), 0o600); err != nil {
		cmd.Process.Kill()
		return fmt.Errorf("recording the port helper: %w", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	r.SetReadDeadline(deadline)
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("waiting for the port helper: %w", err)
	}
	var rep portHelperReply
	if len(b) == 0 || json.Unmarshal(b, &rep) != nil {
		return errors.New("the port helper ended before it published the ports")
	}
	if rep.Error != "" {
		if rep.Port != 0 {
			return define.Errorf(define.ErrConflict, "cannot publish %s port %d: %s", rep.Proto, rep.Port, rep.Error)
		}
		return fmt.Errorf("port helper: %s", rep.Error)
	}
	return nil
}

// StopPortDriver ends the helper whose files are in dir, so that its
// ports are free when it returns, and removes dir. A missing dir is not
// an error.
func StopPortDriver(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, portHelperPidFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if pid, _ := strconv.Atoi(strings.TrimSpace(string(b))); pid > 0 {
		endPortHelper(pid)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("removing the port helper's files: %w", err)
	}
	return nil
}

// endPortHelper sends pid SIGTERM, then SIGKILL, if it is a port helper,
// and waits for it to end. The pidfd pins the process: a reused pid is
// never signalled.
func endPortHelper(pid int) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return // gone
	}
	defer unix.Close(fd)
	if !isPortHelper(pid) {
		return
	}
	for _, s := range []struct {
		sig  unix.Signal
		wait int // ms
	}{{unix.SIGTERM, 1500}, {unix.SIGKILL, 2000}} {
		if unix.PidfdSendSignal(fd, s.sig, nil, 0) != nil {
			return
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		for {
			n, err := unix.Poll(fds, s.wait)
			if err == unix.EINTR {
				continue
			}
			if n > 0 {
				return // ended
			}
			break
		}
	}
}

// isPortHelper reports whether pid runs a port helper (its argv[0]).
func isPortHelper(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return false
	}
	arg0, _, _ := strings.Cut(string(b), "\x00")
	return arg0 == rootlessportName
}

// rootlessportMain is the helper process: it publishes the ports, says
// so on fd 3, and serves until SIGTERM or until a watched namespace is
// gone.
func rootlessportMain() {
	os.WriteFile("/proc/self/comm", []byte(rootlessportName), 0)
	signal.Ignore(syscall.SIGHUP, syscall.SIGPIPE)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	ready := os.NewFile(3, "ready")
	var spec portHelperSpec
	if len(os.Args) < 2 || json.Unmarshal([]byte(os.Args[1]), &spec) != nil {
		json.NewEncoder(ready).Encode(portHelperReply{Error: "unreadable argument"})
		os.Exit(2)
	}
	// The files are in the working directory, which StartPortDriver
	// sets.
	srv, err := servePorts(".", spec.NS, spec.Ports)
	if err != nil {
		rep := portHelperReply{Error: err.Error()}
		var pe *portError
		if errors.As(err, &pe) {
			rep = portHelperReply{Error: pe.msg(), Proto: pe.spec.Proto, Port: pe.spec.ParentPort}
		}
		json.NewEncoder(ready).Encode(rep)
		os.Exit(1)
	}
	json.NewEncoder(ready).Encode(portHelperReply{})
	ready.Close()
	tick := time.NewTicker(500 * time.Millisecond)
	for {
		select {
		case <-sigs:
			srv.Close()
			os.Exit(0)
		case <-tick.C:
			for _, p := range spec.Watch {
				var sf unix.Statfs_t
				if unix.Statfs(p, &sf) != nil || sf.Type != unix.NSFS_MAGIC {
					srv.Close()
					os.Exit(0)
				}
			}
		}
	}
}
