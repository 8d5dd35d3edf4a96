// Package network gives containers their network: namespaces bound to
// files, pasta and slirp4netns for rootless connectivity and published
// ports, and netavark bridges for named networks.
package network

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/pm-project/pm/libpod/define"
	"golang.org/x/sys/unix"
)

// NewNS creates a network namespace and binds it at path, so it outlives
// this process and can be handed to the OCI runtime, pasta and netavark.
func NewNS(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("creating netns directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("creating netns file: %w", err)
	}
	f.Close()
	errc := make(chan error, 1)
	go func() {
		var perr error
		defer func() {
			if perr != nil {
				errc <- perr
			}
		}()
		defer define.Recover("making a network namespace", &perr)
		// The thread that unshares never returns to the scheduler: it
		// exits with this goroutine, taking its namespace along.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("unsharing the network namespace: %w", err)
			return
		}
		src := fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid())
		if err := unix.Mount(src, path, "none", unix.MS_BIND, ""); err != nil {
			errc <- fmt.Errorf("binding the network namespace at %s: %w", path, err)
			return
		}
		errc <- nil
	}()
	if err := <-errc; err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// RemoveNS unbinds and removes a namespace made by NewNS; pasta, watching
// the file, exits with it. A missing file is not an error.
func RemoveNS(path string) error {
	if err := unix.Unmount(path, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("unmounting network namespace %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing network namespace %s: %w", path, err)
	}
	return nil
}

// InNS runs fn on a thread that has joined the namespace at path.
func InNS(path string, fn func() error) error {
	ns, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("opening network namespace: %w", err)
	}
	defer ns.Close()
	errc := make(chan error, 1)
	go func() {
		var err error
		defer func() { errc <- err }()
		defer define.Recover("working in a network namespace", &err)
		runtime.LockOSThread()
		// The thread is never unlocked: it dies with the goroutine, so
		// no other goroutine runs in the container's namespace.
		if err = unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
			err = fmt.Errorf("joining network namespace: %w", err)
			return
		}
		err = fn()
	}()
	return <-errc
}

// NewUserNS creates a user namespace with the given id maps and, owned by
// it, a network namespace, and binds them at userPath and netPath. A
// container that joins both can have its network set up from outside
// (pasta, netavark) and still be entered later by the OCI runtime's
// exec, which joins the user namespace first: a network namespace owned
// by pm's own user namespace would be out of its reach.
func NewUserNS(userPath, netPath string, uidMap, gidMap []syscall.SysProcIDMap) (retErr error) {
	if err := os.MkdirAll(filepath.Dir(netPath), 0o700); err != nil {
		return fmt.Errorf("creating netns directory: %w", err)
	}
	for _, p := range []string{userPath, netPath} {
		f, err := os.OpenFile(p, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("creating namespace file: %w", err)
		}
		f.Close()
	}
	defer func() {
		if retErr != nil {
			RemoveNS(netPath)
			RemoveNS(userPath)
		}
	}()
	// A process is needed to hold the new namespaces while they are
	// bound (a thread of this multi-threaded process cannot unshare its
	// user namespace): cat, waiting on a pipe pm closes afterwards.
	cat, err := exec.LookPath("cat")
	if err != nil {
		return fmt.Errorf("creating a user namespace: %w", err)
	}
	cmd := exec.Command(cat)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNET,
		UidMappings: uidMap, GidMappings: gidMap,
		// The container's processes may set their groups.
		GidMappingsEnableSetgroups: true,
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		in.Close()
		return fmt.Errorf("creating a user namespace: %w", err)
	}
	defer func() {
		in.Close()
		cmd.Wait()
	}()
	for _, b := range []struct{ ns, path string }{{"user", userPath}, {"net", netPath}} {
		src := fmt.Sprintf("/proc/%d/ns/%s", cmd.Process.Pid, b.ns)
		if err := unix.Mount(src, b.path, "none", unix.MS_BIND, ""); err != nil {
			cmd.Process.Kill()
			return fmt.Errorf("binding the %s namespace at %s: %w", b.ns, b.path, err)
		}
	}
	return nil
}
