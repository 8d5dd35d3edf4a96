package engine

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
)

// mountTargets lists the paths a RUN step's container will make in its
// root filesystem only to mount something there (/etc/hosts,
// /run/.containerenv, /proc, the mounts file's, ... and /etc/mtab) because the image lacks
// them, deepest first: afterTargets removes those still empty, so that
// they stay out of the step's layer, as Buildah leaves them out.
func (b *builder) mountTargets(id string) ([]string, error) {
	c, err := b.e.rt.LookupContainer(b.ctx, id)
	if err != nil {
		return nil, err
	}
	var spec struct {
		Mounts []struct {
			Destination string `json:"destination"`
		} `json:"mounts"`
	}
	if err := json.Unmarshal(c.Config.Spec, &spec); err != nil {
		return nil, err
	}
	cands := map[string]bool{"/etc/mtab": true, "/etc": true}
	dests := b.e.rt.DefaultMountDestinations() // the mounts file's, added at start
	for _, m := range spec.Mounts {
		dests = append(dests, m.Destination)
	}
	for _, d := range dests {
		for p := path.Clean("/" + d); p != "/"; p = path.Dir(p) {
			cands[p] = true
		}
	}
	_, mp, err := b.e.rt.MountContainer(b.ctx, id)
	if err != nil {
		return nil, err
	}
	defer b.e.rt.UnmountContainer(context.WithoutCancel(b.ctx), id, false)
	var missing []string
	for p := range cands {
		hp, err := inRoot(mp, p)
		if err != nil {
			continue
		}
		if _, err := os.Lstat(hp); errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, p)
		}
	}
	sort.Slice(missing, func(i, j int) bool {
		if n, m := strings.Count(missing[i], "/"), strings.Count(missing[j], "/"); n != m {
			return n > m
		}
		return missing[i] < missing[j]
	})
	return missing, nil
}

// afterTargets removes the mount targets the step made that are still
// as made: empty files and directories, and /etc/mtab's symlink.
func (b *builder) afterTargets(id string, targets []string) error {
	if len(targets) == 0 {
		return nil
	}
	_, mp, err := b.e.rt.MountContainer(b.ctx, id)
	if err != nil {
		return err
	}
	defer b.e.rt.UnmountContainer(context.WithoutCancel(b.ctx), id, false)
	for _, p := range targets {
		hp, err := inRoot(mp, p)
		if err != nil {
			continue
		}
		fi, err := os.Lstat(hp)
		if err != nil {
			continue
		}
		switch {
		case fi.Mode().IsRegular() && fi.Size() == 0, fi.Mode()&fs.ModeSymlink != 0 && p == "/etc/mtab":
			os.Remove(hp)
		case fi.IsDir():
			os.Remove(hp) // only when empty
		}
	}
	return nil
}

// inRoot is the host path of p in the root filesystem at root: its
// directory resolved inside root, its last element not followed.
func inRoot(root, p string) (string, error) {
	dir, err := securejoin.SecureJoin(root, path.Dir(p))
	if err != nil {
		return "", err
	}
	return path.Join(dir, path.Base(p)), nil
}
