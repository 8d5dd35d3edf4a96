package image

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/tarball"
)

// ImportOptions say how Import builds its image.
type ImportOptions struct {
	Reference string    // name for the image; "" leaves it unnamed
	Changes   []string  // Dockerfile-style config changes, see ApplyChanges
	Message   string    // the history comment
	OS, Arch  string    // "" is this host's
	Variant   string    // CPU variant
	Progress  io.Writer // nil is silent
}

// Import makes a one-layer image from a (possibly compressed) tarball of a
// root filesystem.
func (s *Service) Import(ctx context.Context, path string, opts ImportOptions) (*Image, error) {
	release, err := s.holdScratch(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	var named reference.Named
	if opts.Reference != "" {
		n, err := NormalizeName(opts.Reference)
		if err != nil {
			return nil, err
		}
		named = n
	}
	now := time.Now().UTC()
	cfg := imgspecv1.Image{Created: &now}
	cfg.Platform.OS, cfg.Platform.Architecture, cfg.Platform.Variant = opts.OS, opts.Arch, opts.Variant
	if err := ApplyChanges(&cfg.Config, opts.Changes); err != nil {
		return nil, err
	}
	if opts.Message != "" {
		cfg.History = []imgspecv1.History{{Comment: opts.Message}}
	}
	if fi, err := os.Stat(path); err != nil {
		return nil, define.Errorf(define.ErrNotFound, "importing %s: %w", path, err)
	} else if fi.IsDir() {
		return nil, define.Invalidf("importing %s: is a directory, not a tarball", path)
	}
	ref, err := tarball.NewReference([]string{path}, nil)
	if err != nil {
		return nil, define.Invalidf("importing %s: %v", path, err)
	}
	if err := ref.(tarball.ConfigUpdater).ConfigUpdate(cfg, nil); err != nil {
		return nil, fmt.Errorf("importing %s: %w", path, err)
	}
	img, err := s.copyIn(ctx, s.systemContext(), ref, named, opts.Progress)
	if err != nil {
		return nil, fmt.Errorf("importing %s: %w", path, err)
	}
	return img, nil
}

// ImportReader is Import for a stream such as stdin, buffered to a
// temporary file first.
func (s *Service) ImportReader(ctx context.Context, r io.Reader, opts ImportOptions) (*Image, error) {
	release, err := s.holdScratch(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	f, err := os.CreateTemp(s.sys.BigFilesTemporaryDir, "pm-import-*.tar")
	if err != nil {
		return nil, fmt.Errorf("buffering input: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := io.Copy(f, r); err != nil {
		return nil, fmt.Errorf("buffering input: %w", err)
	}
	return s.Import(ctx, f.Name(), opts)
}
