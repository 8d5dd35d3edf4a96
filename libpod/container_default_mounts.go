package libpod

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/internal/fscopy"
)

// Default mounts are Podman's "subscriptions": the mounts file
// (containers.conf's default_mounts_file, or mounts.conf in Podman's
// locations) lists HOST:CONTAINER paths that every container, and every
// RUN step of a build, gets. As in Podman, each start copies the host's
// files into the bundle (mounts/CONTAINER) and binds the copy, so that
// the container may change its copy but never the host's files; a host
// path that does not exist is left out.

// defaultMount is one line of the mounts file.
type defaultMount struct {
	Source      string // on the host
	Destination string // in the container
}

// defaultMounts reads the mounts file: lines that begin with "/", each
// HOST:CONTAINER or a single path for both; other lines are skipped, as
// Podman skips them. No file, or none configured, is no mounts.
func (r *Runtime) defaultMounts() []defaultMount {
	file := r.cfg.Containers.DefaultMountsFile
	if file == "" {
		return nil
	}
	f, err := os.Open(file)
	if err != nil {
		slog.Debug("no default mounts", "file", file, "err", err)
		return nil
	}
	defer f.Close()
	var out []defaultMount
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "/") {
			continue
		}
		src, dst, ok := strings.Cut(line, ":")
		if !ok {
			dst = src
		}
		if dst = path.Clean("/" + dst); dst == "/" {
			continue
		}
		out = append(out, defaultMount{Source: filepath.Clean(src), Destination: dst})
	}
	return out
}

// DefaultMountDestinations lists where the mounts file's mounts go in a
// container, for a builder that keeps mount targets out of its layers.
func (r *Runtime) DefaultMountDestinations() []string {
	var out []string
	for _, m := range r.defaultMounts() {
		if _, err := os.Stat(m.Source); err == nil {
			out = append(out, m.Destination)
		}
	}
	return out
}

// addDefaultMounts copies the mounts file's host paths into bundle/mounts
// and binds the copies into sp, owned by the container's root; a
// destination sp already mounts (the user's volume) keeps that mount.
func (r *Runtime) addDefaultMounts(c *Container, sp *specs.Spec, bundle string) error {
	root := filepath.Join(bundle, "mounts")
	if err := os.RemoveAll(root); err != nil {
		return fmt.Errorf("clearing the default mounts of %s: %w", c.Name(), err)
	}
	mounts := r.defaultMounts()
	if len(mounts) == 0 {
		return nil
	}
	taken := map[string]bool{}
	for _, m := range sp.Mounts {
		taken[path.Clean(m.Destination)] = true
	}
	uid, _ := hostID(c.Config.IDMaps, 0, true)
	gid, _ := hostID(c.Config.IDMaps, 0, false)
	for _, m := range mounts {
		if taken[m.Destination] {
			continue
		}
		fi, err := os.Stat(m.Source)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("default mount %s: %w", m.Source, err)
			}
			slog.Debug("default mount source does not exist, skipping", "path", m.Source)
			continue
		}
		dst := filepath.Join(root, filepath.FromSlash(m.Destination))
		switch {
		case fi.IsDir():
			err = copyTreeContent(m.Source, dst, fi.Mode().Perm())
		case fi.Mode().IsRegular():
			if err = os.MkdirAll(filepath.Dir(dst), 0o755); err == nil {
				err = copyRegular(m.Source, dst, fi.Mode().Perm())
			}
		default:
			err = fmt.Errorf("unsupported file type")
		}
		if err != nil {
			return fmt.Errorf("copying default mount %s of %s: %w", m.Source, c.Name(), err)
		}
		if uid != 0 || gid != 0 {
			if err := chownTree(dst, fscopy.IDPair{UID: int(uid), GID: int(gid)}); err != nil {
				return fmt.Errorf("setting the owner of default mount %s: %w", m.Destination, err)
			}
		}
		sp.Mounts = append(sp.Mounts, specs.Mount{
			Destination: m.Destination, Type: "bind", Source: dst,
			Options: []string{"bind", "rprivate"},
		})
		taken[m.Destination] = true
	}
	return nil
}

// copyTreeContent copies the regular files below src (following
// symbolic links, leaving out dangling ones and special files) into dst,
// with their modes.
func copyTreeContent(src, dst string, mode fs.FileMode) error {
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		s, d := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		fi, err := os.Stat(s)
		if errors.Is(err, fs.ErrNotExist) {
			continue // a dangling symbolic link
		}
		if err != nil {
			return err
		}
		switch {
		case fi.IsDir():
			err = copyTreeContent(s, d, fi.Mode().Perm())
		case fi.Mode().IsRegular():
			err = copyRegular(s, d, fi.Mode().Perm())
		}
		if err != nil {
			return err
		}
	}
	return os.Chmod(dst, mode)
}

func copyRegular(src, dst string, mode fs.FileMode) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.WriteFile(dst, data, mode); err != nil {
		return err
	}
	return os.Chmod(dst, mode) // past the umask
}
