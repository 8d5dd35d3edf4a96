package image

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/docker/reference"
	imgimage "go.podman.io/image/v5/image"
	"go.podman.io/image/v5/manifest"
	"go.podman.io/image/v5/pkg/shortnames"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/transports/alltransports"
	"go.podman.io/image/v5/types"
	"go.podman.io/storage"
)

// AddOptions say how AddToList adds an image.
type AddOptions struct {
	RegistryOptions
	// All adds every instance of an image that is itself a list; without
	// it, the one for this host's (or SystemContext's) platform.
	All bool
	// Annotation overrides what is recorded for each instance added.
	Annotation Annotation
}

// AddToList adds the image ref names to l and saves l; it returns the
// digests of the instances added. ref may carry a transport
// (containers-storage:, docker://, oci:, oci-archive:, docker-archive:,
// dir:); without one a local image is used when there is one, else a
// registry's, a short name resolved through registries.conf. A local image
// is read from storage when the list is pushed; any other, from where it
// was found, by digest.
func (s *Service) AddToList(ctx context.Context, l *List, ref string, opts AddOptions) ([]digest.Digest, error) {
	sys := s.systemContext()
	opts.apply(sys)
	tr, rest := splitTransport(ref)
	var added []imgspecv1.Descriptor
	var src instanceSource
	var err error
	switch {
	case tr != nil && tr.Name() == istorage.Transport.Name():
		img, lerr := s.Lookup(rest)
		if lerr != nil {
			return nil, lerr
		}
		added, src, err = s.localInstance(ctx, img, ref)
	case tr != nil && tr.Name() != docker.Transport.Name():
		r, perr := tr.ParseReference(rest)
		if perr != nil {
			return nil, define.Invalidf("invalid image reference %q: %v", ref, perr)
		}
		added, src, err = s.remoteInstances(ctx, sys, r, opts.All)
	case tr != nil: // docker://
		added, src, err = s.registryInstances(ctx, sys, strings.TrimPrefix(rest, "//"), opts.All)
	default:
		img, lerr := s.Lookup(ref)
		switch {
		case lerr == nil:
			added, src, err = s.localInstance(ctx, img, ref)
		case errors.Is(lerr, define.ErrNoSuchImage):
			added, src, err = s.registryInstances(ctx, sys, ref, opts.All)
		default:
			return nil, lerr
		}
	}
	if err != nil {
		return nil, err
	}
	out := make([]digest.Digest, 0, len(added))
	for _, d := range added {
		l.put(d, src)
		l.annotate(l.instance(d.Digest), opts.Annotation)
		out = append(out, d.Digest)
	}
	if err := l.save(); err != nil {
		return nil, err
	}
	return out, nil
}

// localInstance describes a local image as an instance of a list.
func (s *Service) localInstance(ctx context.Context, img *Image, name string) ([]imgspecv1.Descriptor, instanceSource, error) {
	if img.IsManifestList() {
		return nil, instanceSource{}, define.Invalidf("%s is a manifest list: add its images, or push it and add it with --all", name)
	}
	raw, err := s.store.ImageBigData(img.ID(), storage.ImageDigestBigDataKey)
	if err != nil {
		return nil, instanceSource{}, fmt.Errorf("reading the manifest of image %s: %w", short(img.ID()), err)
	}
	d, err := manifest.Digest(raw)
	if err != nil {
		return nil, instanceSource{}, fmt.Errorf("digesting the manifest of image %s: %w", short(img.ID()), err)
	}
	det, err := img.Details(ctx)
	if err != nil {
		return nil, instanceSource{}, err
	}
	c := det.Config
	desc := imgspecv1.Descriptor{
		MediaType: manifest.GuessMIMEType(raw), Digest: d, Size: int64(len(raw)),
		Platform: &imgspecv1.Platform{Architecture: c.Architecture, OS: c.OS, Variant: c.Variant, OSVersion: c.OSVersion, OSFeatures: c.OSFeatures},
	}
	return []imgspecv1.Descriptor{desc}, instanceSource{Image: img.ID()}, nil
}

// registryInstances resolves name (a short name through registries.conf)
// and describes the first candidate that can be read.
func (s *Service) registryInstances(ctx context.Context, sys *types.SystemContext, name string, all bool) ([]imgspecv1.Descriptor, instanceSource, error) {
	if _, err := reference.Parse(name); err != nil {
		return nil, instanceSource{}, define.Invalidf("invalid image reference %q: %v", name, err)
	}
	resolved, err := shortnames.Resolve(sys, name)
	if err != nil {
		return nil, instanceSource{}, define.Errorf(define.ErrInvalidArg, "resolving %s: %w", name, err)
	}
	var errs []error
	for _, c := range resolved.PullCandidates {
		ref, err := docker.NewReference(c.Value)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		descs, src, err := s.remoteInstances(ctx, sys, ref, all)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		return descs, src, nil
	}
	if len(errs) == 1 {
		return nil, instanceSource{}, errs[0]
	}
	return nil, instanceSource{}, resolved.FormatPullErrors(errs)
}

