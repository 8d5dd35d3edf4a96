package libpod

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/image"
	"go.podman.io/storage"
	"go.podman.io/storage/pkg/archive"
)

// CommitOptions tune CommitContainer.
type CommitOptions struct {
	Reference string   // name of the new image; "" leaves it unnamed
	Changes   []string // Dockerfile instructions applied to the config
	Author    string
	Message   string
	Pause     bool // freeze a running container while its layer is read
	Docker    bool // Docker schema 2 manifest instead of OCI
	// Set, when non-nil, is the new image's whole run configuration (a
	// build step's): the container's and Changes are not used.
	Set *image.RunConfig
	// CreatedBy is the history's account of the step; "" is the
	// container's command.
	CreatedBy string
}

// CommitContainer makes a new image of the container's image layers and
// the container's own changes, with the image's config updated by the
// container's command, environment, labels, working directory and user,
// then by Changes.
func (r *Runtime) CommitContainer(ctx context.Context, idOrName string, opts CommitOptions) (*image.Image, error) {
	c, err := r.LookupContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	if opts.Pause && c.State.Status == define.StatusRunning {
		if _, err := r.PauseContainer(ctx, c.ID()); err != nil {
			return nil, err
		}
		defer func() {
			if _, err := r.UnpauseContainer(context.WithoutCancel(ctx), c.ID()); err != nil {
				slog.Warn("unpausing after commit", "container", c.ID(), "err", err)
			}
		}()
	}
	layerID, err := r.storageLayer(c)
	if err != nil {
		return nil, err
	}
	svc, err := r.Images()
	if err != nil {
		return nil, err
	}
	var parent *image.Image
	if c.Config.Image.ID != "" {
		if parent, err = svc.Lookup(c.Config.Image.ID); err != nil {
			return nil, fmt.Errorf("finding image of container %s: %w", c.Name(), err)
		}
	}
	store, err := r.Store()
	if err != nil {
		return nil, err
	}
	comp := archive.Uncompressed
	diff, err := store.Diff("", layerID, &storage.DiffOptions{Compression: &comp})
	if err != nil {
		return nil, fmt.Errorf("reading changes of container %s: %w", c.Name(), err)
	}
	// The diff holds storage's layer lock while open, and storing the new
	// layer needs it: spool the diff to a file first.
	scratch, release, err := r.HoldScratch(ctx)
	if err != nil {
		diff.Close()
		return nil, err
	}
	defer release()
	spool, err := os.CreateTemp(scratch, "commit-*.tar")
	if err != nil {
		diff.Close()
		return nil, fmt.Errorf("spooling changes of container %s: %w", c.Name(), err)
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	_, err = io.Copy(spool, diff)
	if cerr := diff.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		_, err = spool.Seek(0, io.SeekStart)
	}
	if err != nil {
		return nil, fmt.Errorf("spooling changes of container %s: %w", c.Name(), err)
	}
	createdBy := opts.CreatedBy
	if createdBy == "" {
		createdBy = strings.Join(append(append([]string{}, c.Config.Entrypoint...), c.Config.Command...), " ")
	}
	img, err := svc.Commit(ctx, image.CommitOptions{
		Reference: opts.Reference,
		Parent:    parent,
		Config: imgspecv1.ImageConfig{
			Entrypoint: c.Config.Entrypoint, Cmd: c.Config.Command,
			Env: c.Config.Env, Labels: c.Config.Labels,
			WorkingDir: c.Config.WorkDir, User: c.Config.User,
		},
		Changes:   opts.Changes,
		Set:       opts.Set,
		Author:    opts.Author,
		Message:   opts.Message,
		CreatedBy: createdBy,
		Docker:    opts.Docker,
		Diff:      spool,
	})
	if err != nil {
		return nil, fmt.Errorf("committing container %s: %w", c.Name(), err)
	}
	return img, nil
}
