package engine

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/pm-project/pm/libpod/define"
)

// PathStat describes a path in a container, as Docker's archive routes
// report it in the X-Docker-Container-Path-Stat header.
type PathStat struct {
	Name       string      `json:"name"`
	Size       int64       `json:"size"`
	Mode       fs.FileMode `json:"mode"`
	Mtime      time.Time   `json:"mtime"`
	LinkTarget string      `json:"linkTarget"`
}

// ContainerStat describes path inside a container's root filesystem,
// resolved inside it (symlinks in the leading components stay in the
// container; the last component is not followed).
func (e *Engine) ContainerStat(ctx context.Context, idOrName, path string) (*PathStat, error) {
	c, mp, err := e.rt.MountContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	defer e.rt.UnmountContainer(context.WithoutCancel(ctx), c.ID(), false)
	clean := filepath.Clean("/" + path)
	dir, base := filepath.Split(clean)
	parent, err := securejoin.SecureJoin(mp, dir)
	if err != nil {
		return nil, err
	}
	full := filepath.Join(parent, base)
	fi, err := os.Lstat(full)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, define.Errorf(define.ErrNotFound, "Could not find the file %s in container %s", path, idOrName)
	}
	if err != nil {
		return nil, err
	}
	st := &PathStat{Name: fi.Name(), Size: fi.Size(), Mode: fi.Mode(), Mtime: fi.ModTime()}
	if clean == "/" {
		st.Name = "/"
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := os.Readlink(full)
		if err == nil {
			st.LinkTarget = target
		}
	}
	return st, nil
}
