package image

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/manifest"
)

// Details are what an image's manifest and config say about it.
type Details struct {
	Config       imgspecv1.Image   // the config, as OCI
	ManifestType string            // the manifest's MIME type
	Annotations  map[string]string // the manifest's annotations (OCI only)
	Comment      string            // the comment of the newest history entry
	Size         int64             // bytes in storage: layers and metadata
	DriverName   string            // the storage driver
	DriverData   map[string]string // the driver's data for the top layer
	// DockerFields are what a Docker-format config holds beyond the OCI
	// config (HEALTHCHECK, SHELL, ONBUILD); empty for an OCI image.
	DockerFields
}

// DockerFields are the parts of a Docker-format image config that the
// OCI config has no place for.
type DockerFields struct {
	// Healthcheck is the HEALTHCHECK; nil for none.
	Healthcheck *define.HealthConfig `json:"Healthcheck,omitempty"`
	// Shell is the SHELL of RUN, CMD and ENTRYPOINT shell forms in builds
	// from the image; nil is /bin/sh -c.
	Shell []string `json:"Shell,omitempty"`
	// OnBuild are the ONBUILD triggers, run by a build FROM the image.
	OnBuild []string `json:"OnBuild,omitempty"`
}

// dockerFields reads the Docker-only fields of a config blob.
func dockerFields(blob []byte) DockerFields {
	var dc struct {
		Config DockerFields `json:"config"`
	}
	json.Unmarshal(blob, &dc)
	return dc.Config
}

// Details reads the image's manifest and config from storage.
func (i *Image) Details(ctx context.Context) (*Details, error) {
	if i.IsManifestList() {
		// A list has no config: what there is to say, from storage.
		size, err := i.Size()
		if err != nil {
			return nil, err
		}
		return &Details{ManifestType: imgspecv1.MediaTypeImageIndex, Size: size, DriverName: i.s.store.GraphDriverName()}, nil
	}
	ref, err := i.reference()
	if err != nil {
		return nil, err
	}
	src, err := ref.NewImage(ctx, i.s.systemContext())
	if err != nil {
		return nil, fmt.Errorf("opening image %s: %w", short(i.ID()), err)
	}
	defer src.Close()
	cfg, err := src.OCIConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading config of image %s: %w", short(i.ID()), err)
	}
	raw, mime, err := src.Manifest(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading manifest of image %s: %w", short(i.ID()), err)
	}
	d := &Details{Config: *cfg, ManifestType: mime}
	if blob, err := src.ConfigBlob(ctx); err == nil {
		d.DockerFields = dockerFields(blob)
	}
	if mime == imgspecv1.MediaTypeImageManifest {
		if m, err := manifest.OCI1FromManifest(raw); err == nil {
			d.Annotations = m.Annotations
		}
	}
	if n := len(cfg.History); n > 0 {
		d.Comment = cfg.History[n-1].Comment
	}
	if d.Size, err = i.Size(); err != nil {
		return nil, err
	}
	d.DriverName = i.s.store.GraphDriverName()
	if i.img.TopLayer != "" {
		if drv, err := i.s.store.GraphDriver(); err == nil {
			d.DriverData, _ = drv.Metadata(i.img.TopLayer)
		}
	}
	return d, nil
}

// HistoryEntry is one step of an image's history, newest first.
type HistoryEntry struct {
	ID         string // the image ID for the newest entry, "<missing>" for older ones
	Created    time.Time
	CreatedBy  string
	Size       int64 // bytes of the layer the step made; 0 for an empty step
	Comment    string
	Tags       []string // the image's names, on the newest entry
	EmptyLayer bool
}

// History returns the image's history, newest first, with layer sizes.
func (i *Image) History(ctx context.Context) ([]HistoryEntry, error) {
	d, err := i.Details(ctx)
	if err != nil {
		return nil, err
	}
	var sizes []int64 // top layer first
	for id := i.img.TopLayer; id != ""; {
		l, err := i.s.store.Layer(id)
		if err != nil {
			return nil, fmt.Errorf("reading layer %s: %w", short(id), err)
		}
		sizes = append(sizes, l.UncompressedSize)
		id = l.Parent
	}
	hist := d.Config.History
	out := make([]HistoryEntry, 0, len(hist))
	li := 0
	for k := len(hist) - 1; k >= 0; k-- {
		h := hist[k]
		e := HistoryEntry{ID: "<missing>", CreatedBy: h.CreatedBy, Comment: h.Comment, EmptyLayer: h.EmptyLayer}
		if h.Created != nil {
			e.Created = *h.Created
		}
		if !h.EmptyLayer && li < len(sizes) {
			e.Size = sizes[li]
			li++
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		// An image without history: one entry per layer.
		for _, sz := range sizes {
			out = append(out, HistoryEntry{ID: "<missing>", Size: sz})
		}
		if len(out) == 0 {
			out = append(out, HistoryEntry{})
		}
		if d.Config.Created != nil {
			out[0].Created = *d.Config.Created
		}
	}
	out[0].ID = i.ID()
	out[0].Tags = i.Names()
	return out, nil
}
