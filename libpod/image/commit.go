package image

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"time"

	digest "github.com/opencontainers/go-digest"
	imgspec "github.com/opencontainers/image-spec/specs-go"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/manifest"
	"go.podman.io/storage"
)

// CommitOptions say how Commit builds an image from a container's layer.
type CommitOptions struct {
	Reference string // name for the image; "" leaves it unnamed
	// Parent is the image the container was made from; nil for none.
	Parent *Image
	// Config is the container's run configuration (command, env, labels,
	// ...), applied over the parent's; Changes are applied after it.
	Config  imgspecv1.ImageConfig
	Changes []string
	// Set, when non-nil, is the whole run configuration of the new image
	// (a build step's): the parent's, Config and Changes are not used.
	Set       *RunConfig
	Author    string
	Message   string // the history comment
	CreatedBy string // the history's created_by
	Docker    bool   // a Docker schema 2 manifest instead of an OCI one
	// Diff is the container layer's changes as an uncompressed tar stream.
	Diff io.Reader
}

// RunConfig is an image's run configuration in Docker's shape: the OCI
// config and what only a Docker-format config holds.
type RunConfig struct {
	imgspecv1.ImageConfig
	DockerFields
}

// dockerImage is a Docker-format config: the OCI one with the Docker-only
// fields in its "config".
type dockerImage struct {
	imgspecv1.Image
	Config RunConfig `json:"config,omitempty"`
}

