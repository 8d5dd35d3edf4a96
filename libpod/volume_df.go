package libpod

import (
	"io/fs"
	"path/filepath"
	"syscall"
)

// VolumeSize returns the bytes of the files in the volume (each hard
// linked file once), for pm system df.
func (r *Runtime) VolumeSize(v *Volume) int64 {
	return treeSize(v.path)
}

func treeSize(dir string) int64 {
	var n int64
	seen := map[uint64]bool{}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		fi, err := d.Info()
		if err != nil || !fi.Mode().IsRegular() {
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
