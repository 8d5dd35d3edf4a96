package engine

import (
	"context"
	"io"

	"github.com/pm-project/pm/libpod"
)

// CopyEnd is one side of a copy: a path in Container, or on the host when
// Container is ""; Path "-" on the host side is a tar stream.
type CopyEnd = libpod.CopyEnd

// ContainerCopyRequest says what ContainerCopy copies where.
type ContainerCopyRequest struct {
	Source, Dest CopyEnd
	// Archive owns what lands in a container by the container's user;
	// without it the source's ids are kept (CLI default true).
	Archive bool
	// FollowLink follows a symlink named by a host source path.
	FollowLink bool
	// Overwrite lets a directory replace a non-directory and the reverse.
	Overwrite bool
	Stdin     io.Reader // the tar stream when Source is "-"
	Stdout    io.Writer // receives the tar stream when Dest is "-"
}

// ContainerCopy copies files between a container and the host (or a tar
// stream, or another container).
func (e *Engine) ContainerCopy(ctx context.Context, req ContainerCopyRequest) error {
	return e.rt.Copy(ctx, req.Source, req.Dest, req.Stdin, req.Stdout, libpod.CopyOptions{
		Archive: req.Archive, Follow: req.FollowLink, Overwrite: req.Overwrite,
	})
}
