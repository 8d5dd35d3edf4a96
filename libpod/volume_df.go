package libpod

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// VolumeSize returns the bytes of the files in the volume (each hard
// linked file once), for pm system df.
func (r *Runtime) VolumeSize(v *Volume) int64 {
	return treeSize(v.path)
}

// treeSize returns the bytes of the regular files under dir, each hard
// linked file once. It stays on dir's file system: a mount under dir
// (a running container's root filesystem in storage) is not counted.
func treeSize(dir string) int64 {
	var n int64
	seen := map[uint64]bool{}
	var dev uint64
	if fi, err := os.Lstat(dir); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			dev = st.Dev
		}
	}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Dev != dev {
				return filepath.SkipDir
			}
			return nil
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		if ino := inode(fi); ino != 0 {
			if seen[ino] {
				return nil
			}
			seen[ino] = true
		}
		n += fi.Size()
		return nil
	})
	return n
}

// ContainerDiskSize returns the size of the container's writable layer.
func (r *Runtime) ContainerDiskSize(c *Container) int64 {
	layer, err := r.storageLayer(c)
	if err != nil {
		return 0
	}
	store, err := r.Store()
	if err != nil {
		return 0
	}
	n, err := store.DiffSize("", layer)
	if err != nil {
		return 0
	}
	return n
}

func inode(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
		return st.Ino
	}
	return 0
}

// StorageUsage returns the bytes pm's storage holds on disk: the graph
// root (images, containers, the scratch directory and, by default,
// volumes) and the volume path when it lies elsewhere; not the state
// database, whose files grow and shrink with every command. Mounted root
// filesystems are not counted twice.
func (r *Runtime) StorageUsage() int64 {
	n := treeSize(r.cfg.Storage.GraphRoot)
	if rel, err := filepath.Rel(r.cfg.Storage.GraphRoot, r.cfg.VolumePath); err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		n += treeSize(r.cfg.VolumePath)
	}
	if rel, err := filepath.Rel(r.cfg.Storage.GraphRoot, r.cfg.DatabasePath); err == nil && !strings.HasPrefix(rel, "..") {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			if fi, err := os.Stat(r.cfg.DatabasePath + suffix); err == nil {
				n -= fi.Size()
			}
		}
	}
	return n
}
