package engine

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/events"
)

// VolumeCreateRequest is `pm volume create`.
type VolumeCreateRequest struct {
	Name    string
	Driver  string
	Labels  map[string]string
	Options map[string]string
	// Ignore returns an existing volume of that name instead of an error.
	Ignore bool
}

// VolumeCreate creates a volume and returns its name.
func (e *Engine) VolumeCreate(ctx context.Context, req VolumeCreateRequest) (string, error) {
	v, err := e.rt.CreateVolume(ctx, libpod.VolumeCreateOptions{
		Name: req.Name, Driver: req.Driver, Labels: req.Labels, Options: req.Options,
	})
	if err != nil {
		if req.Ignore && errors.Is(err, define.ErrAlreadyExists) {
			return req.Name, nil
		}
		return "", err
	}
	return v.Name(), nil
}

// VolumeInspect returns the named volumes (all with all), in Podman's
// inspect format.
func (e *Engine) VolumeInspect(ctx context.Context, names []string, all bool) ([]*define.InspectVolumeData, error) {
	usage, err := e.rt.VolumeUsage(ctx)
	if err != nil {
		return nil, err
	}
	var vols []*libpod.Volume
	if all {
		if vols, err = e.rt.Volumes(ctx); err != nil {
			return nil, err
		}
	}
	var errs []error
	for _, n := range names {
		v, err := e.rt.LookupVolume(ctx, n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		vols = append(vols, v)
	}
	out := make([]*define.InspectVolumeData, 0, len(vols))
	for _, v := range vols {
		out = append(out, e.rt.InspectVolume(ctx, v, usage[v.Name()]))
	}
	return out, errors.Join(errs...)
}

// VolumeList returns the volumes that pass every filter (name=, label=,
// dangling=, driver=, anonymous=), in inspect format.
func (e *Engine) VolumeList(ctx context.Context, filters []string) ([]*define.InspectVolumeData, error) {
	usage, err := e.rt.VolumeUsage(ctx)
	if err != nil {
		return nil, err
	}
	keep, err := volumeFilter(filters, usage)
	if err != nil {
		return nil, err
	}
	vols, err := e.rt.Volumes(ctx)
	if err != nil {
		return nil, err
	}
	out := []*define.InspectVolumeData{}
	for _, v := range vols {
		if keep(v) {
			out = append(out, e.rt.InspectVolume(ctx, v, usage[v.Name()]))
		}
	}
	return out, nil
}

// volumeFilter compiles filters: the same key given twice matches either
// value, different keys must all match.
func volumeFilter(filters []string, usage map[string][]*libpod.Container) (func(*libpod.Volume) bool, error) {
	byKey := map[string][]string{}
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, define.Invalidf("invalid filter %q: use KEY=VALUE", f)
		}
		switch k {
		case "name", "label", "label!", "driver", "scope":
		case "dangling", "anonymous":
			if v != "true" && v != "false" && v != "1" && v != "0" {
				return nil, define.Invalidf("invalid filter %q: %s takes true or false", f, k)
			}
		default:
			return nil, define.Invalidf("invalid filter %q: unknown key %q (use name, label, label!, dangling, driver, scope or anonymous)", f, k)
		}
		byKey[k] = append(byKey[k], v)
	}
	truth := func(s string) bool { return s == "true" || s == "1" }
	return func(v *libpod.Volume) bool {
		for k, vals := range byKey {
			any := false
			for _, val := range vals {
				switch k {
				case "name":
					any = any || nameMatch(v.Name(), val)
				case "label":
					any = any || labelMatch(v.Config.Labels, val)
				case "label!":
					any = any || !labelMatch(v.Config.Labels, val)
				case "driver":
					any = any || v.Config.Driver == val
				case "scope":
					any = any || val == "local"
				case "dangling":
					any = any || (len(usage[v.Name()]) == 0) == truth(val)
				case "anonymous":
					any = any || v.Config.Anonymous == truth(val)
				}
			}
			if !any {
				return false
			}
		}
		return true
	}, nil
}

func labelMatch(labels map[string]string, f string) bool {
	k, val, hasV := strings.Cut(f, "=")
	got, ok := labels[k]
	return ok && (!hasV || got == val)
}

// VolumeRemoveReport is one volume's outcome in VolumeRemove.
type VolumeRemoveReport struct {
	Name string
	Err  error
}

// VolumeRemove removes volumes (all with all); force removes the
// containers that use them first. libpod records the volumes' remove
// events; the containers' are recorded here.
func (e *Engine) VolumeRemove(ctx context.Context, names []string, all, force bool, timeout *uint) ([]VolumeRemoveReport, error) {
	if all {
		vols, err := e.rt.Volumes(ctx)
		if err != nil {
			return nil, err
		}
		names = names[:0]
		for _, v := range vols {
			names = append(names, v.Name())
		}
	}
	out := make([]VolumeRemoveReport, 0, len(names))
	for _, n := range names {
		var users []*libpod.Container
		if force {
			users, _ = e.rt.VolumeUsers(ctx, n)
		}
		err := e.rt.RemoveVolume(ctx, n, force, timeout)
		e.emitRemoved(ctx, users)
		out = append(out, VolumeRemoveReport{Name: n, Err: err})
	}
	return out, nil
}

