package engine

import (
	"context"
	"errors"
	"time"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pm-project/pm/libpod/define"
)

// ImageListRequest selects the images ImageList reports.
type ImageListRequest struct {
	All     bool     // also intermediate images (the build cache's unnamed step images)
	Filters []string // key=value: reference, dangling, label, before, since, id, readonly
}

// ImageSummary is one image as image ls reports it, with podman's JSON keys.
type ImageSummary struct {
	ID          string            `json:"Id"`
	ParentID    string            `json:"ParentId"`
	RepoTags    []string          `json:"RepoTags"`
	RepoDigests []string          `json:"RepoDigests"`
	Size        int64             `json:"Size"`
	SharedSize  int64             `json:"SharedSize"`
	VirtualSize int64             `json:"VirtualSize"`
	Labels      map[string]string `json:"Labels"`
	Containers  int               `json:"Containers"`
	ReadOnly    bool              `json:"ReadOnly,omitempty"`
	Dangling    bool              `json:"Dangling"`
	Names       []string          `json:"Names"`
	Digest      string            `json:"Digest"`
	History     []string          `json:"History"`
	Created     int64             `json:"Created"`
	CreatedAt   time.Time         `json:"CreatedAt"`
}

// ImageList returns the local images that match req, newest first.
func (e *Engine) ImageList(ctx context.Context, req ImageListRequest) ([]ImageSummary, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return nil, err
	}
	entries, err := svc.ListFiltered(ctx, req.Filters)
	if err != nil {
		return nil, err
	}
	out := make([]ImageSummary, 0, len(entries))
	var cached map[string]bool
	if !req.All {
		cached = e.buildCacheImages()
	}
	for _, en := range entries {
		img := en.Image
		if cached[img.ID()] && len(img.Names()) == 0 {
			continue // an intermediate image of the build cache: --all shows it
		}
		ctrs, err := img.Containers()
		if err != nil {
			return nil, err
		}
		created := en.Created()
		out = append(out, ImageSummary{
			ID:          img.ID(),
			RepoTags:    img.RepoTags(),
			RepoDigests: img.RepoDigests(),
			Size:        en.Details.Size,
			VirtualSize: en.Details.Size,
			Labels:      en.Details.Config.Config.Labels,
			Containers:  len(ctrs),
			ReadOnly:    img.ReadOnly(),
			Dangling:    img.Dangling(),
			Names:       img.Names(),
			Digest:      img.Digest(),
			History:     img.NamesHistory(),
			Created:     created.Unix(),
			CreatedAt:   created,
		})
	}
	return out, nil
}

// ImageInspect is an image as image inspect reports it, in podman's shape.
type ImageInspect struct {
	ID           string                 `json:"Id"`
	Digest       string                 `json:"Digest"`
	RepoTags     []string               `json:"RepoTags"`
	RepoDigests  []string               `json:"RepoDigests"`
	Parent       string                 `json:"Parent"`
	Comment      string                 `json:"Comment"`
	Created      *time.Time             `json:"Created,omitempty"`
	Config       *imgspecv1.ImageConfig `json:"Config"`
	Version      string                 `json:"Version"`
	Author       string                 `json:"Author"`
	Architecture string                 `json:"Architecture"`
	Variant      string                 `json:"Variant,omitempty"`
	Os           string                 `json:"Os"`
	Size         int64                  `json:"Size"`
	VirtualSize  int64                  `json:"VirtualSize"`
	GraphDriver  GraphDriver            `json:"GraphDriver"`
	RootFS       RootFS                 `json:"RootFS"`
	Labels       map[string]string      `json:"Labels"`
	Annotations  map[string]string      `json:"Annotations"`
	ManifestType string                 `json:"ManifestType"`
	User         string                 `json:"User"`
	History      []imgspecv1.History    `json:"History"`
	NamesHistory []string               `json:"NamesHistory"`
	// Healthcheck is a Docker-format image's HEALTHCHECK, as Podman shows it.
	Healthcheck *define.HealthConfig `json:"Healthcheck,omitempty"`
	// Shell and OnBuild are a Docker-format image's SHELL and ONBUILD,
	// which Docker's API shows in Config and Podman's inspect does not.
	Shell   []string `json:"-"`
	OnBuild []string `json:"-"`
}

// GraphDriver names the storage driver and its data for an image's top layer.
type GraphDriver struct {
	Name string            `json:"Name"`
	Data map[string]string `json:"Data"`
}

// RootFS lists an image's layers by diff ID.
type RootFS struct {
	Type   string   `json:"Type"`
	Layers []string `json:"Layers"`
}

// ImageInspect returns the images named by names. It reports the ones it
// finds and returns the errors of the others joined.
func (e *Engine) ImageInspect(ctx context.Context, names []string) ([]ImageInspect, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return nil, err
	}
	var out []ImageInspect
	var errs []error
	for _, name := range names {
		img, err := svc.Lookup(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		d, err := img.Details(ctx)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cfg := d.Config
		layers := make([]string, 0, len(cfg.RootFS.DiffIDs))
		for _, l := range cfg.RootFS.DiffIDs {
			layers = append(layers, l.String())
		}
		c := cfg.Config
		out = append(out, ImageInspect{
			ID:           img.ID(),
			Digest:       img.Digest(),
			RepoTags:     nonNil(img.RepoTags()),
			RepoDigests:  nonNil(img.RepoDigests()),
			Comment:      d.Comment,
			Created:      cfg.Created,
			Config:       &c,
			Author:       cfg.Author,
			Architecture: cfg.Architecture,
			Variant:      cfg.Variant,
			Os:           cfg.OS,
			Size:         d.Size,
			VirtualSize:  d.Size,
			GraphDriver:  GraphDriver{Name: d.DriverName, Data: d.DriverData},
			RootFS:       RootFS{Type: cfg.RootFS.Type, Layers: layers},
			Labels:       c.Labels,
			Annotations:  nonNilMap(d.Annotations),
			ManifestType: d.ManifestType,
			User:         c.User,
			History:      cfg.History,
			Healthcheck:  d.Healthcheck,
			Shell:        d.Shell,
			OnBuild:      d.OnBuild,
			NamesHistory: nonNil(img.NamesHistory()),
		})
	}
	return out, errors.Join(errs...)
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ImageHistoryEntry is one step of an image's history, newest first.
type ImageHistoryEntry struct {
	ID        string    `json:"id"`
	Created   time.Time `json:"created"`
	CreatedBy string    `json:"createdBy"`
	Size      int64     `json:"size"`
	Comment   string    `json:"comment"`
	Tags      []string  `json:"tags"`
}

// ImageHistory returns the history of the image named by name.
func (e *Engine) ImageHistory(ctx context.Context, name string) ([]ImageHistoryEntry, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return nil, err
	}
	img, err := svc.Lookup(name)
	if err != nil {
		return nil, err
	}
	hist, err := img.History(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ImageHistoryEntry, 0, len(hist))
	for _, h := range hist {
		out = append(out, ImageHistoryEntry{ID: h.ID, Created: h.Created, CreatedBy: h.CreatedBy,
			Size: h.Size, Comment: h.Comment, Tags: h.Tags})
	}
	return out, nil
}

// ImageExists reports whether name resolves to a local image.
func (e *Engine) ImageExists(ctx context.Context, name string) (bool, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return false, err
	}
	return svc.Exists(name)
}

// Id returns ID, for --format templates written against podman's JSON key.
func (i ImageInspect) Id() string { return i.ID } //nolint:revive // podman's template name

// Id returns ID, for --format templates written against podman's JSON key.
func (s ImageSummary) Id() string { return s.ID } //nolint:revive // podman's template name
