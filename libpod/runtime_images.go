package libpod

import (
	"context"

	"github.com/pm-project/pm/libpod/image"
)

// Images returns the image service over the runtime's store, opening the
// store if needed.
func (r *Runtime) Images() (*image.Service, error) {
	store, err := r.Store()
	if err != nil {
		return nil, err
	}
	policy, err := r.Policy()
	if err != nil {
		return nil, err
	}
	search, err := r.cfg.SearchRegistries()
	if err != nil {
		return nil, err
	}
	return image.New(store, r.SystemContext(), policy, search).WithScratch(r.scratchDir(), func(ctx context.Context) (func(), error) {
		_, release, err := r.HoldScratch(ctx)
		return release, err
	}), nil
}

// Registries returns an image service for registry-only work (login,
// logout) that never opens storage.
func (r *Runtime) Registries() (*image.Service, error) {
	policy, err := r.Policy()
	if err != nil {
		return nil, err
	}
	return image.New(nil, r.SystemContext(), policy, nil), nil
}