// VolumePruneRequest says which unused volumes VolumePrune removes.
type VolumePruneRequest struct {
	Filters []string // label=, label!=, until=
	// AnonymousOnly spares named volumes: the Docker API's prune from
	// version 1.42 on, unless its filter all=true.
	AnonymousOnly bool
	// DryRun reports what would go and removes nothing (the CLI's
	// confirmation lists it).
	DryRun bool
}

// VolumePrune removes every volume no container uses that passes req's
// filters; it reports the names removed and the bytes their files took.
// Each records a volume prune event, as in Podman.
func (e *Engine) VolumePrune(ctx context.Context, req VolumePruneRequest) (*PruneReport, error) {
	pf, err := parsePruneFilter("volume", req.Filters, "label", "label!", "until")
	if err != nil {
		return nil, err
	}
	usage, err := e.rt.VolumeUsage(ctx)
	if err != nil {
		return nil, err
	}
	vols, err := e.rt.Volumes(ctx)
	if err != nil {
		return nil, err
	}
	rep := &PruneReport{}
	var errs []error
	for _, v := range vols {
		if len(usage[v.Name()]) > 0 || !pf.match(v.Name(), v.Config.Labels, v.Config.CreatedAt) {
			continue
		}
		if req.AnonymousOnly && !v.Config.Anonymous && !hasKey(v.Config.Labels, dockerAnonymousLabel) {
			continue
		}
		if req.DryRun {
			rep.Removed = append(rep.Removed, v.Name())
			continue
		}
		size := e.rt.VolumeSize(v)
		if err := e.rt.RemoveVolume(ctx, v.Name(), false, nil); err != nil {
			if !errors.Is(err, define.ErrVolumeInUse) && !errors.Is(err, define.ErrNoSuchVolume) {
				errs = append(errs, err)
			}
			continue
		}
		e.emitSimple(events.Volume, "prune", v.Name(), v.Name())
		rep.Removed = append(rep.Removed, v.Name())
		rep.Reclaimed += uint64(max(size, 0))
	}
	if !req.DryRun {
		e.emitPrune(events.Volume, rep)
	}
	return rep, errors.Join(errs...)
}

// dockerAnonymousLabel marks a volume Docker counts as anonymous.
const dockerAnonymousLabel = "com.docker.volume.anonymous"

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

// VolumeExists reports whether a volume exists.
func (e *Engine) VolumeExists(ctx context.Context, name string) (bool, error) {
	_, err := e.rt.LookupVolume(ctx, name)
	if errors.Is(err, define.ErrNoSuchVolume) {
		return false, nil
	}
	return err == nil, err
}

// VolumeExport writes a volume's content to w as tar.
func (e *Engine) VolumeExport(ctx context.Context, name string, w io.Writer) error {
	return e.rt.ExportVolume(ctx, name, w)
}

// VolumeImport unpacks a tar stream into an existing volume.
func (e *Engine) VolumeImport(ctx context.Context, name string, r io.Reader) error {
	return e.rt.ImportVolume(ctx, name, r)
}

// ContainerRemoveWithVolumes is ContainerRemove that also removes the
// container's anonymous volumes no other container uses (rm -v).
func (e *Engine) ContainerRemoveWithVolumes(ctx context.Context, idOrName string, force bool, timeout *uint) (string, error) {
	c, err := e.rt.RemoveContainer(ctx, idOrName, force, timeout)
	if err != nil {
		return "", err
	}
	e.emitCtr(c, "destroy", nil)
	e.rt.RemoveAnonymousVolumes(ctx, c)
	return c.ID(), nil
}

// VolumeMount readies each named volume for use outside a container and
// returns its mountpoint. A local volume needs no mount of its own: its
// data directory (or bound device, or its tmpfs in pm's mount namespace)
// is the mountpoint.
func (e *Engine) VolumeMount(ctx context.Context, names []string) ([]string, error) {
	out := make([]string, 0, len(names))
	for _, n := range names {
		v, err := e.rt.PrepareVolume(ctx, n, libpod.VolumeUse{})
		if err != nil {
			return out, err
		}
		out = append(out, v.Mountpoint())
	}
	return out, nil
}

// VolumeUnmount undoes VolumeMount for each named volume and returns their
// names; for local volumes there is nothing to undo, so it only checks
// that they exist.
func (e *Engine) VolumeUnmount(ctx context.Context, names []string) ([]string, error) {
	out := make([]string, 0, len(names))
	for _, n := range names {
		v, err := e.rt.LookupVolume(ctx, n)
		if err != nil {
			return out, err
		}
		out = append(out, v.Name())
	}
	return out, nil
}
