package image

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/directory"
	"go.podman.io/image/v5/docker/archive"
	"go.podman.io/image/v5/docker/reference"
	ociarchive "go.podman.io/image/v5/oci/archive"
	"go.podman.io/image/v5/oci/layout"
	"go.podman.io/image/v5/types"
)

// Save formats.
const (
	FormatDockerArchive = "docker-archive"
	FormatOCIArchive    = "oci-archive"
	FormatOCIDir        = "oci-dir"
	FormatDockerDir     = "docker-dir"
)

// SaveOptions say how Save writes images.
type SaveOptions struct {
	Format     string    // one of the Format constants; "" is docker-archive
	MultiImage bool      // each name is an image; otherwise names after the first are extra tags (docker-archive)
	Progress   io.Writer // nil is silent
	// Uncompressed writes layers uncompressed in the OCI and dir formats,
	// which otherwise compress them (docker-archive never does).
	Uncompressed bool
}

// Save writes the images named by names to path: an archive file, or a
// directory for the -dir formats. A file is written in full under a
// temporary name first, so a failed save leaves no partial file.
func (s *Service) Save(ctx context.Context, names []string, path string, opts SaveOptions) error {
	release, err := s.holdScratch(ctx)
	if err != nil {
		return err
	}
	defer release()
	if opts.Format == "" {
		opts.Format = FormatDockerArchive
	}
	if len(names) == 0 {
		return define.Invalidf("no image to save")
	}
	if opts.MultiImage && opts.Format != FormatDockerArchive {
		return define.Invalidf("--multi-image-archive is only supported with --format docker-archive")
	}
	if len(names) > 1 && opts.Format != FormatDockerArchive {
		return define.Invalidf("--format %s saves one image, got %d", opts.Format, len(names))
	}
	sys := s.systemContext()
	if opts.Uncompressed {
		sys.OCIAcceptUncompressedLayers = true
		sys.DirForceDecompress = true
	}
	switch opts.Format {
	case FormatDockerArchive:
		return s.atomicFile(path, func(tmp string) error { return s.saveDockerArchive(ctx, sys, names, tmp, opts) })
	case FormatOCIArchive:
		return s.atomicFile(path, func(tmp string) error {
			return s.saveOne(ctx, sys, names[0], opts, func(name string) (types.ImageReference, error) {
				return ociarchive.NewReference(tmp, name)
			})
		})
	case FormatOCIDir:
		return s.saveOne(ctx, sys, names[0], opts, func(name string) (types.ImageReference, error) {
			return layout.NewReference(path, name)
		})
	case FormatDockerDir:
		return s.saveOne(ctx, sys, names[0], opts, func(string) (types.ImageReference, error) {
			if err := os.MkdirAll(path, 0o755); err != nil {
				return nil, fmt.Errorf("creating %s: %w", path, err)
			}
			return directory.NewReference(path)
		})
	}
	return define.Invalidf("unknown save format %q: use docker-archive, oci-archive, oci-dir or docker-dir", opts.Format)
}

