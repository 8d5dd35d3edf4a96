package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/lock"
	"github.com/pm-project/pm/libpod/state"
)

// Volume is one named volume as read from the state database.
type Volume struct {
	Config define.VolumeConfig
	State  define.VolumeState
	// path is the volume's data directory (or bind device) on the host.
	path string
}

// Name returns the volume's name (its ID).
func (v *Volume) Name() string { return v.Config.Name }

// Mountpoint returns where the volume's data lives on the host: its
// VolumePath/<name>/_data directory, or the device of a bind volume.
func (v *Volume) Mountpoint() string { return v.path }

// IsTmpfs reports whether the volume is a tmpfs (-o type=tmpfs).
func (v *Volume) IsTmpfs() bool { return v.Config.Options["type"] == "tmpfs" }

// isBind reports whether the volume binds a host directory
// (-o type=none,o=bind,device=PATH).
func (v *Volume) isBind() bool {
	return v.Config.Options["device"] != "" && !v.IsTmpfs() && bindOptions(v.Config.Options)
}

// bindOptions reports whether -o options ask for a bind volume: o=bind
// (or rbind), or type=bind as Podman also accepts.
func bindOptions(opts map[string]string) bool {
	return opts["type"] == "bind" || hasOpt(opts["o"], "bind", "rbind")
}

func hasOpt(list string, names ...string) bool {
	for _, o := range strings.Split(list, ",") {
		for _, n := range names {
			if o == n {
				return true
			}
		}
	}
	return false
}

// VolumeCreateOptions describe a new volume.
type VolumeCreateOptions struct {
	Name      string // "" makes an anonymous volume with a random name
	Driver    string // "" or "local"
	Labels    map[string]string
	Options   map[string]string
	Anonymous bool
}

// volumeOptions are the local driver's -o keys.
var volumeOptions = map[string]bool{"type": true, "o": true, "device": true}

func validateVolumeOptions(opts map[string]string) error {
	for k := range opts {
		if !volumeOptions[k] {
			return define.Invalidf("invalid volume option %q for driver local: use type, o or device", k)
		}
	}
	switch opts["type"] {
	case "", "tmpfs", "none", "bind":
	default:
		return define.Invalidf("invalid volume option type=%s: the local driver supports tmpfs, bind and none", opts["type"])
	}
	if dev := opts["device"]; dev != "" && opts["type"] != "tmpfs" {
		if !bindOptions(opts) {
			return define.Invalidf("invalid volume options: device=%s needs o=bind or type=bind", dev)
		}
		if !filepath.IsAbs(dev) {
			return define.Invalidf("invalid volume option device=%s: not an absolute path", dev)
		}
		fi, err := os.Stat(dev)
		if err != nil {
			return define.Invalidf("invalid volume option device for driver 'local': %v", err)
		}
		if !fi.IsDir() {
			return define.Invalidf("invalid volume option device=%s: not a directory", dev)
		}
	} else if bindOptions(opts) && opts["type"] != "tmpfs" {
		return define.Invalidf("invalid volume options: o=bind needs device=PATH")
	}
	return nil
}

// volumeLock takes a volume's lock (see libpod/lock for the order).
func (r *Runtime) volumeLock(ctx context.Context, name string) (*lock.Lock, error) {
	return r.locks.Lock(ctx, "vol-"+name)
}

// CreateVolume records a new volume, makes its data directory and
// records a volume create event. A taken name is an error wrapping
// define.ErrAlreadyExists; nothing is left behind by a failure.
func (r *Runtime) CreateVolume(ctx context.Context, o VolumeCreateOptions) (_ *Volume, retErr error) {
	if o.Name == "" {
		o.Name = NewID()
		o.Anonymous = true
	}
	if err := define.ValidateVolumeName(o.Name); err != nil {
		return nil, err
	}
	if o.Driver != "" && o.Driver != "local" {
		return nil, define.Errorf(define.ErrUnsupported, "volume driver %q is not supported: use local", o.Driver)
	}
	if err := validateVolumeOptions(o.Options); err != nil {
		return nil, err
	}
	v := &Volume{
		Config: define.VolumeConfig{
			Name: o.Name, Driver: "local", Labels: o.Labels, Options: o.Options,
			CreatedAt: time.Now(), Anonymous: o.Anonymous,
		},
		State: define.VolumeState{NeedsCopyUp: true, NeedsChown: true},
	}
	if v.Config.Labels == nil {
		v.Config.Labels = map[string]string{}
	}
	if v.Config.Options == nil {
		v.Config.Options = map[string]string{}
	}
	l, err := r.volumeLock(ctx, o.Name)
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	cb, err := json.Marshal(v.Config)
	if err != nil {
		return nil, fmt.Errorf("encoding configuration of volume %s: %w", o.Name, err)
	}
	sb, err := json.Marshal(v.State)
	if err != nil {
		return nil, fmt.Errorf("encoding state of volume %s: %w", o.Name, err)
	}
	err = db.Update(ctx, func(tx *state.Tx) error {
		return tx.AddVolume(&state.VolumeRecord{Name: o.Name, Config: cb, State: sb, Created: v.Config.CreatedAt})
	})
	if err != nil {
		return nil, err
	}
	defer func() {
		if retErr == nil {
			return
		}
		if err := db.Update(context.WithoutCancel(ctx), func(tx *state.Tx) error { return tx.RemoveVolume(o.Name) }); err != nil {
			slog.Warn("rolling back volume record", "volume", o.Name, "err", err)
		}
	}()
	if err := r.makeVolumeDir(v); err != nil {
		return nil, err
	}
	r.volumeEvent("create", v.Name())
	return v, nil
}

