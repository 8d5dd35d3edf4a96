package libpod

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/internal/fscopy"
	"github.com/pm-project/pm/libpod/state"
	"golang.org/x/sys/unix"
)

// VolumeUsers returns the containers whose mounts use the volume name.
func (r *Runtime) VolumeUsers(ctx context.Context, name string) ([]*Container, error) {
	cs, err := r.Containers(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Container
	for _, c := range cs {
		if usesVolume(c, name) {
			out = append(out, c)
		}
	}
	return out, nil
}

func usesVolume(c *Container, name string) bool {
	for _, m := range c.Config.Mounts {
		if m.Type == "volume" && m.Name == name {
			return true
		}
	}
	return false
}

// VolumeUsage maps each volume name to the containers that use it, in one
// read of the state.
func (r *Runtime) VolumeUsage(ctx context.Context) (map[string][]*Container, error) {
	cs, err := r.Containers(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]*Container{}
	for _, c := range cs {
		for _, m := range c.Config.Mounts {
			if m.Type == "volume" && m.Name != "" && !slices.Contains(out[m.Name], c) {
				out[m.Name] = append(out[m.Name], c)
			}
		}
	}
	return out, nil
}

// RemoveVolume removes a volume, its data and its record, and records a
// volume remove event. A volume that a container uses is refused
// (define.ErrVolumeInUse) unless force, which removes those containers
// first, stopping them with timeout.
func (r *Runtime) RemoveVolume(ctx context.Context, name string, force bool, timeout *uint) error {
	v, err := r.LookupVolume(ctx, name)
	if err != nil {
		return err
	}
	users, err := r.VolumeUsers(ctx, v.Name())
	if err != nil {
		return err
	}
	if len(users) > 0 && !force {
		ids := make([]string, len(users))
		for i, c := range users {
			ids[i] = c.ID()
		}
		return define.Errorf(define.ErrVolumeInUse, "volume %s is being used by the following container(s): %s: %w",
			v.Name(), strings.Join(ids, ", "), define.ErrVolumeInUse)
	}
	for _, c := range users {
		if _, err := r.RemoveContainer(ctx, c.ID(), true, timeout); err != nil && !errors.Is(err, define.ErrNoSuchCtr) {
			return fmt.Errorf("removing container %s that uses volume %s: %w", c.ID(), v.Name(), err)
		}
	}
	l, err := r.volumeLock(ctx, v.Name())
	if err != nil {
		return err
	}
	defer l.Unlock()
	dir, err := r.volumeDir(v.Name())
	if err != nil {
		return err
	}
	if v.IsTmpfs() {
		if err := unix.Unmount(v.path, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("unmounting tmpfs of volume %s: %w", v.Name(), err)
		}
	}
	if v.isBind() {
		// Never touch the device's files: only pm's own directory goes.
		if err := os.Remove(filepath.Join(dir, "_data")); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing directory of volume %s: %w", v.Name(), err)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("removing data of volume %s: %w", v.Name(), err)
	}
	db, err := r.DB()
	if err != nil {
		return err
	}
	if err := db.Update(ctx, func(tx *state.Tx) error { return tx.RemoveVolume(v.Name()) }); err != nil {
		return err
	}
	if err := l.Remove(); err != nil {
		slog.Debug("removing volume lock", "volume", v.Name(), "err", err)
	}
	r.volumeEvent("remove", v.Name())
	return nil
}

// InspectVolume returns a volume as `pm volume inspect` prints it.
func (r *Runtime) InspectVolume(ctx context.Context, v *Volume, users []*Container) *define.InspectVolumeData {
	d := &define.InspectVolumeData{
		Name: v.Name(), Driver: v.Config.Driver, Mountpoint: v.path, CreatedAt: v.Config.CreatedAt,
		Labels: v.Config.Labels, Scope: "local", Options: v.Config.Options,
		NeedsCopyUp: v.State.NeedsCopyUp, NeedsChown: v.State.NeedsChown, Anonymous: v.Config.Anonymous,
	}
	for _, c := range users {
		if c.State.Status.Active() {
			d.MountCount++
		}
	}
	return d
}

// VolumeUse says how a container uses a volume, for PrepareVolume.
type VolumeUse struct {
	Rootfs string // the container's mounted root filesystem
	Dest   string // the mount's destination inside it
	CopyUp bool   // copy the image's content at Dest into a new volume
	// Chown, when set, owns the volume's content by these ids (:U).
	Chown *fscopy.IDPair
}

// PrepareVolume readies the volume name for a container being created:
// it makes sure its directory exists, mounts a tmpfs volume, copies the
// image's content at u.Dest into a new empty volume once (copy-up), and
// with u.Chown owns its files by the container's user.
func (r *Runtime) PrepareVolume(ctx context.Context, name string, u VolumeUse) (*Volume, error) {
	l, err := r.volumeLock(ctx, name)
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	v, err := r.LookupVolume(ctx, name)
	if err != nil {
		return nil, err
	}
	if !v.isBind() {
		if err := r.makeVolumeDir(v); err != nil {
			return nil, err
		}
	}
	if err := r.mountTmpfs(v); err != nil {
		return nil, err
	}
	changed := false
	if u.Rootfs != "" && (v.State.NeedsCopyUp || v.State.NeedsChown) {
		found, err := r.copyUp(v, u)
		if err != nil {
			return nil, err
		}
		// As in Podman, the volume needs a copy-up until a container
		// mounts it where its image has something to copy.
		if found {
			v.State.NeedsCopyUp = false
		}
		v.State.NeedsChown = false
		changed = true
	}
	if u.Chown != nil {
		if err := chownTree(v.path, *u.Chown); err != nil {
			return nil, fmt.Errorf("chowning volume %s: %w", v.Name(), err)
		}
	}
	if changed {
		if err := r.saveVolumeState(ctx, v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// copyUp copies the image's content at u.Dest into v when v is empty, and
// gives v's top directory the owner and mode of the image's directory.
// found reports whether the image has content there to copy (so that the
// volume's copy-up is done, whether or not it was empty).
func (r *Runtime) copyUp(v *Volume, u VolumeUse) (found bool, err error) {
	if u.Rootfs == "" || v.isBind() {
		return false, nil
	}
	rp, err := fscopy.Resolve(u.Rootfs, u.Dest)
	if err != nil {
		return false, nil // nothing at the destination in the image
	}
	fi, err := os.Lstat(filepath.Join(u.Rootfs, rp))
	if err != nil || !fi.IsDir() {
		return false, nil
	}
	if v.State.NeedsChown {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			if err := os.Lchown(v.path, int(st.Uid), int(st.Gid)); err != nil {
				return false, fmt.Errorf("owning volume %s like %s: %w", v.Name(), u.Dest, err)
			}
			if err := os.Chmod(v.path, fi.Mode().Perm()|fi.Mode()&(fs.ModeSticky|fs.ModeSetgid)); err != nil {
				return false, fmt.Errorf("setting the mode of volume %s: %w", v.Name(), err)
			}
		}
	}
	if !v.State.NeedsCopyUp || !u.CopyUp {
		return false, nil
	}
	image, err := os.ReadDir(filepath.Join(u.Rootfs, rp))
	if err != nil || len(image) == 0 {
		return false, nil
	}
	entries, err := os.ReadDir(v.path)
	if err != nil {
		return false, fmt.Errorf("reading volume %s: %w", v.Name(), err)
	}
	if len(entries) > 0 {
		return true, nil
	}
	src := fscopy.Location{Root: u.Rootfs, Path: strings.TrimSuffix(rp, "/") + "/.", Where: "the image"}
	dst := fscopy.Location{Root: v.path, Path: "/", Where: "volume " + v.Name()}
	if err := fscopy.Copy(src, dst, fscopy.CopyOptions{KeepOwner: true, Overwrite: true}); err != nil {
		return false, fmt.Errorf("copying %s of the image into volume %s: %w", u.Dest, v.Name(), err)
	}
	return true, nil
}

// mountTmpfs mounts a tmpfs volume on its data directory unless it is
// mounted already (in pm's mount namespace, where it stays).
func (r *Runtime) mountTmpfs(v *Volume) error {
	if !v.IsTmpfs() {
		return nil
	}
	var st, pst unix.Stat_t
	if err := unix.Stat(v.path, &st); err != nil {
		return fmt.Errorf("stat volume %s: %w", v.Name(), err)
	}
	if err := unix.Stat(filepath.Dir(v.path), &pst); err != nil {
		return fmt.Errorf("stat volume %s: %w", v.Name(), err)
	}
	if st.Dev != pst.Dev {
		return nil
	}
	opts := v.Config.Options["o"]
	if err := unix.Mount("tmpfs", v.path, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, opts); err != nil {
		return fmt.Errorf("mounting tmpfs for volume %s (o=%s): %w", v.Name(), opts, err)
	}
	return nil
}

// chownTree owns every file under dir by ids, without following symlinks.
func chownTree(dir string, ids fscopy.IDPair) error {
	return filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, ids.UID, ids.GID)
	})
}

