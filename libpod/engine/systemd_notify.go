package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/pm-project/pm/pkg/systemd"
)

// Where --sdnotify=container puts the notify socket: a directory of the
// bundle, bind-mounted into the container.
const (
	notifyDir          = "notify"
	notifySocketName   = "notify.sock"
	containerNotifyDir = "/run/notify"
)

// addNotifyMount gives a --sdnotify=container container the socket pm
// proxies to systemd: the bundle's notify directory at /run/notify and
// NOTIFY_SOCKET naming the socket in it.
func addNotifyMount(sp *specs.Spec, s *specgen.Spec, bundle string) error {
	if s.SdNotifyMode != "container" {
		return nil
	}
	if err := os.MkdirAll(bundle, 0o700); err != nil {
		return fmt.Errorf("creating bundle: %w", err)
	}
	dir := filepath.Join(bundle, notifyDir)
	if err := os.Mkdir(dir, 0o777); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("creating the notify socket directory: %w", err)
	}
	// Writable by any user of the container: the socket is made at start.
	if err := os.Chmod(dir, 0o777); err != nil {
		return err
	}
	sp.Mounts = append(sp.Mounts, specs.Mount{Destination: containerNotifyDir, Type: "bind", Source: dir, Options: []string{"bind", "rw", "nosuid", "nodev"}})
	if sp.Process != nil {
		sp.Process.Env = append(sp.Process.Env, systemd.NotifySocketEnv+"="+containerNotifyDir+"/"+notifySocketName)
	}
	return nil
}

// sdNotify prepares telling systemd (at $NOTIFY_SOCKET, when pm runs in a
// Type=notify unit) that container id runs, per its --sdnotify mode. The
// function it returns is called once the container started (c non-nil) or
// failed to (c nil). Failing to notify is logged, not an error: the
// container runs either way and systemd times the unit out.
func (e *Engine) sdNotify(ctx context.Context, id string) func(c *libpod.Container) {
	addr := os.Getenv(systemd.NotifySocketEnv)
	if addr == "" {
		return func(*libpod.Container) {}
	}
	ctr, err := e.rt.LookupContainer(ctx, id)
	if err != nil {
		return func(*libpod.Container) {}
	}
	switch ctr.Config.SdNotifyMode {
	case "ignore":
		return func(*libpod.Container) {}
	case "container":
		proxy, err := listenNotify(filepath.Join(e.rt.BundleDir(id), notifyDir, notifySocketName))
		if err != nil {
			slog.Warn("listening for the container's sd_notify messages", "container", id, "err", err)
			return func(*libpod.Container) {}
		}
		return func(c *libpod.Container) {
			defer proxy.close()
			if c != nil {
				proxy.forward(addr, c.State.ConmonPid)
			}
		}
	}
	return func(c *libpod.Container) {
		if c == nil {
			return
		}
		if err := systemd.NotifyReady(addr, c.State.ConmonPid); err != nil {
			slog.Warn("notifying systemd", "container", id, "err", err)
		}
	}
}

// notifyProxy is the socket a --sdnotify=container container sends its
// readiness to; pm passes it on to systemd.
type notifyProxy struct {
	conn *net.UnixConn
	path string
}

func listenNotify(path string) (*notifyProxy, error) {
	os.Remove(path)
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		return nil, err
	}
	// Any user of the container may send.
	if err := os.Chmod(path, 0o777); err != nil {
		conn.Close()
		return nil, err
	}
	return &notifyProxy{conn: conn, path: path}, nil
}

func (p *notifyProxy) close() {
	p.conn.Close()
	os.Remove(p.path)
}

// forward passes the container's messages on to systemd at addr until it
// reports READY=1 or conmon (conmonPid) exits. MAINPID is conmon's, as the
// unit's main process is conmon.
func (p *notifyProxy) forward(addr string, conmonPid int) {
	buf := make([]byte, 4096)
	for {
		p.conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		n, err := p.conn.Read(buf)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				if syscall.Kill(conmonPid, 0) != nil {
					return
				}
				continue
			}
			slog.Warn("reading the container's sd_notify socket", "err", err)
			return
		}
		var lines []string
		ready := false
		for _, l := range strings.Split(string(buf[:n]), "\n") {
			switch {
			case l == "" || strings.HasPrefix(l, "MAINPID="):
			case l == "READY=1":
				ready = true
			default:
				lines = append(lines, l)
			}
		}
		if ready {
			lines = append(lines, "MAINPID="+strconv.Itoa(conmonPid), "READY=1")
		}
		if len(lines) > 0 {
			if err := systemd.Notify(addr, strings.Join(lines, "\n")); err != nil {
				slog.Warn("notifying systemd", "err", err)
			}
		}
		if ready {
			return
		}
	}
}
