package engine

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod"
)

// externalContainers summarizes the storage containers that are not among
// pm's: left by a build, another tool sharing the store, or a crash
// between the storage and the database writes. They show as "storage".
func (e *Engine) externalContainers(known []*libpod.Container) ([]ContainerSummary, error) {
	store, err := e.rt.Store()
	if err != nil {
		return nil, err
	}
	all, err := store.Containers()
	if err != nil {
		return nil, fmt.Errorf("listing storage containers: %w", err)
	}
	ours := make(map[string]bool, len(known))
	for _, c := range known {
		ours[c.ID()] = true
	}
	var out []ContainerSummary
	for _, sc := range all {
		if ours[sc.ID] {
			continue
		}
		s := ContainerSummary{
			ID: sc.ID, ImageID: sc.ImageID, Image: sc.ImageID, Names: sc.Names,
			Created: sc.Created.Unix(), CreatedAt: sc.Created.Format("2006-01-02 15:04:05.999999999 -0700 MST"),
			CreatedTime: sc.Created, State: "storage", Status: "Storage",
			Networks: []string{}, Mounts: []string{}, Command: []string{},
		}
		if img, err := store.Image(sc.ImageID); err == nil && len(img.Names) > 0 {
			s.Image = img.Names[0]
		}
		if len(s.Names) == 0 {
			s.Names = []string{sc.ID[:12]}
		}
		out = append(out, s)
	}
	return out, nil
}

// namespacesOf reads the namespace inode numbers of a process.
func namespacesOf(pid int) *ContainerNamespaces {
	read := func(kind string) string {
		l, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/" + kind)
		if err != nil {
			return ""
		}
		// "net:[4026532008]"
		if i := strings.IndexByte(l, '['); i >= 0 {
			return strings.TrimSuffix(l[i+1:], "]")
		}
		return l
	}
	return &ContainerNamespaces{
		MNT: read("mnt"), Cgroup: read("cgroup"), IPC: read("ipc"), NET: read("net"),
		PIDNS: read("pid"), UTS: read("uts"), User: read("user"),
	}
}

// RemoveExternal removes a storage container pm does not manage, named
// by name or ID (`rm --force` of a container pm does not know). It reports
// whether there was one.
func (e *Engine) RemoveExternal(ctx context.Context, nameOrID string) (bool, error) {
	if _, err := e.rt.LookupContainer(ctx, nameOrID); err == nil {
		return false, nil // pm's own: not external
	}
	store, err := e.rt.Store()
	if err != nil {
		return false, err
	}
	sc, err := store.Container(nameOrID)
	if err != nil {
		return false, nil
	}
	if _, err := store.Unmount(sc.ID, true); err != nil {
		slog.Debug("unmounting an external container", "container", sc.ID, "err", err)
	}
	if err := store.DeleteContainer(sc.ID); err != nil {
		return false, fmt.Errorf("removing storage container %s: %w", nameOrID, err)
	}
	return true, nil
}