// ChownPath owns a bind mount's source by ids (:U).
func (r *Runtime) ChownPath(path string, ids fscopy.IDPair) error {
	if err := chownTree(path, ids); err != nil {
		return fmt.Errorf("chowning %s: %w", path, err)
	}
	return nil
}

// ExportVolume writes the volume's content to w as a tar stream.
func (r *Runtime) ExportVolume(ctx context.Context, name string, w io.Writer) error {
	v, err := r.PrepareVolume(ctx, name, VolumeUse{})
	if err != nil {
		return err
	}
	if err := fscopy.WriteTar(w, v.path, "/", "", false); err != nil {
		return fmt.Errorf("exporting volume %s: %w", v.Name(), err)
	}
	return nil
}

// ImportVolume unpacks the tar stream rd into the volume, keeping the
// archive's owners; no entry lands outside the volume.
func (r *Runtime) ImportVolume(ctx context.Context, name string, rd io.Reader) error {
	v, err := r.PrepareVolume(ctx, name, VolumeUse{})
	if err != nil {
		return err
	}
	if err := fscopy.Extract(rd, v.path, "/", fscopy.ExtractOptions{KeepOwner: true, Overwrite: true}); err != nil {
		return fmt.Errorf("importing into volume %s: %w", v.Name(), err)
	}
	return nil
}

// RemoveAnonymousVolumes removes the anonymous volumes c mounted that no
// other container uses; c's record is gone already. Failures are logged.
func (r *Runtime) RemoveAnonymousVolumes(ctx context.Context, c *Container) {
	for _, m := range c.Config.Mounts {
		if m.Type != "volume" || m.Name == "" {
			continue
		}
		v, err := r.LookupVolume(ctx, m.Name)
		if err != nil || !v.Config.Anonymous {
			continue
		}
		if err := r.RemoveVolume(ctx, v.Name(), false, nil); err != nil && !errors.Is(err, define.ErrVolumeInUse) && !errors.Is(err, define.ErrNoSuchVolume) {
			slog.Warn("removing anonymous volume", "volume", v.Name(), "container", c.ID(), "err", err)
		}
	}
}