// atomicFile runs write on a temporary file next to path, then renames it
// into place.
func (s *Service) atomicFile(path string, write func(tmp string) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".pm-save-*")
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	tmp := f.Name()
	f.Close()
	os.Remove(tmp) // the archive writers create it themselves
	if err := write(tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// saveOne copies one image to the reference dest makes for its name.
func (s *Service) saveOne(ctx context.Context, sys *types.SystemContext, name string, opts SaveOptions, dest func(name string) (types.ImageReference, error)) error {
	img, matched, err := s.lookup(name)
	if err != nil {
		return err
	}
	src, err := img.reference()
	if err != nil {
		return err
	}
	ref, err := dest(matched)
	if err != nil {
		return fmt.Errorf("saving %s: %w", name, err)
	}
	if err := s.copy(ctx, sys, src, ref, opts.Progress, nil); err != nil {
		return fmt.Errorf("saving %s: %w", name, err)
	}
	return nil
}

// saveDockerArchive writes one docker-archive holding the images (or, when
// not MultiImage, the first image under every name).
func (s *Service) saveDockerArchive(ctx context.Context, sys *types.SystemContext, names []string, path string, opts SaveOptions) (retErr error) {
	type entry struct {
		img  *Image
		tags []reference.NamedTagged
	}
	var entries []*entry
	for k, name := range names {
		var e *entry
		if k == 0 || opts.MultiImage {
			img, matched, err := s.lookup(name)
			if err != nil {
				return err
			}
			for _, prev := range entries { // one image named twice is written once
				if prev.img.ID() == img.ID() {
					e = prev
				}
			}
			if e == nil {
				e = &entry{img: img}
				entries = append(entries, e)
			}
			if matched == "" {
				continue
			}
			name = matched
		} else {
			e = entries[0]
		}
		tag, err := normalizeTag(name)
		if err != nil {
			if k == 0 || opts.MultiImage {
				continue // a name@digest: saved untagged
			}
			return err
		}
		e.tags = append(e.tags, tag)
	}
	w, err := archive.NewWriter(sys, path)
	if err != nil {
		return fmt.Errorf("creating docker archive: %w", err)
	}
	defer func() {
		if err := w.Close(); err != nil && retErr == nil {
			retErr = fmt.Errorf("closing docker archive: %w", err)
		}
	}()
	for _, e := range entries {
		src, err := e.img.reference()
		if err != nil {
			return err
		}
		var first reference.NamedTagged
		esys := *sys
		if len(e.tags) > 0 {
			first, esys.DockerArchiveAdditionalTags = e.tags[0], e.tags[1:]
		}
		dest, err := w.NewReference(first)
		if err != nil {
			return fmt.Errorf("referencing archive entry: %w", err)
		}
		if err := s.copy(ctx, &esys, src, dest, opts.Progress, nil); err != nil {
			return fmt.Errorf("saving %s: %w", short(e.img.ID()), err)
		}
	}
	return nil
}

// Load stores the images of a docker-archive or oci-archive file, telling
// the two apart by content. It returns the names the images were loaded
// under ("sha256:ID" for an unnamed image).
func (s *Service) Load(ctx context.Context, path string, progress io.Writer) ([]string, error) {
	release, err := s.holdScratch(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	if _, err := os.Stat(path); err != nil {
		return nil, define.Errorf(define.ErrNotFound, "loading %s: %w", path, err)
	}
	return s.load(ctx, path, path, progress)
}

// load is Load naming the input display in errors.
func (s *Service) load(ctx context.Context, path, display string, progress io.Writer) ([]string, error) {
	_, names, err := s.loadDockerArchiveNames(ctx, path, progress)
	if err == nil {
		return names, nil
	}
	dockerErr := err
	img, name, err := s.loadOCIArchive(ctx, path, progress)
	if err == nil {
		if name == "" {
			name = "sha256:" + img.ID()
		}
		return []string{name}, nil
	}
	return nil, define.Invalidf("loading %s: payload does not match any of the supported image formats: docker-archive (%v), oci-archive (%v)", display, dockerErr, err)
}

// LoadReader is Load for a stream, such as stdin: it is buffered to a
// temporary file first, since archives are read out of order.
func (s *Service) LoadReader(ctx context.Context, r io.Reader, progress io.Writer) ([]string, error) {
	release, err := s.holdScratch(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	f, err := os.CreateTemp(s.sys.BigFilesTemporaryDir, "pm-load-*.tar")
	if err != nil {
		return nil, fmt.Errorf("buffering input: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := io.Copy(f, r); err != nil {
		return nil, fmt.Errorf("buffering input: %w", err)
	}
	return s.load(ctx, f.Name(), "stdin", progress)
}

func (s *Service) loadDockerArchive(ctx context.Context, path string, progress io.Writer) ([]*Image, error) {
	imgs, _, err := s.loadDockerArchiveNames(ctx, path, progress)
	return imgs, err
}

// loadDockerArchiveNames stores every image of a docker-archive under all
// its tags.
func (s *Service) loadDockerArchiveNames(ctx context.Context, path string, progress io.Writer) ([]*Image, []string, error) {
	sys := s.systemContext()
	r, err := archive.NewReader(sys, path)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	groups, err := r.List()
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var imgs []*Image
	var names []string
	for _, refs := range groups {
		first := refs[0].DockerReference()
		img, err := s.copyIn(ctx, sys, refs[0], first, progress)
		if err != nil {
			return imgs, names, fmt.Errorf("loading %s: %w", path, err)
		}
		imgs = append(imgs, img)
		if first == nil {
			names = append(names, "sha256:"+img.ID())
			continue
		}
		for _, ref := range refs {
			n := ref.DockerReference().String()
			if err := s.store.AddNames(img.ID(), []string{n}); err != nil {
				return imgs, names, fmt.Errorf("tagging %s as %s: %w", short(img.ID()), n, err)
			}
			names = append(names, n)
		}
	}
	return imgs, names, nil
}

// loadOCIArchive stores the one image of an oci-archive, named by its
// ref.name annotation when that is a full image name.
func (s *Service) loadOCIArchive(ctx context.Context, path string, progress io.Writer) (*Image, string, error) {
	sys := s.systemContext()
	ref, err := ociarchive.NewReference(path, "")
	if err != nil {
		return nil, "", err
	}
	desc, err := ociarchive.LoadManifestDescriptorWithContext(sys, ref)
	if err != nil {
		return nil, "", err
	}
	var named reference.Named
	if n := desc.Annotations[imgspecv1.AnnotationRefName]; strings.ContainsAny(n, "/:") {
		if nn, err := NormalizeName(n); err == nil {
			named = nn
		}
	}
	img, err := s.copyIn(ctx, sys, ref, named, progress)
	if err != nil {
		return nil, "", fmt.Errorf("loading %s: %w", path, err)
	}
	if named == nil {
		return img, "", nil
	}
	return img, named.String(), nil
}
