package engine

import (
	"context"
	"io"

	"github.com/pm-project/pm/libpod"
)

// ContainerMountReport is one mounted container.
type ContainerMountReport struct {
	ID         string
	Name       string
	Mountpoint string
}

// ContainerMount mounts a container's root filesystem and returns where.
func (e *Engine) ContainerMount(ctx context.Context, idOrName string) (*ContainerMountReport, error) {
	c, mp, err := e.rt.MountContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	return &ContainerMountReport{ID: c.ID(), Name: c.Name(), Mountpoint: mp}, nil
}

// ContainerMounted lists the containers whose root filesystem is mounted.
func (e *Engine) ContainerMounted(ctx context.Context) ([]ContainerMountReport, error) {
	ms, err := e.rt.MountedContainers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ContainerMountReport, 0, len(ms))
	for _, m := range ms {
		out = append(out, ContainerMountReport{ID: m.ID, Name: m.Name, Mountpoint: m.Mountpoint})
	}
	return out, nil
}

// ContainerUnmount takes back one mount of a container's root filesystem,
// or all of them with force; it returns the container's ID.
func (e *Engine) ContainerUnmount(ctx context.Context, idOrName string, force bool) (string, error) {
	c, err := e.rt.UnmountContainer(ctx, idOrName, force)
	if err != nil {
		return "", err
	}
	return c.ID(), nil
}

// ContainerExport writes a container's filesystem to w as a tar stream.
func (e *Engine) ContainerExport(ctx context.Context, idOrName string, w io.Writer) error {
	return e.rt.ExportContainer(ctx, idOrName, w)
}

// ContainerChange is one line of diff: Kind is A, C or D.
type ContainerChange = libpod.Change

// ContainerDiff lists the changes of a container's layer, or of an
// image's top layer; with against, relative to that container or image.
func (e *Engine) ContainerDiff(ctx context.Context, target, against string) ([]ContainerChange, error) {
	return e.rt.Changes(ctx, target, against)
}
