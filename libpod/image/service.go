// Package image stores, finds and moves pm's images: they live in
// go.podman.io/storage and travel with go.podman.io/image/v5 (registries,
// docker and OCI archives, OCI layouts, dir).
package image

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/signature"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"
	"go.podman.io/storage"
	stypes "go.podman.io/storage/types"
)

// Service finds and moves images in one store. It holds no state of its own
// beyond the handles it was made with.
type Service struct {
	store  storage.Store
	sys    *types.SystemContext
	policy *signature.Policy
	search []string // registries.conf's unqualified-search-registries
	// hold, if set, holds the scratch directory until release (see
	// WithScratch).
	hold func(ctx context.Context) (release func(), err error)
}

// New returns a Service over store. sys carries the registries, policy and
// auth file locations; search is the list of unqualified-search registries.
func New(store storage.Store, sys *types.SystemContext, policy *signature.Policy, search []string) *Service {
	return &Service{store: store, sys: sys, policy: policy, search: search}
}

// WithScratch has the service keep its temporary files, and the image
// library's, in dir, which hold holds while they may exist and while the
// service writes layers no image refers to yet: whoever empties dir or
// reclaims such layers waits for the holders.
func (s *Service) WithScratch(dir string, hold func(ctx context.Context) (release func(), err error)) *Service {
	sys := *s.sys
	sys.BigFilesTemporaryDir = dir
	s.sys, s.hold = &sys, hold
	return s
}

// holdScratch holds the scratch directory (see WithScratch) until release
// is called; it does nothing for a service without one.
func (s *Service) holdScratch(ctx context.Context) (release func(), err error) {
	if s.hold == nil {
		return func() {}, nil
	}
	return s.hold(ctx)
}

// systemContext returns a copy of the service's context, for callers that set
// per-operation fields.
func (s *Service) systemContext() *types.SystemContext {
	c := *s.sys
	return &c
}

// Image is one image in storage.
type Image struct {
	s   *Service
	img *storage.Image
}

// ID returns the image's full ID (the hex digest of its config).
func (i *Image) ID() string { return i.img.ID }

// Names returns the image's names (repository:tag or repository@digest).
func (i *Image) Names() []string { return append([]string(nil), i.img.Names...) }

// NamesHistory returns every name the image ever had, newest first.
func (i *Image) NamesHistory() []string { return append([]string(nil), i.img.NamesHistory...) }

// Digest returns the digest of the image's manifest.
func (i *Image) Digest() string { return i.img.Digest.String() }

// Digests returns the digests of all manifests stored for the image.
func (i *Image) Digests() []string {
	out := make([]string, 0, len(i.img.Digests))
	for _, d := range i.img.Digests {
		out = append(out, d.String())
	}
	return out
}

// StoredAt returns when the image was written to storage.
func (i *Image) StoredAt() time.Time { return i.img.Created }

// TopLayer returns the ID of the image's top layer, "" for an image with none.
func (i *Image) TopLayer() string { return i.img.TopLayer }

// Dangling reports whether the image has no name.
func (i *Image) Dangling() bool { return len(i.img.Names) == 0 }

// ReadOnly reports whether the image lives in a read-only additional store.
func (i *Image) ReadOnly() bool { return i.img.ReadOnly }

// Size returns the size of the image's layers and metadata in bytes.
func (i *Image) Size() (int64, error) {
	n, err := i.s.store.ImageSize(i.img.ID)
	if err != nil {
		return 0, fmt.Errorf("computing size of image %s: %w", short(i.img.ID), err)
	}
	return n, nil
}

// RepoTags returns the names of the image that carry a tag.
func (i *Image) RepoTags() []string {
	var out []string
	for _, n := range i.img.Names {
		ref, err := reference.ParseNormalizedNamed(n)
		if err != nil {
			continue
		}
		if _, ok := ref.(reference.Tagged); ok {
			out = append(out, n)
		}
	}
	return out
}

// RepoDigests returns repository@digest for each repository the image is
// named in and each manifest digest it has.
func (i *Image) RepoDigests() []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range i.img.Names {
		ref, err := reference.ParseNormalizedNamed(n)
		if err != nil {
			continue
		}
		for _, d := range i.img.Digests {
			rd := ref.Name() + "@" + d.String()
			if !seen[rd] {
				seen[rd] = true
				out = append(out, rd)
			}
		}
	}
	return out
}

// Containers returns the IDs of storage containers made from the image.
func (i *Image) Containers() ([]string, error) {
	ctrs, err := i.s.store.Containers()
	if err != nil {
		return nil, fmt.Errorf("listing containers: %w", err)
	}
	var out []string
	for _, c := range ctrs {
		if c.ImageID == i.img.ID {
			out = append(out, c.ID)
		}
	}
	return out, nil
}

// reference returns a storage reference to the image by ID.
func (i *Image) reference() (types.ImageReference, error) {
	ref, err := istorage.Transport.NewStoreReference(i.s.store, nil, i.img.ID)
	if err != nil {
		return nil, fmt.Errorf("referencing image %s: %w", short(i.img.ID), err)
	}
	return ref, nil
}

// List returns all images in storage, newest first.
func (s *Service) List(ctx context.Context) ([]*Image, error) {
	imgs, err := s.store.Images()
	if err != nil {
		return nil, fmt.Errorf("listing images: %w", err)
	}
	out := make([]*Image, 0, len(imgs))
	for k := range imgs {
		out = append(out, &Image{s: s, img: &imgs[k]})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].img.Created.After(out[b].img.Created) })
	return out, nil
}

// byID returns the image with exactly this ID.
func (s *Service) byID(id string) (*Image, error) {
	img, err := s.store.Image(id)
	if err != nil {
		if errors.Is(err, stypes.ErrImageUnknown) {
			return nil, define.Errorf(define.ErrNoSuchImage, "%s: image not known", id)
		}
		return nil, fmt.Errorf("reading image %s: %w", short(id), err)
	}
	return &Image{s: s, img: img}, nil
}

// short returns the 12-character form of an ID.
func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
