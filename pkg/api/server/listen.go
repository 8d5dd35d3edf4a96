package server

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/pm-project/pm/libpod/define"
)

// Listen opens the listener for uri: unix:///path (its directory made
// 0700, the socket 0600) or tcp://HOST:PORT (tcp:HOST:PORT too).
func Listen(uri string) (net.Listener, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return nil, define.Invalidf("invalid service URI %q: %v", uri, err)
	}
	switch u.Scheme {
	case "unix":
		path := u.Path
		if path == "" {
			path = u.Opaque
		}
		if path == "" {
			return nil, define.Invalidf("invalid service URI %q: no socket path", uri)
		}
		return listenUnix(path)
	case "tcp":
		// tcp://HOST:PORT, or tcp:HOST:PORT as Podman also takes it.
		host := u.Host
		if host == "" {
			host = u.Opaque
		}
		if _, _, err := net.SplitHostPort(host); err != nil {
			return nil, define.Invalidf("invalid service URI %q: no host:port", uri)
		}
		l, err := net.Listen("tcp", host)
		if err != nil {
			return nil, fmt.Errorf("listening on %s: %w", host, err)
		}
		return l, nil
	}
	// Podman's words: localhost:9292 has the scheme "localhost", a bare
	// path none.
	return nil, define.Invalidf("API Service endpoint scheme %q is not supported. Try tcp://%s or unix:/%s", u.Scheme, uri, uri)
}

func listenUnix(path string) (net.Listener, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating socket directory: %w", err)
	}
	// A socket left by a service that died is in the way; another file is not ours.
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSocket == 0 {
			return nil, define.Errorf(define.ErrAlreadyExists, "%s exists and is not a socket", path)
		}
		if c, err := net.Dial("unix", path); err == nil {
			c.Close()
			return nil, define.Errorf(define.ErrAlreadyExists, "a service is already listening on %s", path)
		}
		os.Remove(path)
	}
	// Bound and listening under a temporary name, then renamed: whoever
	// waits for the socket file to appear can connect once it does.
	tmp := filepath.Join(dir, fmt.Sprintf(".%s.%d", filepath.Base(path), os.Getpid()))
	os.Remove(tmp)
	old := syscall.Umask(0o177)
	l, err := net.Listen("unix", tmp)
	syscall.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", path, err)
	}
	ul := l.(*net.UnixListener)
	ul.SetUnlinkOnClose(false)
	if err := os.Chmod(tmp, 0o600); err != nil {
		l.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("setting socket mode: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		l.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("listening on %s: %w", path, err)
	}
	return &unixListener{UnixListener: ul, path: path}, nil
}

// unixListener is a unix socket listener known by the path it was moved
// to, which it removes when closed.
type unixListener struct {
	*net.UnixListener
	path string
	once sync.Once
}

func (l *unixListener) Addr() net.Addr { return &net.UnixAddr{Name: l.path, Net: "unix"} }

func (l *unixListener) Close() error {
	err := l.UnixListener.Close()
	l.once.Do(func() { os.Remove(l.path) })
	return err
}

// ActivationListener returns the socket systemd (or
// systemd-socket-activate) passed with LISTEN_FDS and LISTEN_PID, or nil
// when there is none. It unsets those variables, so children do not take
// the socket for theirs.
func ActivationListener() (net.Listener, error) {
	pid, fds := os.Getenv("LISTEN_PID"), os.Getenv("LISTEN_FDS")
	if pid == "" || fds == "" {
		return nil, nil
	}
	defer func() {
		os.Unsetenv("LISTEN_PID")
		os.Unsetenv("LISTEN_FDS")
		os.Unsetenv("LISTEN_FDNAMES")
	}()
	if p, err := strconv.Atoi(pid); err != nil || p != os.Getpid() {
		return nil, nil
	}
	n, err := strconv.Atoi(fds)
	if err != nil || n < 1 {
		return nil, define.Invalidf("invalid LISTEN_FDS %q", fds)
	}
	if n > 1 {
		return nil, define.Invalidf("socket activation passed %d sockets: pm serves one", n)
	}
	const firstFD = 3
	syscall.CloseOnExec(firstFD)
	f := os.NewFile(firstFD, strings.TrimSpace(os.Getenv("LISTEN_FDNAMES")))
	l, err := net.FileListener(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("using the activated socket: %w", err)
	}
	return l, nil
}