// volumeDir returns VolumePath/<name>, checking that it is a direct child
// of the volume directory.
func (r *Runtime) volumeDir(name string) (string, error) {
	if err := define.ValidateVolumeName(name); err != nil {
		return "", err
	}
	base := filepath.Clean(r.cfg.VolumePath)
	dir := filepath.Join(base, name)
	if filepath.Dir(dir) != base {
		return "", define.Invalidf("volume %q would live outside %s", name, base)
	}
	return dir, nil
}

// makeVolumeDir creates VolumePath/<name>/_data (mode 0755) unless the
// volume binds a device, refusing symlinks on the way.
func (r *Runtime) makeVolumeDir(v *Volume) error {
	if err := os.MkdirAll(r.cfg.VolumePath, 0o700); err != nil {
		return fmt.Errorf("creating volume directory: %w", err)
	}
	dir, err := r.volumeDir(v.Name())
	if err != nil {
		return err
	}
	for _, d := range []string{dir, filepath.Join(dir, "_data")} {
		if err := os.Mkdir(d, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("creating directory of volume %s: %w", v.Name(), err)
		}
		fi, err := os.Lstat(d)
		if err != nil {
			return fmt.Errorf("checking directory of volume %s: %w", v.Name(), err)
		}
		if !fi.IsDir() {
			return define.Errorf(define.ErrInvalidState, "%s is not a directory: refusing to use it for volume %s", d, v.Name())
		}
	}
	return r.resolveVolume(v)
}

// resolveVolume sets v.path, checking that a local volume's data directory
// resolves to a place inside the volume directory.
func (r *Runtime) resolveVolume(v *Volume) error {
	if v.isBind() {
		v.path = filepath.Clean(v.Config.Options["device"])
		return nil
	}
	dir, err := r.volumeDir(v.Name())
	if err != nil {
		return err
	}
	data := filepath.Join(dir, "_data")
	v.path = data
	base, err := filepath.EvalSymlinks(r.cfg.VolumePath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("resolving volume directory: %w", err)
	}
	real, err := filepath.EvalSymlinks(data)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("resolving data of volume %s: %w", v.Name(), err)
	}
	if real != filepath.Join(base, v.Name(), "_data") {
		return define.Errorf(define.ErrInvalidState, "data of volume %s resolves to %s, outside %s: refusing to use it", v.Name(), real, base)
	}
	return nil
}

func (r *Runtime) decodeVolume(rec *state.VolumeRecord) (*Volume, error) {
	v := &Volume{}
	if err := json.Unmarshal(rec.Config, &v.Config); err != nil {
		return nil, fmt.Errorf("decoding configuration of volume %s: %w", rec.Name, err)
	}
	if len(rec.State) > 0 {
		if err := json.Unmarshal(rec.State, &v.State); err != nil {
			return nil, fmt.Errorf("decoding state of volume %s: %w", rec.Name, err)
		}
	}
	v.Config.Name = rec.Name
	if err := r.resolveVolume(v); err != nil {
		return nil, err
	}
	return v, nil
}

// LookupVolume returns the volume called name, or an error wrapping
// define.ErrNoSuchVolume.
func (r *Runtime) LookupVolume(ctx context.Context, name string) (*Volume, error) {
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	var v *Volume
	err = db.View(ctx, func(tx *state.Tx) error {
		rec, err := tx.LookupVolume(name)
		if err != nil {
			return err
		}
		v, err = r.decodeVolume(rec)
		return err
	})
	return v, err
}

// Volumes returns every volume, by name.
func (r *Runtime) Volumes(ctx context.Context) ([]*Volume, error) {
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	var out []*Volume
	err = db.View(ctx, func(tx *state.Tx) error {
		recs, err := tx.ListVolumes()
		if err != nil {
			return err
		}
		for _, rec := range recs {
			v, err := r.decodeVolume(rec)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// saveVolumeState writes v's state; the caller holds v's lock.
func (r *Runtime) saveVolumeState(ctx context.Context, v *Volume) error {
	b, err := json.Marshal(v.State)
	if err != nil {
		return fmt.Errorf("encoding state of volume %s: %w", v.Name(), err)
	}
	db, err := r.DB()
	if err != nil {
		return err
	}
	return db.Update(ctx, func(tx *state.Tx) error { return tx.UpdateVolume(v.Name(), nil, b) })
}
