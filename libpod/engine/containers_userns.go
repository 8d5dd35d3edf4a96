package engine

import (
	"context"
	"fmt"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/rootless"
	"github.com/pm-project/pm/pkg/specgen"
)

// userNamespace turns --userns and --uidmap/--gidmap into the container's
// id maps (nil: it shares pm's user namespace) and fills s.UIDMaps and
// s.GIDMaps for the spec. keep-id also makes the user's id the default
// process user, as in Podman.
func (e *Engine) userNamespace(ctx context.Context, s *specgen.Spec) (*define.ContainerIDMaps, error) {
	m, err := e.containerIDMaps(ctx, s)
	if m == nil || err != nil || !e.rt.Config().Rootless {
		return m, err
	}
	// pm's namespace holds one extent per subordinate range; the kernel
	// wants each extent of the container's maps inside one of them.
	uidm, gidm, err := rootless.Mappings()
	if err != nil {
		return nil, fmt.Errorf("reading pm's user namespace: %w", err)
	}
	s.UIDMaps = specgen.SplitMaps(s.UIDMaps, fromRootless(uidm))
	s.GIDMaps = specgen.SplitMaps(s.GIDMaps, fromRootless(gidm))
	return &define.ContainerIDMaps{UIDMap: toDefine(s.UIDMaps), GIDMap: toDefine(s.GIDMaps)}, nil
}

// containerIDMaps is userNamespace before the maps are fitted to pm's
// namespace.
func (e *Engine) containerIDMaps(ctx context.Context, s *specgen.Spec) (*define.ContainerIDMaps, error) {
	mode, err := specgen.ParseUserNS(s.UserNS)
	if err != nil {
		return nil, err
	}
	if len(s.UIDMaps) > 0 || len(s.GIDMaps) > 0 {
		if len(s.GIDMaps) == 0 {
			s.GIDMaps = s.UIDMaps
		}
		if len(s.UIDMaps) == 0 {
			s.UIDMaps = s.GIDMaps
		}
		return &define.ContainerIDMaps{UIDMap: toDefine(s.UIDMaps), GIDMap: toDefine(s.GIDMaps)}, nil
	}
	if mode.Mode == "" || mode.Mode == "host" {
		return nil, nil
	}
	if !e.rt.Config().Rootless {
		return nil, define.Errorf(define.ErrUnsupported, "--userns=%s is only supported for rootless containers", mode.Mode)
	}
	uidm, gidm, err := rootless.Mappings()
	if err != nil {
		return nil, fmt.Errorf("reading pm's user namespace: %w", err)
	}
	usize, gsize := mapSize(uidm), mapSize(gidm)
	var uids, gids []specgen.IDMap
	switch mode.Mode {
	case "keep-id":
		uid, gid := uint32(rootless.UID()), uint32(rootless.GID())
		if mode.UID != nil {
			uid = *mode.UID
		}
		if mode.GID != nil {
			gid = *mode.GID
		}
		if uids, err = specgen.KeepIDMaps(uid, usize); err != nil {
			return nil, err
		}
		if gids, err = specgen.KeepIDMaps(gid, gsize); err != nil {
			return nil, err
		}
		if s.User == "" {
			s.User = fmt.Sprintf("%d:%d", uid, gid)
		}
	case "nomap":
		if uids, err = specgen.NoMapMaps(usize); err != nil {
			return nil, err
		}
		if gids, err = specgen.NoMapMaps(gsize); err != nil {
			return nil, err
		}
	case "auto":
		used, err := e.rt.UsedIDMaps(ctx)
		if err != nil {
			return nil, err
		}
		if uids, err = specgen.AutoMaps(mode.Size, usize, fromDefine(used)); err != nil {
			return nil, err
		}
		gids = uids
	}
	s.UIDMaps, s.GIDMaps = uids, gids
	return &define.ContainerIDMaps{UIDMap: toDefine(uids), GIDMap: toDefine(gids)}, nil
}

// mapSize counts the ids of pm's user namespace.
func mapSize(m []rootless.IDMap) uint32 {
	var n uint32
	for _, x := range m {
		n += uint32(x.Size)
	}
	return n
}

func toDefine(in []specgen.IDMap) []define.IDMap {
	out := make([]define.IDMap, len(in))
	for i, m := range in {
		out[i] = define.IDMap{ContainerID: int(m.ContainerID), HostID: int(m.HostID), Size: int(m.Size)}
	}
	return out
}

func fromRootless(in []rootless.IDMap) []specgen.IDMap {
	out := make([]specgen.IDMap, len(in))
	for i, m := range in {
		out[i] = specgen.IDMap{ContainerID: uint32(m.ContainerID), HostID: uint32(m.HostID), Size: uint32(m.Size)}
	}
	return out
}

func fromDefine(in []define.IDMap) []specgen.IDMap {
	out := make([]specgen.IDMap, len(in))
	for i, m := range in {
		out[i] = specgen.IDMap{ContainerID: uint32(m.ContainerID), HostID: uint32(m.HostID), Size: uint32(m.Size)}
	}
	return out
}
