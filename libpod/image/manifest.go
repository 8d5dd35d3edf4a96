package image

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/specs-go"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/manifest"
	"go.podman.io/storage"
	stypes "go.podman.io/storage/types"
)

// A manifest list is an image in storage without layers: the list itself
// (an OCI image index) is its "manifest" big-data item, and where each of
// its instances can be read from is a second item, listSourcesKey.
const listSourcesKey = "pm-instances.json"

// instanceSource says where the manifest and blobs of one instance of a
// list are read from.
type instanceSource struct {
	// Image is the ID of a local image, read as it is stored.
	Image string `json:"image,omitempty"`
	// Ref is another image, "transport:reference", read by the instance's
	// digest (a registry repository, an OCI layout, an archive).
	Ref string `json:"ref,omitempty"`
}

// List is a manifest list (image index) stored as an image.
type List struct {
	img     *Image
	index   imgspecv1.Index
	sources map[digest.Digest]instanceSource
}

// ID returns the ID of the image holding the list.
func (l *List) ID() string { return l.img.ID() }

// Name returns the list's first name, "" when it has none.
func (l *List) Name() string {
	if n := l.img.Names(); len(n) > 0 {
		return n[0]
	}
	return ""
}

// Instances returns the digests of the list's instances, in order.
func (l *List) Instances() []digest.Digest {
	out := make([]digest.Digest, 0, len(l.index.Manifests))
	for _, m := range l.index.Manifests {
		out = append(out, m.Digest)
	}
	return out
}

// Raw returns the list as stored: an OCI image index.
func (l *List) Raw() ([]byte, error) {
	b, err := json.Marshal(&l.index)
	if err != nil {
		return nil, fmt.Errorf("encoding manifest list %s: %w", short(l.ID()), err)
	}
	return b, nil
}

// emptyIndex is a new list's content.
func emptyIndex() imgspecv1.Index {
	return imgspecv1.Index{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: imgspecv1.MediaTypeImageIndex,
		Manifests: []imgspecv1.Descriptor{},
	}
}

// IsManifestList reports whether the image is a manifest list (an image
// without layers whose manifest is a list).
func (i *Image) IsManifestList() bool {
	if i.img.TopLayer != "" || !slices.Contains(i.img.BigDataNames, storage.ImageDigestBigDataKey) {
		return false
	}
	b, err := i.s.store.ImageBigData(i.img.ID, storage.ImageDigestBigDataKey)
	return err == nil && manifest.MIMETypeIsMultiImage(manifest.GuessMIMEType(b))
}

// CreateList stores a new, empty manifest list under name (a short name
// goes under localhost/, as an image's). A name in use is a conflict.
func (s *Service) CreateList(ctx context.Context, name string) (*List, error) {
	named, err := NormalizeName(name)
	if err != nil {
		return nil, err
	}
	index := emptyIndex()
	raw, err := json.Marshal(&index)
	if err != nil {
		return nil, fmt.Errorf("encoding manifest list: %w", err)
	}
	d := digest.FromBytes(raw)
	img, err := s.store.CreateImage("", []string{named.String()}, "", "", &storage.ImageOptions{
		BigData: []storage.ImageBigDataOption{
			{Key: storage.ImageDigestBigDataKey, Data: raw, Digest: d},
			{Key: listSourcesKey, Data: []byte("{}")},
		},
	})
	if err != nil {
		if errors.Is(err, stypes.ErrDuplicateName) {
			return nil, define.Errorf(define.ErrConflict, "creating manifest list %s: that name is already in use", named.String())
		}
		return nil, fmt.Errorf("creating manifest list %s: %w", named.String(), err)
	}
	return &List{img: &Image{s: s, img: img}, index: index, sources: map[digest.Digest]instanceSource{}}, nil
}

// LookupList finds a local manifest list. A missing image is an error
// wrapping define.ErrNoSuchImage; an image that is not a list, an
// invalid-argument error.
func (s *Service) LookupList(name string) (*List, error) {
	img, err := s.Lookup(name)
	if err != nil {
		return nil, err
	}
	return s.loadList(img, name)
}

// errNotList is the error for an image that is not a manifest list.
func errNotList(name string) error {
	return define.Invalidf("%s: image is not a manifest list", name)
}

