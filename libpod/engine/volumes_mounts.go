package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/internal/fscopy"
	"github.com/pm-project/pm/pkg/specgen"
)

// volumePlan is how a new container's volumes resolve: each volume mount
// of the Spec becomes a bind mount of the volume's data directory, and the
// volumes are readied (copy-up, :U) once the rootfs is mounted.
type volumePlan struct {
	rt      *libpod.Runtime
	vols    []plannedVolume
	binds   []int    // indices of bind mounts with :U
	created []string // volumes made for this container
}

type plannedVolume struct {
	idx    int // in Spec.Mounts
	name   string
	source string
	copyUp bool
	chown  bool
}

// planVolumes resolves s's --volumes-from, the image's VOLUMEs (after
// --image-volume: anonymous volumes, tmpfs mounts or nothing) and every
// volume mount, creating named volumes on first use and anonymous ones.
// It checks that bind mount sources can be read. On error the volumes it
// made are removed.
func (e *Engine) planVolumes(ctx context.Context, s *specgen.Spec, imageVolumes map[string]struct{}) (_ *volumePlan, retErr error) {
	p := &volumePlan{rt: e.rt}
	defer func() {
		if retErr != nil {
			p.rollback(ctx)
		}
	}()
	mode := s.ImageVolumeMode
	if mode == "" {
		mode = e.rt.Config().Engine.ImageVolumeMode
	}
	switch mode {
	case "", "bind", "tmpfs", "ignore":
	default:
		return nil, define.Invalidf("invalid --image-volume %q: must be bind, tmpfs or ignore", mode)
	}
	if err := e.addVolumesFrom(ctx, s); err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for _, m := range s.Mounts {
		taken[m.Destination] = true
	}
	for d := range s.Tmpfs {
		taken[d] = true
	}
	var imgVols []string
	for d := range imageVolumes {
		imgVols = append(imgVols, d)
	}
	sort.Strings(imgVols)
	for _, d := range imgVols {
		if d = fscopy.Clean(d); taken[d] || mode == "ignore" {
			continue
		}
		taken[d] = true
		if mode == "tmpfs" {
			if s.Tmpfs == nil {
				s.Tmpfs = map[string]string{}
			}
			s.Tmpfs[d] = ""
			continue
		}
		s.Mounts = append(s.Mounts, specgen.Mount{Type: "volume", Destination: d})
	}
	for i := range s.Mounts {
		m := &s.Mounts[i]
		switch m.Type {
		case "bind":
			if err := checkReadable(m.Source); err != nil {
				return nil, err
			}
			if hasChown(m.Options) {
				p.binds = append(p.binds, i)
			}
		case "volume":
			if err := p.resolve(ctx, i, m); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

// checkReadable refuses a bind mount source the user cannot read.
func checkReadable(src string) error {
	f, err := os.Open(src)
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return define.Errorf(define.ErrPermission, "invalid bind mount source %s: the current user cannot read it: permission denied", src)
		}
		return define.Invalidf("invalid bind mount source %s: %v", src, errors.Unwrap(err))
	}
	f.Close()
	return nil
}

func hasChown(opts []string) bool {
	for _, o := range opts {
		if o == "U" || o == "chown=true" || o == "U=true" || o == "chown" {
			return true
		}
	}
	return false
}

// resolve finds or makes the volume of mount m (index i) and turns m into
// a bind mount of its data.
func (p *volumePlan) resolve(ctx context.Context, i int, m *specgen.Mount) error {
	volOpts, volLabels := map[string]string{}, map[string]string{}
	copyUp := true
	var keep []string
	for _, o := range m.Options {
		switch {
		case o == "nocopy" || o == "volume-nocopy" || o == "volume-nocopy=true":
			copyUp = false
		case o == "copy", o == "U", o == "chown=true", o == "U=true", o == "chown", o == "z", o == "Z":
			// :U is kept (as "U") below, for the chown at every start.
		case strings.HasPrefix(o, "volume-opt="):
			k, v, _ := strings.Cut(strings.TrimPrefix(o, "volume-opt="), "=")
			volOpts[k] = v
		case strings.HasPrefix(o, "volume-label="):
			// Labels of a volume this mount creates (the Docker API's
			// VolumeOptions.Labels).
			k, v, _ := strings.Cut(strings.TrimPrefix(o, "volume-label="), "=")
			volLabels[k] = v
		case strings.Contains(o, "="):
		default:
			keep = append(keep, o)
		}
	}
	var v *libpod.Volume
	var err error
	if m.Source == "" {
		v, err = p.rt.CreateVolume(ctx, libpod.VolumeCreateOptions{Options: volOpts, Labels: volLabels, Anonymous: true})
		if err != nil {
			return fmt.Errorf("creating anonymous volume for %s: %w", m.Destination, err)
		}
		p.created = append(p.created, v.Name())
	} else {
		if err := define.ValidateVolumeName(m.Source); err != nil {
			return err
		}
		v, err = p.rt.LookupVolume(ctx, m.Source)
		if errors.Is(err, define.ErrNoSuchVolume) {
			v, err = p.rt.CreateVolume(ctx, libpod.VolumeCreateOptions{Name: m.Source, Options: volOpts, Labels: volLabels})
			if err == nil {
				p.created = append(p.created, v.Name())
			} else if errors.Is(err, define.ErrAlreadyExists) {
				// Another pm made it meanwhile: use that one.
				v, err = p.rt.LookupVolume(ctx, m.Source)
			}
		}
		if err != nil {
			return err
		}
	}
	if hasChown(m.Options) {
		keep = append(keep, "U")
	}
	p.vols = append(p.vols, plannedVolume{idx: i, name: v.Name(), source: v.Mountpoint(), copyUp: copyUp, chown: hasChown(m.Options)})
	*m = specgen.Mount{Type: "bind", Source: v.Mountpoint(), Destination: m.Destination, Options: keep, ReadOnly: m.ReadOnly}
	return nil
}

// prepare readies the volumes once the container's rootfs is mounted at
// rootfs and its user u is known: copy-up, tmpfs mounts, :U.
func (p *volumePlan) prepare(ctx context.Context, rootfs string, s *specgen.Spec, u specs.User) error {
	ids := &fscopy.IDPair{UID: int(u.UID), GID: int(u.GID)}
	if len(s.UIDMaps) > 0 {
		m := libpod.RootIDs(&define.ContainerIDMaps{UIDMap: toDefine(s.UIDMaps), GIDMap: toDefine(s.GIDMaps)}, *ids)
		ids = &m
	}
	for _, pv := range p.vols {
		use := libpod.VolumeUse{Rootfs: rootfs, Dest: s.Mounts[pv.idx].Destination, CopyUp: pv.copyUp}
		if pv.chown {
			use.Chown = ids
		}
		if _, err := p.rt.PrepareVolume(ctx, pv.name, use); err != nil {
			return err
		}
	}
	for _, i := range p.binds {
		if err := p.rt.ChownPath(s.Mounts[i].Source, *ids); err != nil {
			return err
		}
	}
	return nil
}

// record marks the volume mounts in the container's configuration, so
// inspect, rm -v and volume rm know them.
func (p *volumePlan) record(cc *define.ContainerConfig) {
	for _, pv := range p.vols {
		if pv.idx < len(cc.Mounts) {
			cc.Mounts[pv.idx].Type = "volume"
			cc.Mounts[pv.idx].Name = pv.name
		}
	}
}

// rollback removes the volumes made for a container that was not created.
func (p *volumePlan) rollback(ctx context.Context) {
	if p == nil {
		return
	}
	for _, n := range p.created {
		if err := p.rt.RemoveVolume(context.WithoutCancel(ctx), n, false, nil); err != nil && !errors.Is(err, define.ErrNoSuchVolume) {
			slog.Warn("rolling back volume", "volume", n, "err", err)
		}
	}
}

// addVolumesFrom adds the volume and bind mounts of each --volumes-from
// container (CTR[:ro|rw]) whose destinations s does not mount already.
func (e *Engine) addVolumesFrom(ctx context.Context, s *specgen.Spec) error {
	for _, vf := range s.VolumesFrom {
		name, mode, _ := strings.Cut(vf, ":")
		switch mode {
		case "", "ro", "rw", "z", "Z":
		default:
			return define.Invalidf("invalid --volumes-from %q: options must be ro, rw or z", vf)
		}
		c, err := e.rt.LookupContainer(ctx, name)
		if err != nil {
			return fmt.Errorf("--volumes-from %s: %w", vf, err)
		}
		taken := map[string]bool{}
		for _, m := range s.Mounts {
			taken[m.Destination] = true
		}
		for _, m := range c.Config.Mounts {
			if taken[m.Destination] || (m.Type != "volume" && m.Type != "bind") {
				continue
			}
			ro := !m.RW
			if mode == "ro" {
				ro = true
			} else if mode == "rw" {
				ro = false
			}
			nm := specgen.Mount{Type: m.Type, Source: m.Source, Destination: m.Destination, ReadOnly: ro}
			if m.Type == "volume" {
				nm.Source = m.Name
				nm.Options = []string{"nocopy"}
			}
			s.Mounts = append(s.Mounts, nm)
		}
	}
	return nil
}
