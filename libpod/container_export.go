package libpod

import (
	"context"
	"fmt"
	"io"

	"github.com/pm-project/pm/libpod/internal/fscopy"
)

// ExportContainer writes the container's root filesystem to w as a tar
// stream, with ownership and modes as seen inside the container. The
// filesystem is mounted for the export, whether the container runs or not.
func (r *Runtime) ExportContainer(ctx context.Context, idOrName string, w io.Writer) error {
	return r.withRootfs(ctx, idOrName, func(c *Container, root string) error {
		if err := fscopy.WriteTar(w, root, "/", "", false); err != nil {
			return fmt.Errorf("exporting container %s: %w", c.Name(), err)
		}
		return nil
	})
}
