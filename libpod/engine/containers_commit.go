package engine

import (
	"context"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/image"
)

// ContainerCommitRequest says how ContainerCommit builds its image.
type ContainerCommitRequest struct {
	Container string
	Reference string   // image name; "" leaves it unnamed
	Changes   []string // Dockerfile instructions, as import --change
	Author    string
	Message   string
	Pause     bool
	Format    string // oci (default) or docker
}

// ContainerCommitReport carries the new image's ID.
type ContainerCommitReport struct {
	ID string
}

// ContainerCommit makes an image from a container's changes.
func (e *Engine) ContainerCommit(ctx context.Context, req ContainerCommitRequest) (*ContainerCommitReport, error) {
	docker := false
	switch req.Format {
	case "", "oci":
	case "docker":
		docker = true
	default:
		return nil, define.Invalidf("unrecognized image format %q: use oci or docker", req.Format)
	}
	img, err := e.rt.CommitContainer(ctx, req.Container, libpod.CommitOptions{
		Reference: req.Reference, Changes: req.Changes,
		Author: req.Author, Message: req.Message,
		Pause: req.Pause, Docker: docker,
	})
	if err != nil {
		return nil, err
	}
	return &ContainerCommitReport{ID: img.ID()}, nil
}

// ApplyImageChanges applies Dockerfile-style instructions ("CMD [\"sh\"]",
// "ENV A=1") to cfg, as commit's and import's --change do.
func ApplyImageChanges(cfg *imgspecv1.ImageConfig, changes []string) error {
	return image.ApplyChanges(cfg, changes)
}
