package libpod

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/define"
	"golang.org/x/sys/unix"
)

// shmDir is where the shareable /dev/shm of container id is mounted, in
// pm's mount namespace; the generated spec binds it (ShareShm).
func (r *Runtime) shmDir(id string) string {
	return filepath.Join(r.bundleDir(id), "shm")
}

// setupShm mounts the tmpfs that a container with ShareShm gets as
// /dev/shm, unless it is mounted already. The caller holds c's lock.
func (r *Runtime) setupShm(c *Container) error {
	if !c.Config.ShareShm {
		return nil
	}
	dir := r.shmDir(c.ID())
	if err := os.MkdirAll(r.bundleDir(c.ID()), 0o700); err != nil {
		return fmt.Errorf("creating bundle of %s: %w", c.ID(), err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating /dev/shm of %s: %w", c.ID(), err)
	}
	if isMountpoint(dir) {
		return nil
	}
	if err := unix.Mount("shm", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=1777,size=65536k"); err != nil {
		return fmt.Errorf("mounting /dev/shm of %s: %w", c.ID(), err)
	}
	return nil
}

// teardownShm unmounts what setupShm mounted; the caller holds c's lock.
func (r *Runtime) teardownShm(c *Container) error {
	if !c.Config.ShareShm {
		return nil
	}
	dir := r.shmDir(c.ID())
	if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil && err != unix.EINVAL && err != unix.ENOENT {
		return fmt.Errorf("unmounting /dev/shm of %s: %w", c.Name(), err)
	}
	return nil
}

// isMountpoint reports whether dir is on another device than its parent.
func isMountpoint(dir string) bool {
	var st, pst unix.Stat_t
	if unix.Stat(dir, &st) != nil || unix.Stat(filepath.Dir(dir), &pst) != nil {
		return false
	}
	return st.Dev != pst.Dev
}

// ipcDonor is the container whose IPC namespace c joins: the one of
// --ipc container:ID, or its pod's infra container (infra, of pod p) when
// the pod shares ipc; nil for none.
func (r *Runtime) ipcDonor(ctx context.Context, c *Container, p *Pod, infra *Container) (*Container, error) {
	if id, ok := strings.CutPrefix(c.Config.IPCMode, "container:"); ok {
		d, err := r.getContainer(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("container %s, whose IPC namespace %s joins: %w", id, c.Name(), err)
		}
		return d, nil
	}
	if infra == nil || !p.Config.Shares("ipc") {
		return nil, nil
	}
	return infra, nil
}

// pidDonor is the container whose PID namespace c joins (--pid
// container:ID), nil for none.
func (r *Runtime) pidDonor(ctx context.Context, c *Container) (*Container, error) {
	id, ok := strings.CutPrefix(c.Config.PIDMode, "container:")
	if !ok {
		return nil, nil
	}
	d, err := r.getContainer(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("container %s, whose PID namespace %s joins: %w", id, c.Name(), err)
	}
	return d, nil
}

// joinIPC points sp, c's OCI spec, at the IPC namespace and /dev/shm of
// its donor d.
func (r *Runtime) joinIPC(sp *specs.Spec, c, d *Container) error {
	if d.State.Status != define.StatusRunning || d.State.Pid == 0 {
		return define.Errorf(define.ErrInvalidState, "container %s, whose IPC namespace %s joins, is not running", d.Name(), c.Name())
	}
	setNamespace(sp, specs.IPCNamespace, "/proc/"+strconv.Itoa(d.State.Pid)+"/ns/ipc")
	if d.Config.ShareShm {
		for i := range sp.Mounts {
			if sp.Mounts[i].Destination == "/dev/shm" {
				sp.Mounts[i] = specs.Mount{Destination: "/dev/shm", Type: "bind", Source: r.shmDir(d.ID()),
					Options: []string{"bind", "nosuid", "noexec", "nodev", "rprivate"}}
			}
		}
	}
	return nil
}
