package libpod

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/pm-project/pm/libpod/define"
)

// ensureMtab makes /etc/mtab in the root filesystem at rootfs a symlink to
// /proc/mounts when the image has none, so that mount and df work inside
// the container, as in Podman. The link belongs to the container's root
// (uid and gid as pm's namespace sees them). An existing /etc/mtab, of any
// kind, is left alone.
func ensureMtab(rootfs string, uid, gid int) error {
	etc, err := securejoin.SecureJoin(rootfs, "/etc")
	if err != nil {
		return fmt.Errorf("resolving /etc in the rootfs: %w", err)
	}
	mtab := filepath.Join(etc, "mtab")
	if _, err := os.Lstat(mtab); err == nil {
		return nil
	}
	if _, err := os.Stat(etc); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(etc, 0o755); err != nil {
			return fmt.Errorf("creating /etc in the rootfs: %w", err)
		}
		_ = os.Lchown(etc, uid, gid)
	}
	if err := os.Symlink("/proc/mounts", mtab); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("creating /etc/mtab in the rootfs: %w", err)
	}
	_ = os.Lchown(mtab, uid, gid)
	return nil
}

// idMapsRoot returns the uid and gid of the container's root as pm's user
// namespace sees them: pm's own 0 unless the container has a namespace of
// its own.
func idMapsRoot(m *define.ContainerIDMaps) (int, int) {
	if m == nil {
		return 0, 0
	}
	return toOuterID(m.UIDMap, 0), toOuterID(m.GIDMap, 0)
}
