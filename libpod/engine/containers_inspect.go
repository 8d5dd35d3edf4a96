package engine

import (
	"context"
	"errors"

	"github.com/pm-project/pm/libpod/define"
)

// ContainerInspect returns the inspect data of the containers named by
// names, in order. It reports the ones it finds and returns the errors of
// the others joined.
func (e *Engine) ContainerInspect(ctx context.Context, names []string, size bool) ([]*define.InspectContainerData, error) {
	var out []*define.InspectContainerData
	var errs []error
	for _, n := range names {
		d, err := e.rt.InspectContainerData(ctx, n, size)
		if err != nil {
			if errors.Is(err, define.ErrNoSuchCtr) {
				err = define.Errorf(define.ErrNoSuchCtr, "no such container %s", n)
			}
			errs = append(errs, err)
			continue
		}
		out = append(out, d)
	}
	return out, errors.Join(errs...)
}

// Inspect returns the inspect data of each name: a container, else an
// image (typ "all" or ""), or only one kind (typ "container" or "image").
// Items are *define.InspectContainerData or ImageInspect; the errors of
// the names not found are joined.
func (e *Engine) Inspect(ctx context.Context, names []string, typ string, size bool) ([]any, error) {
	switch typ {
	case "", "all", "container", "image":
	default:
		return nil, define.Invalidf("invalid --type %q: use container, image or all", typ)
	}
	var out []any
	var errs []error
	for _, n := range names {
		if typ != "image" {
			d, err := e.rt.InspectContainerData(ctx, n, size)
			if err == nil {
				out = append(out, d)
				continue
			}
			if !errors.Is(err, define.ErrNoSuchCtr) {
				errs = append(errs, err)
				continue
			}
			if typ == "container" {
				errs = append(errs, define.Errorf(define.ErrNoSuchCtr, "no such container %s", n))
				continue
			}
		}
		imgs, err := e.ImageInspect(ctx, []string{n})
		if err == nil && len(imgs) == 1 {
			out = append(out, imgs[0])
			continue
		}
		switch {
		case typ == "image" && (err == nil || errors.Is(err, define.ErrNoSuchImage)):
			errs = append(errs, define.Errorf(define.ErrNoSuchImage, "no such image %s", n))
		case err == nil || errors.Is(err, define.ErrNotFound):
			errs = append(errs, define.Errorf(define.ErrNotFound, "inspecting object: no such object: %q", n))
		default:
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}
