package libpod

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/storage"
	"go.podman.io/storage/pkg/idtools"
	stypes "go.podman.io/storage/types"
	"golang.org/x/sys/unix"
)

// storageOptions asks storage for a root filesystem whose files appear
// with the container's own id maps (owned by its root, not pm's), when the
// container has a user namespace of its own. A --rm container's storage is
// volatile, as in Podman: storage records it without an fsync, since a
// container meant to vanish when it exits need not survive a power loss
// (its leftovers are orphans system check finds).
func storageOptions(cfg *define.ContainerConfig) *storage.ContainerOptions {
	o := &storage.ContainerOptions{Volatile: cfg.AutoRemove}
	m := cfg.IDMaps
	if m == nil {
		return o
	}
	conv := func(in []define.IDMap) []idtools.IDMap {
		out := make([]idtools.IDMap, len(in))
		for i, x := range in {
			out[i] = idtools.IDMap{ContainerID: x.ContainerID, HostID: x.HostID, Size: x.Size}
		}
		return out
	}
	o.IDMappingOptions = stypes.IDMappingOptions{
		UIDMap: conv(m.UIDMap),
		GIDMap: conv(m.GIDMap),
	}
	return o
}

// usedIDMaps lists the host-side blocks of every container with a user
// namespace of its own, for --userns=auto.
func usedIDMaps(cs []*Container) []define.IDMap {
	var out []define.IDMap
	for _, c := range cs {
		if c.Config.IDMaps != nil {
			out = append(out, c.Config.IDMaps.UIDMap...)
		}
	}
	return out
}

// UsedIDMaps lists the id blocks that containers with a user namespace of
// their own already use.
func (r *Runtime) UsedIDMaps(ctx context.Context) ([]define.IDMap, error) {
	cs, err := r.Containers(ctx)
	if err != nil {
		return nil, err
	}
	return usedIDMaps(cs), nil
}

// userNSBase is where the root filesystems of containers with a user
// namespace of their own are bound. The container's root is not pm's
// user, so it cannot cross pm's private directories (0700) to reach its
// storage; this directory is a tmpfs (mode 0711) mounted in pm's own mount
// namespace, so the host sees only an empty, private directory. It is named
// after the runtime directory too: each runtime directory has its own pause
// process and mount namespace, and no other's mounts sit on its directory,
// so system reset can remove it.
func (r *Runtime) userNSBase() string {
	sum := sha256.Sum256([]byte(r.cfg.RuntimeDir))
	return fmt.Sprintf("/tmp/pm-userns-%d-%x", r.cfg.UID, sum[:4])
}

// removeUserNSBase unmounts and removes userNSBase, once no container
// uses it (system reset).
func (r *Runtime) removeUserNSBase() error {
	base := r.userNSBase()
	if err := unix.Unmount(base, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("unmounting %s: %w", base, err)
	}
	if err := os.Remove(base); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing %s: %w", base, err)
	}
	return nil
}

// userNSRootfs binds mountpoint where the container's root can reach it
// and returns that path. The caller holds c's lock.
func (r *Runtime) userNSRootfs(ctx context.Context, c *Container, mountpoint string) (string, error) {
	if c.Config.IDMaps == nil {
		return mountpoint, nil
	}
	base := r.userNSBase()
	l, err := r.locks.Lock(ctx, "userns-rootfs")
	if err != nil {
		return "", err
	}
	defer l.Unlock()
	if err := os.Mkdir(base, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("creating %s: %w", base, err)
	}
	st, err := os.Lstat(base)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return "", define.Errorf(define.ErrPermission, "%s is not a directory", base)
	}
	var fs unix.Statfs_t
	if err := unix.Statfs(base, &fs); err != nil {
		return "", fmt.Errorf("checking %s: %w", base, err)
	}
	if fs.Type != unix.TMPFS_MAGIC || !isOwnTmpfs(base) {
		if sys, ok := st.Sys().(*syscall.Stat_t); ok && int(sys.Uid) != os.Getuid() {
			return "", define.Errorf(define.ErrPermission, "%s belongs to another user", base)
		}
		if err := unix.Mount("tmpfs", base, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0711"); err != nil {
			return "", fmt.Errorf("mounting a tmpfs on %s: %w", base, err)
		}
	}
	dir := filepath.Join(base, c.ID())
	if err := os.Mkdir(dir, 0o711); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("creating %s: %w", dir, err)
	}
	unix.Unmount(dir, unix.MNT_DETACH)
	if err := unix.Mount(mountpoint, dir, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return "", fmt.Errorf("binding the root filesystem of %s: %w", c.Name(), err)
	}
	return dir, nil
}

// isOwnTmpfs reports whether path is a mount point in this mount
// namespace (and not merely a directory on /tmp's own tmpfs).
func isOwnTmpfs(path string) bool {
	var a, b unix.Stat_t
	if unix.Stat(path, &a) != nil || unix.Stat(filepath.Dir(path), &b) != nil {
		return false
	}
	return a.Dev != b.Dev
}

// releaseUserNSRootfs undoes userNSRootfs; it does nothing for a container
// without a user namespace of its own.
func (r *Runtime) releaseUserNSRootfs(c *Container) {
	if c.Config.IDMaps == nil {
		return
	}
	dir := filepath.Join(r.userNSBase(), c.ID())
	unix.Unmount(dir, unix.MNT_DETACH)
	os.Remove(dir)
}