func (s *Service) loadList(img *Image, name string) (*List, error) {
	if !img.IsManifestList() {
		return nil, errNotList(name)
	}
	raw, err := s.store.ImageBigData(img.ID(), storage.ImageDigestBigDataKey)
	if err != nil {
		return nil, fmt.Errorf("reading manifest list %s: %w", name, err)
	}
	l := &List{img: img, sources: map[digest.Digest]instanceSource{}}
	if mime := manifest.GuessMIMEType(raw); mime != imgspecv1.MediaTypeImageIndex {
		// A Docker list (written by another tool): keep it as an OCI index.
		pub, err := manifest.ListFromBlob(raw, mime)
		if err != nil {
			return nil, fmt.Errorf("parsing manifest list %s: %w", name, err)
		}
		conv, err := pub.ConvertToMIMEType(imgspecv1.MediaTypeImageIndex)
		if err != nil {
			return nil, fmt.Errorf("converting manifest list %s: %w", name, err)
		}
		if raw, err = conv.Serialize(); err != nil {
			return nil, fmt.Errorf("encoding manifest list %s: %w", name, err)
		}
	}
	if err := json.Unmarshal(raw, &l.index); err != nil {
		return nil, fmt.Errorf("parsing manifest list %s: %w", name, err)
	}
	if l.index.Manifests == nil {
		l.index.Manifests = []imgspecv1.Descriptor{}
	}
	if b, err := s.store.ImageBigData(img.ID(), listSourcesKey); err == nil {
		if err := json.Unmarshal(b, &l.sources); err != nil {
			return nil, fmt.Errorf("parsing the instances of manifest list %s: %w", name, err)
		}
	}
	return l, nil
}

// save writes the list and its sources back to storage.
func (l *List) save() error {
	raw, err := l.Raw()
	if err != nil {
		return err
	}
	src, err := json.Marshal(l.sources)
	if err != nil {
		return fmt.Errorf("encoding the instances of manifest list %s: %w", short(l.ID()), err)
	}
	store := l.img.s.store
	if err := store.SetImageBigData(l.ID(), listSourcesKey, src, nil); err != nil {
		return fmt.Errorf("saving manifest list %s: %w", short(l.ID()), err)
	}
	if err := store.SetImageBigData(l.ID(), storage.ImageDigestBigDataKey, raw, manifest.Digest); err != nil {
		return fmt.Errorf("saving manifest list %s: %w", short(l.ID()), err)
	}
	return nil
}

// instance returns the index of the instance with digest d, or -1.
func (l *List) instance(d digest.Digest) int {
	return slices.IndexFunc(l.index.Manifests, func(m imgspecv1.Descriptor) bool { return m.Digest == d })
}

// put adds desc (read from src) to the list, in place of an instance with
// the same digest.
func (l *List) put(desc imgspecv1.Descriptor, src instanceSource) {
	if i := l.instance(desc.Digest); i >= 0 {
		l.index.Manifests[i] = desc
	} else {
		l.index.Manifests = append(l.index.Manifests, desc)
	}
	l.sources[desc.Digest] = src
}

// Annotation is what AnnotateInstance changes of an instance's entry; empty
// fields are left as they are.
type Annotation struct {
	OS, Arch, Variant, OSVersion string
	OSFeatures                   []string
	Annotations                  map[string]string // added to the entry's
}

// AnnotateInstance changes the platform and annotations recorded for the
// instance with digest d, and saves the list.
func (l *List) AnnotateInstance(d digest.Digest, a Annotation) error {
	i := l.instance(d)
	if i < 0 {
		return define.Errorf(define.ErrNotFound, "no instance with digest %s in manifest list %s", d, l.displayName())
	}
	l.annotate(i, a)
	return l.save()
}

func (l *List) annotate(i int, a Annotation) {
	m := &l.index.Manifests[i]
	if a.OS != "" || a.Arch != "" || a.Variant != "" || a.OSVersion != "" || len(a.OSFeatures) > 0 {
		if m.Platform == nil {
			m.Platform = &imgspecv1.Platform{}
		}
		set := func(dst *string, v string) {
			if v != "" {
				*dst = v
			}
		}
		set(&m.Platform.OS, a.OS)
		set(&m.Platform.Architecture, a.Arch)
		set(&m.Platform.Variant, a.Variant)
		set(&m.Platform.OSVersion, a.OSVersion)
		if len(a.OSFeatures) > 0 {
			m.Platform.OSFeatures = a.OSFeatures
		}
	}
	if len(a.Annotations) > 0 {
		if m.Annotations == nil {
			m.Annotations = map[string]string{}
		}
		maps.Copy(m.Annotations, a.Annotations)
	}
}

// RemoveInstance drops the instance with digest d and saves the list.
func (l *List) RemoveInstance(d digest.Digest) error {
	i := l.instance(d)
	if i < 0 {
		return define.Errorf(define.ErrNotFound, "no instance with digest %s in manifest list %s", d, l.displayName())
	}
	l.index.Manifests = slices.Delete(l.index.Manifests, i, i+1)
	delete(l.sources, d)
	return l.save()
}

// displayName names the list for messages.
func (l *List) displayName() string {
	if n := l.Name(); n != "" {
		return n
	}
	return short(l.ID())
}