// Commit stores Diff as a new layer over the parent's layers and makes an
// image of them with the parent's config updated by the options. The
// manifest lists the layers uncompressed; a push compresses them.
func (s *Service) Commit(ctx context.Context, opts CommitOptions) (_ *Image, retErr error) {
	var names []string
	if opts.Reference != "" {
		n, err := NormalizeName(opts.Reference)
		if err != nil {
			return nil, err
		}
		names = []string{n.String()}
	}
	now := time.Now().UTC()
	var cfg imgspecv1.Image
	var docker DockerFields // kept from the parent in a Docker-format image
	parentTop := ""
	if opts.Parent != nil {
		d, err := opts.Parent.Details(ctx)
		if err != nil {
			return nil, err
		}
		cfg, docker = d.Config, d.DockerFields
		parentTop = opts.Parent.TopLayer()
	}
	if cfg.OS == "" {
		cfg.OS, cfg.Architecture = runtime.GOOS, runtime.GOARCH
	}
	cfg.Created = &now
	cfg.Author = opts.Author
	if opts.Set != nil {
		cfg.Config, docker = opts.Set.ImageConfig, opts.Set.DockerFields
	} else {
		cfg.Config = mergeConfig(cfg.Config, opts.Config)
		if err := ApplyChanges(&cfg.Config, opts.Changes); err != nil {
			return nil, err
		}
	}
	layers, err := s.layerChain(parentTop)
	if err != nil {
		return nil, err
	}
	// From the new layer until the image that refers to it exists, no
	// one may take the layer for an orphan.
	release, err := s.holdScratch(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	layer, _, err := s.store.PutLayer("", parentTop, nil, "", false, nil, opts.Diff)
	if err != nil {
		return nil, fmt.Errorf("storing the container's layer: %w", err)
	}
	defer func() {
		if retErr != nil {
			if err := s.store.DeleteLayer(layer.ID); err != nil {
				retErr = errors.Join(retErr, fmt.Errorf("removing the new layer: %w", err))
			}
		}
	}()
	if layer.UncompressedDigest == "" {
		return nil, fmt.Errorf("storing the container's layer: no digest recorded: %w", define.ErrInternal)
	}
	layers = append(layers, layer)
	cfg.RootFS = imgspecv1.RootFS{Type: "layers"}
	for _, l := range layers {
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, l.UncompressedDigest)
	}
	cfg.History = append(cfg.History, imgspecv1.History{
		Created: &now, CreatedBy: opts.CreatedBy, Author: opts.Author, Comment: opts.Message,
	})
	var cfgBlob []byte
	if opts.Docker {
		cfgBlob, err = json.Marshal(dockerImage{Image: cfg, Config: RunConfig{cfg.Config, docker}})
	} else {
		cfgBlob, err = json.Marshal(cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("encoding image config: %w", err)
	}
	img, err := s.createImage(cfgBlob, opts.Docker, layers, layer.ID, now)
	if err != nil {
		return nil, err
	}
	if len(names) > 0 {
		// AddNames takes the name away from an image that had it.
		if err := s.store.AddNames(img.ID, names); err != nil {
			if _, derr := s.store.DeleteImage(img.ID, true); derr != nil {
				err = errors.Join(err, derr)
			}
			return nil, fmt.Errorf("naming image %s: %w", names[0], err)
		}
		if img, err = s.store.Image(img.ID); err != nil {
			return nil, fmt.Errorf("reading new image: %w", err)
		}
	}
	return &Image{s: s, img: img}, nil
}

// createImage records an image of the config blob and the layers, top
// being the last, with its manifest.
func (s *Service) createImage(cfgBlob []byte, docker bool, layers []*storage.Layer, top string, created time.Time) (*storage.Image, error) {
	cfgDigest := digest.FromBytes(cfgBlob)
	man, err := buildManifest(docker, cfgDigest, int64(len(cfgBlob)), layers)
	if err != nil {
		return nil, err
	}
	manDigest, err := manifest.Digest(man)
	if err != nil {
		return nil, fmt.Errorf("digesting manifest: %w", err)
	}
	img, err := s.store.CreateImage(cfgDigest.Encoded(), nil, top, "{}", &storage.ImageOptions{
		CreationDate: created,
		Digest:       manDigest,
		BigData: []storage.ImageBigDataOption{
			{Key: cfgDigest.String(), Data: cfgBlob, Digest: cfgDigest},
			{Key: storage.ImageDigestManifestBigDataNamePrefix + "-" + manDigest.String(), Data: man, Digest: manDigest},
			{Key: storage.ImageDigestBigDataKey, Data: man, Digest: manDigest},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("creating image: %w", err)
	}
	return img, nil
}

// Scratch makes an image with no layers and an empty configuration, the
// base of a build's FROM scratch; each call makes a new one.
func (s *Service) Scratch() (*Image, error) {
	now := time.Now().UTC()
	cfg := imgspecv1.Image{Created: &now, Platform: imgspecv1.Platform{OS: runtime.GOOS, Architecture: runtime.GOARCH},
		RootFS: imgspecv1.RootFS{Type: "layers", DiffIDs: []digest.Digest{}}}
	blob, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encoding image config: %w", err)
	}
	img, err := s.createImage(blob, false, nil, "", now)
	if err != nil {
		return nil, err
	}
	return &Image{s: s, img: img}, nil
}

// layerChain returns the layers from the bottom up to top.
func (s *Service) layerChain(top string) ([]*storage.Layer, error) {
	var out []*storage.Layer
	for id := top; id != ""; {
		l, err := s.store.Layer(id)
		if err != nil {
			return nil, fmt.Errorf("reading layer %s: %w", short(id), err)
		}
		if l.UncompressedDigest == "" {
			return nil, fmt.Errorf("layer %s has no recorded digest: %w", short(id), define.ErrUnsupported)
		}
		out = append(out, l)
		id = l.Parent
	}
	slices.Reverse(out)
	return out, nil
}

func buildManifest(docker bool, cfgDigest digest.Digest, cfgSize int64, layers []*storage.Layer) ([]byte, error) {
	if docker {
		ls := []manifest.Schema2Descriptor{}
		for _, l := range layers {
			ls = append(ls, manifest.Schema2Descriptor{
				MediaType: manifest.DockerV2SchemaLayerMediaTypeUncompressed,
				Digest:    l.UncompressedDigest, Size: l.UncompressedSize,
			})
		}
		m := manifest.Schema2FromComponents(manifest.Schema2Descriptor{
			MediaType: manifest.DockerV2Schema2ConfigMediaType, Digest: cfgDigest, Size: cfgSize,
		}, ls)
		return m.Serialize()
	}
	m := imgspecv1.Manifest{
		Versioned: imgspec.Versioned{SchemaVersion: 2},
		MediaType: imgspecv1.MediaTypeImageManifest,
		Config:    imgspecv1.Descriptor{MediaType: imgspecv1.MediaTypeImageConfig, Digest: cfgDigest, Size: cfgSize},
		Layers:    []imgspecv1.Descriptor{},
	}
	for _, l := range layers {
		m.Layers = append(m.Layers, imgspecv1.Descriptor{
			MediaType: imgspecv1.MediaTypeImageLayer, Digest: l.UncompressedDigest, Size: l.UncompressedSize,
		})
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encoding manifest: %w", err)
	}
	return b, nil
}

// mergeConfig lays the container's settings over the image's: what the
// container sets wins, labels are merged.
func mergeConfig(base, ctr imgspecv1.ImageConfig) imgspecv1.ImageConfig {
	out := base
	if ctr.Cmd != nil || ctr.Entrypoint != nil {
		out.Cmd, out.Entrypoint = ctr.Cmd, ctr.Entrypoint
	}
	if ctr.Env != nil {
		out.Env = ctr.Env
	}
	if ctr.WorkingDir != "" {
		out.WorkingDir = ctr.WorkingDir
	}
	if ctr.User != "" {
		out.User = ctr.User
	}
	if ctr.StopSignal != "" {
		out.StopSignal = ctr.StopSignal
	}
	if len(ctr.Labels) > 0 {
		out.Labels = maps.Clone(base.Labels)
		if out.Labels == nil {
			out.Labels = map[string]string{}
		}
		maps.Copy(out.Labels, ctr.Labels)
	}
	return out
}
