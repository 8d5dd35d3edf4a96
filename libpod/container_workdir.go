package libpod

import (
	"fmt"
	"os"
	"path"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
)

// checkWorkDir refuses a working directory the user named (--workdir) that
// is in neither the container's file system rootfs nor one of its mounts,
// as Podman does: the runtime would create it, and pm, like Podman, creates
// only the image's WORKDIR.
func checkWorkDir(c *Container, rootfs string) error {
	wd := path.Clean("/" + c.Config.WorkDir)
	if !c.Config.WorkDirMustExist || wd == "/" {
		return nil
	}
	for _, m := range c.Config.Mounts {
		dst := path.Clean("/" + m.Destination)
		// The mount provides it, or the runtime makes it: in the mount,
		// or as the mount point's parent.
		if wd == dst || strings.HasPrefix(wd, strings.TrimSuffix(dst, "/")+"/") || strings.HasPrefix(dst, wd+"/") {
			return nil
		}
	}
	p, err := securejoin.SecureJoin(rootfs, wd)
	if err != nil {
		return fmt.Errorf("resolving workdir %q on container %s: %w", wd, c.ID(), err)
	}
	st, err := os.Stat(p)
	switch {
	case err == nil && !st.IsDir():
		return fmt.Errorf("workdir %q exists on container %s, but is not a directory", wd, c.ID())
	case err == nil:
		return nil
	case os.IsNotExist(err):
		return fmt.Errorf("workdir %q does not exist on container %s", wd, c.ID())
	}
	return fmt.Errorf("detecting workdir %q on container %s: %w", wd, c.ID(), err)
}
