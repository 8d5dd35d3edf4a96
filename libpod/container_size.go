package libpod

import "fmt"

// ContainerSizes returns the size of a container's writable layer and of
// its whole root filesystem (the writable layer on top of its image).
func (r *Runtime) ContainerSizes(id, imageID string) (rw, rootfs int64, err error) {
	store, err := r.Store()
	if err != nil {
		return 0, 0, err
	}
	rw, err = store.ContainerSize(id)
	if err != nil {
		return 0, 0, fmt.Errorf("measuring container %s: %w", id, err)
	}
	img, err := store.ImageSize(imageID)
	if err != nil {
		// An image removed under the container counts as nothing.
		img = 0
	}
	return rw, rw + img, nil
}