// remoteInstances describes the image ref names: itself, or for a list
// the instance for the platform (all of them with all).
func (s *Service) remoteInstances(ctx context.Context, sys *types.SystemContext, ref types.ImageReference, all bool) ([]imgspecv1.Descriptor, instanceSource, error) {
	name := transportName(ref)
	src, err := ref.NewImageSource(ctx, sys)
	if err != nil {
		return nil, instanceSource{}, fmt.Errorf("reading %s: %w", name, classify(err))
	}
	defer src.Close()
	raw, mime, err := src.GetManifest(ctx, nil)
	if err != nil {
		return nil, instanceSource{}, fmt.Errorf("reading the manifest of %s: %w", name, classify(err))
	}
	source := instanceSource{Ref: name}
	if !manifest.MIMETypeIsMultiImage(mime) {
		desc, err := describeInstance(ctx, sys, src, raw, mime, nil)
		if err != nil {
			return nil, instanceSource{}, fmt.Errorf("reading %s: %w", name, err)
		}
		return []imgspecv1.Descriptor{desc}, source, nil
	}
	list, err := manifest.ListFromBlob(raw, mime)
	if err != nil {
		return nil, instanceSource{}, fmt.Errorf("parsing the manifest list of %s: %w", name, err)
	}
	digests := list.Instances()
	if !all {
		d, err := list.ChooseInstance(sys)
		if err != nil {
			return nil, instanceSource{}, fmt.Errorf("choosing an image of %s: %w", name, err)
		}
		digests = []digest.Digest{d}
	}
	out := make([]imgspecv1.Descriptor, 0, len(digests))
	for _, d := range digests {
		info, err := list.Instance(d)
		if err != nil {
			return nil, instanceSource{}, fmt.Errorf("reading instance %s of %s: %w", d, name, err)
		}
		desc := imgspecv1.Descriptor{MediaType: info.MediaType, Digest: info.Digest, Size: info.Size,
			Platform: info.ReadOnly.Platform, Annotations: info.ReadOnly.Annotations}
		if desc.Platform == nil {
			inst := d
			m, mt, err := src.GetManifest(ctx, &inst)
			if err != nil {
				return nil, instanceSource{}, fmt.Errorf("reading instance %s of %s: %w", d, name, classify(err))
			}
			if desc, err = describeInstance(ctx, sys, src, m, mt, &inst); err != nil {
				return nil, instanceSource{}, fmt.Errorf("reading instance %s of %s: %w", d, name, err)
			}
		}
		out = append(out, desc)
	}
	return out, source, nil
}

// describeInstance describes one image's manifest, with the platform
// its config records.
func describeInstance(ctx context.Context, sys *types.SystemContext, src types.ImageSource, raw []byte, mime string, instance *digest.Digest) (imgspecv1.Descriptor, error) {
	d, err := manifest.Digest(raw)
	if err != nil {
		return imgspecv1.Descriptor{}, err
	}
	img, err := imgimage.FromUnparsedImage(ctx, sys, imgimage.UnparsedInstance(src, instance))
	if err != nil {
		return imgspecv1.Descriptor{}, err
	}
	cfg, err := img.OCIConfig(ctx)
	if err != nil {
		return imgspecv1.Descriptor{}, fmt.Errorf("reading its config: %w", err)
	}
	return imgspecv1.Descriptor{
		MediaType: mime, Digest: d, Size: int64(len(raw)),
		Platform: &imgspecv1.Platform{Architecture: cfg.Architecture, OS: cfg.OS, Variant: cfg.Variant, OSVersion: cfg.OSVersion, OSFeatures: cfg.OSFeatures},
	}, nil
}

// openInstance opens the source an instance of a list is read from, and
// says which digest to ask it for (nil: its own manifest).
func (s *Service) openInstance(ctx context.Context, sys *types.SystemContext, src instanceSource, d digest.Digest) (types.ImageSource, *digest.Digest, error) {
	if src.Image != "" {
		ref, err := istorage.Transport.NewStoreReference(s.store, nil, src.Image)
		if err != nil {
			return nil, nil, fmt.Errorf("referencing image %s: %w", short(src.Image), err)
		}
		is, err := ref.NewImageSource(ctx, sys)
		if err != nil {
			return nil, nil, fmt.Errorf("opening image %s of instance %s: %w", short(src.Image), d, err)
		}
		return is, nil, nil
	}
	if src.Ref == "" {
		return nil, nil, define.Errorf(define.ErrNotFound, "instance %s: pm does not know where to read it from", d)
	}
	ref, err := alltransports.ParseImageName(src.Ref)
	if err != nil {
		return nil, nil, fmt.Errorf("instance %s: %w", d, err)
	}
	is, err := ref.NewImageSource(ctx, sys)
	if err != nil {
		return nil, nil, fmt.Errorf("opening %s for instance %s: %w", src.Ref, d, classify(err))
	}
	return is, &d, nil
}

// RemoteManifest reads the manifest (list or single) of a registry image,
// a short name resolved through registries.conf, as the registry serves it.
func (s *Service) RemoteManifest(ctx context.Context, name string, opts RegistryOptions) ([]byte, string, error) {
	sys := s.systemContext()
	opts.apply(sys)
	if tr, rest := splitTransport(name); tr != nil {
		if tr.Name() != docker.Transport.Name() {
			return nil, "", define.Invalidf("%s: a manifest list is inspected locally or in a registry, not in %s", name, tr.Name())
		}
		name = strings.TrimPrefix(rest, "//")
	}
	if _, err := reference.Parse(name); err != nil {
		return nil, "", define.Invalidf("invalid image reference %q: %v", name, err)
	}
	resolved, err := shortnames.Resolve(sys, name)
	if err != nil {
		return nil, "", define.Errorf(define.ErrInvalidArg, "resolving %s: %w", name, err)
	}
	var errs []error
	for _, c := range resolved.PullCandidates {
		ref, err := docker.NewReference(c.Value)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		src, err := ref.NewImageSource(ctx, sys)
		if err != nil {
			errs = append(errs, fmt.Errorf("reading image %s: %w", c.Value.String(), classify(err)))
			continue
		}
		raw, mime, err := src.GetManifest(ctx, nil)
		src.Close()
		if err != nil {
			errs = append(errs, fmt.Errorf("reading the manifest of %s: %w", c.Value.String(), classify(err)))
			continue
		}
		return raw, mime, nil
	}
	return nil, "", errors.Join(errs...)
}
