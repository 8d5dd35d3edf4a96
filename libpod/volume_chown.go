package libpod

import (
	"fmt"
	"os"
	"syscall"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/internal/fscopy"
)

// rootIDs maps a uid and gid inside the container to the ids they are in
// pm's user namespace, through the container's own id maps; without maps
// (or for an id they do not map) the ids are the same.
func (c *Container) rootIDs(uid, gid int) (int, int) {
	if c.Config.IDMaps == nil {
		return uid, gid
	}
	return mapID(c.Config.IDMaps.UIDMap, uid), mapID(c.Config.IDMaps.GIDMap, gid)
}

func mapID(maps []define.IDMap, id int) int {
	for _, m := range maps {
		if id >= m.ContainerID && id < m.ContainerID+m.Size {
			return m.HostID + id - m.ContainerID
		}
	}
	return id
}

// RootIDs is rootIDs for an IDPair, for callers that hold only the maps
// (a container being created).
func RootIDs(m *define.ContainerIDMaps, ids fscopy.IDPair) fscopy.IDPair {
	if m == nil {
		return ids
	}
	return fscopy.IDPair{UID: mapID(m.UIDMap, ids.UID), GID: mapID(m.GIDMap, ids.GID)}
}

// wantsChown reports whether a mount's options ask for :U.
func wantsChown(opts []string) bool {
	for _, o := range opts {
		switch o {
		case "U", "U=true", "chown", "chown=true":
			return true
		}
	}
	return false
}

// chownMounts owns the sources of c's :U mounts by the container's process
// user, as Podman does at every start: a source whose top directory has
// that owner already is left alone, else its whole tree is chowned.
func (r *Runtime) chownMounts(c *Container) error {
	var ids *fscopy.IDPair
	for _, m := range c.Config.Mounts {
		if (m.Type != "bind" && m.Type != "volume") || m.Source == "" || !wantsChown(m.Options) {
			continue
		}
		if ids == nil {
			uid, gid := c.rootIDs(processUser(c))
			ids = &fscopy.IDPair{UID: uid, GID: gid}
		}
		fi, err := os.Lstat(m.Source)
		if err != nil {
			return fmt.Errorf("chowning %s for %s: %w", m.Source, m.Destination, err)
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) == ids.UID && int(st.Gid) == ids.GID {
			continue
		}
		if err := chownTree(m.Source, *ids); err != nil {
			return fmt.Errorf("chowning %s for %s: %w", m.Source, m.Destination, err)
		}
	}
	return nil
}
