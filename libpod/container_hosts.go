package libpod

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// hostsOwner is the container whose network namespace c joins (following
// a chain of --network container:), or nil when c has its own.
func (r *Runtime) hostsOwner(c *Container) *Container {
	var owner *Container
	seen := map[string]bool{c.ID(): true}
	for cur := c; ; {
		kind, id := NetworkKind(cur.Config.NetworkMode)
		if kind != "container" || seen[id] {
			return owner
		}
		seen[id] = true
		o, err := r.getContainer(context.Background(), id)
		if err != nil {
			return owner
		}
		owner, cur = o, o
	}
}

// shareHosts makes c, when it joins another container's network namespace
// (a pod's member, --network container:), use that container's /etc/hosts
// with c's name added, as in Podman: the containers of a pod reach each
// other by name. The file is changed in place, so that the running
// containers that mount it see the names of those that join later. It
// points the /etc/hosts mount of sp at the shared file (own is the path
// of c's own one) and reports whether it did. owner is hostsOwner(c).
func (r *Runtime) shareHosts(c *Container, owner *Container, sp *specs.Spec, own string) bool {
	if owner == nil {
		return false
	}
	idx := -1
	for i, m := range sp.Mounts {
		if m.Destination == "/etc/hosts" && m.Source == own {
			idx = i
		}
	}
	if idx < 0 {
		return false // --no-hosts, or a hosts file of the user's
	}
	shared := filepath.Join(r.bundleDir(owner.ID()), "hosts")
	if err := r.addHostsName(shared, c.Name()); err != nil {
		slog.Debug("sharing /etc/hosts", "container", c.ID(), "owner", owner.ID(), "err", err)
		return false
	}
	sp.Mounts[idx].Source = shared
	return true
}

// unshareHosts takes the line shareHosts added for c out of the hosts
// file it shares, once c has stopped, as Podman does: a pod's /etc/hosts
// names its running members (a restart adds c again).
func (r *Runtime) unshareHosts(c *Container) {
	owner := r.hostsOwner(c)
	if owner == nil {
		return
	}
	path := filepath.Join(r.bundleDir(owner.ID()), "hosts")
	if err := r.removeHostsName(path, c.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
		slog.Debug("removing a name from a shared /etc/hosts", "container", c.ID(), "owner", owner.ID(), "err", err)
	}
}

// removeHostsName drops the "127.0.0.1 NAME" line addHostsName wrote
// from the hosts file at path, in place (running members mount it).
func (r *Runtime) removeHostsName(path, name string) error {
	return r.editHosts(path, func(b []byte) error {
		want := fmt.Sprintf("127.0.0.1\t%s", name)
		var kept []string
		lines := strings.SplitAfter(string(b), "\n")
		for _, line := range lines {
			if strings.TrimSuffix(line, "\n") != want {
				kept = append(kept, line)
			}
		}
		if len(kept) == len(lines) {
			return nil
		}
		return os.WriteFile(path, []byte(strings.Join(kept, "")), 0o644)
	})
}

// editHosts calls edit with the content of the shared hosts file at path,
// under the lock that serialises its writers.
func (r *Runtime) editHosts(path string, edit func(b []byte) error) error {
	l, err := r.locks.Lock(context.Background(), "hosts")
	if err != nil {
		return err
	}
	defer l.Unlock()
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return edit(b)
}

// addHostsName appends "127.0.0.1 NAME" to the hosts file at path unless
// NAME is in it already; a lock keeps members starting at once from
// writing their lines twice.
func (r *Runtime) addHostsName(path, name string) error {
	return r.editHosts(path, func(b []byte) error {
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			for _, n := range f[min(1, len(f)):] {
				if n == name {
					return nil
				}
			}
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return err
		}
		line := fmt.Sprintf("127.0.0.1\t%s\n", name)
		if len(b) > 0 && !bytes.HasSuffix(b, []byte("\n")) {
			line = "\n" + line
		}
		if _, err := f.WriteString(line); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
}
