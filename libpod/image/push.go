package image

import (
	"context"
	"fmt"
	"io"
	"strings"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/manifest"
	"go.podman.io/image/v5/pkg/compression"
	"go.podman.io/image/v5/types"
)

// PushOptions say how Push sends an image.
type PushOptions struct {
	RegistryOptions
	Format            string    // "oci", "v2s2" or "v2s1"; "" keeps the stored manifest type when possible
	CompressionFormat string    // "gzip", "zstd", "zstd:chunked"; "" is the default
	RemoveSignatures  bool      // drop signatures while copying
	Progress          io.Writer // nil is silent
}

// Push copies the local image named by name to dest (by default to the
// registry in its own name). dest may carry a transport; without one it is
// a registry name. Push returns the digest of the manifest it wrote.
func (s *Service) Push(ctx context.Context, name, dest string, opts PushOptions) (string, error) {
	release, err := s.holdScratch(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	img, matched, err := s.lookup(name)
	if err != nil {
		return "", err
	}
	if dest == "" {
		if matched == "" {
			return "", define.Invalidf("pushing %s: image named by ID needs a destination", name)
		}
		dest = matched
	}
	var destRef types.ImageReference
	if tr, rest := splitTransport(dest); tr != nil {
		destRef, err = tr.ParseReference(rest)
	} else {
		destRef, err = docker.ParseReference("//" + dest)
	}
	if err != nil {
		return "", define.Invalidf("invalid destination %q: %v", dest, err)
	}
	src, err := img.reference()
	if err != nil {
		return "", err
	}
	sys := s.systemContext()
	opts.apply(sys)
	mime := ""
	switch strings.ToLower(opts.Format) {
	case "":
	case "oci":
		mime = imgspecv1.MediaTypeImageManifest
	case "v2s2", "docker":
		mime = manifest.DockerV2Schema2MediaType
	case "v2s1":
		mime = manifest.DockerV2Schema1SignedMediaType
	default:
		return "", define.Invalidf("unknown manifest format %q: use oci, v2s2 or v2s1", opts.Format)
	}
	destSys := *sys
	if opts.CompressionFormat != "" {
		alg, err := compression.AlgorithmByName(opts.CompressionFormat)
		if err != nil {
			return "", define.Invalidf("invalid --compression-format %q: %v", opts.CompressionFormat, err)
		}
		destSys.CompressionFormat = &alg
	}
	var raw []byte
	pc, err := s.policyContext()
	if err != nil {
		return "", err
	}
	defer pc.Destroy()
	raw, err = copy.Image(ctx, pc, destRef, src, &copy.Options{
		SourceCtx:              sys,
		DestinationCtx:         &destSys,
		ReportWriter:           opts.Progress,
		ForceManifestMIMEType:  mime,
		RemoveSignatures:       opts.RemoveSignatures,
		ForceCompressionFormat: opts.CompressionFormat != "",
	})
	if err != nil {
		return "", fmt.Errorf("pushing %s to %s: %w", name, transportName(destRef), classify(err))
	}
	d, err := manifest.Digest(raw)
	if err != nil {
		return "", fmt.Errorf("digesting pushed manifest: %w", err)
	}
	return d.String(), nil
}
