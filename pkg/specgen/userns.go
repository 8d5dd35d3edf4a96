package specgen

import (
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// UserNSMode is a parsed --userns value.
type UserNSMode struct {
	Mode string  // "", host, keep-id, nomap, auto
	UID  *uint32 // keep-id:uid=
	GID  *uint32 // keep-id:gid=
	Size uint32  // auto:size=
}

// ParseUserNS parses --userns: host, keep-id[:uid=N,gid=N], nomap,
// auto[:size=N].
func ParseUserNS(s string) (UserNSMode, error) {
	mode, opts, _ := strings.Cut(s, ":")
	m := UserNSMode{Mode: mode}
	switch mode {
	case "", "host", "nomap":
		if opts != "" {
			return m, define.Invalidf("invalid --userns %q: %s takes no options", s, mode)
		}
		return m, nil
	case "keep-id", "auto":
	default:
		return m, define.Invalidf("invalid --userns %q: use host, keep-id, auto or nomap", s)
	}
	if opts == "" {
		return m, nil
	}
	for _, o := range strings.Split(opts, ",") {
		k, v, _ := strings.Cut(o, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return m, define.Invalidf("invalid --userns %q: %q is not a number", s, v)
		}
		u := uint32(n)
		switch {
		case mode == "keep-id" && k == "uid":
			m.UID = &u
		case mode == "keep-id" && k == "gid":
			m.GID = &u
		case mode == "auto" && k == "size":
			if u == 0 {
				return m, define.Invalidf("invalid --userns %q: size must be at least 1", s)
			}
			m.Size = u
		default:
			return m, define.Invalidf("invalid --userns %q: unknown option %q", s, k)
		}
	}
	return m, nil
}

// KeepIDMaps maps container id `inner` to the user (id 0 of pm's user
// namespace) and the container's other ids to the rest of that namespace,
// which holds `size` ids in all (0 = the user, 1.. = subordinate ids).
func KeepIDMaps(inner, size uint32) ([]IDMap, error) {
	if size < 2 || inner >= size {
		return nil, define.Invalidf("--userns=keep-id needs a subordinate id range that covers id %d: see /etc/subuid", inner)
	}
	maps := []IDMap{}
	if inner > 0 {
		maps = append(maps, IDMap{ContainerID: 0, HostID: 1, Size: inner})
	}
	maps = append(maps, IDMap{ContainerID: inner, HostID: 0, Size: 1})
	if rest := size - inner - 1; rest > 0 {
		maps = append(maps, IDMap{ContainerID: inner + 1, HostID: inner + 1, Size: rest})
	}
	return maps, nil
}

// NoMapMaps maps the container's ids to the subordinate ids only: the
// user's own id is not mapped into the container.
func NoMapMaps(size uint32) ([]IDMap, error) {
	if size < 2 {
		return nil, define.Invalidf("--userns=nomap needs a subordinate id range: see /etc/subuid")
	}
	return []IDMap{{ContainerID: 0, HostID: 1, Size: size - 1}}, nil
}

// AutoMaps picks the first block of `want` subordinate ids (from 1 up to
// size) that overlaps none of the blocks in use.
func AutoMaps(want, size uint32, used []IDMap) ([]IDMap, error) {
	if want == 0 {
		want = 1024
	}
	start := uint32(1)
	for start+want <= size {
		clash := false
		for _, u := range used {
			if start < u.HostID+u.Size && u.HostID < start+want {
				start = u.HostID + u.Size
				clash = true
				break
			}
		}
		if !clash {
			return []IDMap{{ContainerID: 0, HostID: start, Size: want}}, nil
		}
	}
	return nil, define.Errorf(define.ErrConflict, "--userns=auto: no free block of %d subordinate ids left", want)
}

// SplitMaps cuts the extents of maps where the extents of parent end, so
// that each lies within one extent of parent. parent is the map of pm's own
// user namespace (its ContainerIDs are the ids that maps' HostIDs name): the
// kernel refuses a child map whose extent spans two extents of its parent's,
// as one does when /etc/subuid gives the user several ranges. An extent of
// maps outside parent is kept whole, for the kernel to refuse.
func SplitMaps(maps, parent []IDMap) []IDMap {
	out := make([]IDMap, 0, len(maps))
	for _, m := range maps {
		for m.Size > 0 {
			take := m.Size
			for _, p := range parent {
				if m.HostID >= p.ContainerID && m.HostID-p.ContainerID < p.Size {
					take = min(take, p.Size-(m.HostID-p.ContainerID))
					break
				}
			}
			out = append(out, IDMap{ContainerID: m.ContainerID, HostID: m.HostID, Size: take})
			m.ContainerID += take
			m.HostID += take
			m.Size -= take
		}
	}
	return out
}
