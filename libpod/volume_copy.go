package libpod

import (
	"os"
	"strings"

	"github.com/pm-project/pm/libpod/internal/fscopy"
)

// copyLocation resolves path inside container c (root filesystem mounted
// at root) against c's volume and directory bind mounts: a path at or
// below a mount's destination is a path inside that mount's source, so
// that pm cp reads and writes what the container sees there. Symlinks
// are still resolved by fscopy, inside whichever root is chosen, so a
// path never leaves it.
func copyLocation(c *Container, root, path string) fscopy.Location {
	loc := fscopy.Location{Root: root, Path: path, Where: "container " + c.Name()}
	clean := fscopy.Clean(path)
	best := -1
	for i, m := range c.Config.Mounts {
		if m.Type != "volume" && m.Type != "bind" || m.Source == "" {
			continue
		}
		if clean != m.Destination && !strings.HasPrefix(clean, strings.TrimSuffix(m.Destination, "/")+"/") {
			continue
		}
		if fi, err := os.Stat(m.Source); err != nil || !fi.IsDir() {
			continue
		}
		if best < 0 || len(m.Destination) > len(c.Config.Mounts[best].Destination) {
			best = i
		}
	}
	if best < 0 {
		return loc
	}
	m := c.Config.Mounts[best]
	rel := "/" + strings.TrimPrefix(strings.TrimPrefix(clean, m.Destination), "/")
	switch {
	case strings.HasSuffix(path, "/."):
		rel = strings.TrimSuffix(rel, "/") + "/."
	case strings.HasSuffix(path, "/") && rel != "/":
		rel += "/"
	}
	loc.Root, loc.Path = m.Source, rel
	return loc
}
