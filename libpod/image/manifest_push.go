package image

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/manifest"
	"go.podman.io/image/v5/pkg/compression"
	"go.podman.io/image/v5/types"
)

// ListPushOptions say how PushList sends a list.
type ListPushOptions struct {
	RegistryOptions
	// All sends the list's images too; without it only the list, whose
	// images must be at the destination already.
	All               bool
	Format            string // "oci" or "v2s2"; "" keeps the stored OCI index
	CompressionFormat string // gzip, zstd, zstd:chunked
	RemoveSignatures  bool
	Progress          io.Writer // nil is silent
}

// PushList copies l, and with All its images, to dest (a registry name
// unless it carries a transport). Local images are compressed on the way,
// so their manifests, and the list's entries for them, may change; the
// local list stays as it is. PushList returns the digest of the list
// written.
func (s *Service) PushList(ctx context.Context, l *List, dest string, opts ListPushOptions) (string, error) {
	var destRef types.ImageReference
	var err error
	if tr, rest := splitTransport(dest); tr != nil {
		destRef, err = tr.ParseReference(rest)
	} else {
		destRef, err = docker.ParseReference("//" + dest)
	}
	if err != nil {
		return "", define.Invalidf("invalid destination %q: %v", dest, err)
	}
	mime := ""
	switch strings.ToLower(opts.Format) {
	case "":
	case "oci":
		mime = imgspecv1.MediaTypeImageManifest
	case "v2s2", "docker":
		mime = manifest.DockerV2Schema2MediaType
	default:
		return "", define.Invalidf("unknown format %q. Choose one of the supported formats: 'oci' or 'v2s2'", opts.Format)
	}
	sys := s.systemContext()
	opts.apply(sys)
	destSys := *sys
	if opts.CompressionFormat != "" {
		alg, err := compression.AlgorithmByName(opts.CompressionFormat)
		if err != nil {
			return "", define.Invalidf("invalid --compression-format %q: %v", opts.CompressionFormat, err)
		}
		destSys.CompressionFormat = &alg
	}
	srcRef, err := l.img.reference()
	if err != nil {
		return "", err
	}
	copyOpts := &copy.Options{
		SourceCtx:              sys,
		DestinationCtx:         &destSys,
		ReportWriter:           opts.Progress,
		ForceManifestMIMEType:  mime,
		RemoveSignatures:       opts.RemoveSignatures,
		ForceCompressionFormat: opts.CompressionFormat != "",
		ImageListSelection:     copy.CopySpecificImages,
	}
	if opts.All {
		copyOpts.ImageListSelection = copy.CopyAllImages
	}
	pc, err := s.policyContext()
	if err != nil {
		return "", err
	}
	defer pc.Destroy()
	raw, err := copy.Image(ctx, pc, destRef, listReference{ImageReference: srcRef, s: s, l: l}, copyOpts)
	if err != nil {
		return "", fmt.Errorf("pushing manifest list %s to %s: %w", l.displayName(), transportName(destRef), classify(err))
	}
	d, err := manifest.Digest(raw)
	if err != nil {
		return "", fmt.Errorf("digesting pushed manifest list: %w", err)
	}
	return d.String(), nil
}

// listReference is the storage reference of a list whose source reads each
// instance from where it was added from.
type listReference struct {
	types.ImageReference
	s *Service
	l *List
}

// NewImageSource returns the list's source.
func (r listReference) NewImageSource(ctx context.Context, sys *types.SystemContext) (types.ImageSource, error) {
	raw, err := r.l.Raw()
	if err != nil {
		return nil, err
	}
	return &listSource{ref: r, sys: sys, raw: raw, opened: map[digest.Digest]*openedInstance{}, blobs: map[digest.Digest]types.ImageSource{}}, nil
}

// openedInstance is the source one instance is read from.
type openedInstance struct {
	src types.ImageSource
	ask *digest.Digest // the digest to ask src for; nil for its own
}

// listSource is a types.ImageSource over a list and the sources of its
// instances: the list from storage, each instance's manifest and blobs from
// its own source.
type listSource struct {
	ref    listReference
	sys    *types.SystemContext
	raw    []byte
	opened map[digest.Digest]*openedInstance
	// blobs records which source a blob was announced by (in a manifest or
	// LayerInfosForCopy), so that GetBlob asks that one.
	blobs map[digest.Digest]types.ImageSource
}

func (ls *listSource) Reference() types.ImageReference { return ls.ref }

func (ls *listSource) Close() error {
	var errs []error
	for _, o := range ls.opened {
		errs = append(errs, o.src.Close())
	}
	return errors.Join(errs...)
}

// instance opens (once) the source of the instance with digest d.
func (ls *listSource) instance(ctx context.Context, d digest.Digest) (*openedInstance, error) {
	if o, ok := ls.opened[d]; ok {
		return o, nil
	}
	src, ok := ls.ref.l.sources[d]
	if !ok {
		return nil, define.Errorf(define.ErrNotFound, "instance %s of manifest list %s: pm does not know where to read it from", d, ls.ref.l.displayName())
	}
	is, ask, err := ls.ref.s.openInstance(ctx, ls.sys, src, d)
	if err != nil {
		return nil, err
	}
	o := &openedInstance{src: is, ask: ask}
	ls.opened[d] = o
	return o, nil
}

func (ls *listSource) GetManifest(ctx context.Context, instanceDigest *digest.Digest) ([]byte, string, error) {
	if instanceDigest == nil {
		return ls.raw, imgspecv1.MediaTypeImageIndex, nil
	}
	o, err := ls.instance(ctx, *instanceDigest)
	if err != nil {
		return nil, "", err
	}
	raw, mime, err := o.src.GetManifest(ctx, o.ask)
	if err != nil {
		return nil, "", err
	}
	if m, err := manifest.FromBlob(raw, mime); err == nil {
		ls.blobs[m.ConfigInfo().Digest] = o.src
		for _, li := range m.LayerInfos() {
			ls.blobs[li.Digest] = o.src
		}
	}
	return raw, mime, nil
}

func (ls *listSource) HasThreadSafeGetBlob() bool { return false }

func (ls *listSource) GetBlob(ctx context.Context, info types.BlobInfo, cache types.BlobInfoCache) (io.ReadCloser, int64, error) {
	if src, ok := ls.blobs[info.Digest]; ok {
		return src.GetBlob(ctx, info, cache)
	}
	var errs []error
	for _, o := range ls.opened {
		rc, n, err := o.src.GetBlob(ctx, info, cache)
		if err == nil {
			return rc, n, nil
		}
		errs = append(errs, err)
	}
	return nil, 0, fmt.Errorf("blob %s is in none of the list's images: %w", info.Digest, errors.Join(errs...))
}

func (ls *listSource) GetSignatures(ctx context.Context, instanceDigest *digest.Digest) ([][]byte, error) {
	return nil, nil
}

func (ls *listSource) LayerInfosForCopy(ctx context.Context, instanceDigest *digest.Digest) ([]types.BlobInfo, error) {
	if instanceDigest == nil {
		return nil, nil
	}
	o, err := ls.instance(ctx, *instanceDigest)
	if err != nil {
		return nil, err
	}
	infos, err := o.src.LayerInfosForCopy(ctx, o.ask)
	if err != nil {
		return nil, err
	}
	for _, bi := range infos {
		ls.blobs[bi.Digest] = o.src
	}
	return infos, nil
}
