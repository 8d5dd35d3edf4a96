package engine

import (
	"context"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/oci"
)

// ContainerCheckpoint would checkpoint containers with CRIU through the
// OCI runtime. pm refuses it, naming why: rootless CRIU cannot checkpoint
// (as in Podman); as root, when CRIU cannot run on this host, its own
// reason; and where it can, that pm does not implement checkpoints.
// Nothing is changed.
func (e *Engine) ContainerCheckpoint(ctx context.Context, names []string) error {
	return e.refuseCRIU(ctx, names, "checkpointing")
}

// ContainerRestore would restore checkpointed containers; it refuses as
// ContainerCheckpoint does.
func (e *Engine) ContainerRestore(ctx context.Context, names []string) error {
	return e.refuseCRIU(ctx, names, "restoring")
}

func (e *Engine) refuseCRIU(ctx context.Context, names []string, doing string) error {
	if e.rt.Config().Rootless {
		return define.Errorf(define.ErrUnsupported, "%s a container requires root: CRIU cannot checkpoint or restore the processes of a rootless container", doing)
	}
	for _, n := range names {
		if _, err := e.rt.LookupContainer(ctx, n); err != nil {
			return err
		}
	}
	if err := oci.CRIUCheck(ctx); err != nil {
		return define.Errorf(define.ErrUnsupported, "%s a container requires CRIU, which cannot run on this host: %v", doing, err)
	}
	return define.Errorf(define.ErrUnsupported, "%s a container: pm does not implement CRIU checkpoint and restore", doing)
}
