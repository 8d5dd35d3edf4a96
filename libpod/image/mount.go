package image

import (
	"errors"
	"fmt"

	stypes "go.podman.io/storage/types"
)

// Mount mounts the image's root filesystem read-only and returns where.
// Mounts are counted: each Mount needs an Unmount.
func (i *Image) Mount() (string, error) {
	mp, err := i.s.store.MountImage(i.img.ID, nil, "")
	if err != nil {
		return "", fmt.Errorf("mounting image %s: %w", short(i.img.ID), err)
	}
	return mp, nil
}

// Mountpoint returns where the image's root filesystem is mounted, "" when
// it is not (an image without layers never is).
func (i *Image) Mountpoint() (string, error) {
	if i.img.TopLayer == "" {
		return "", nil
	}
	n, err := i.s.store.Mounted(i.img.TopLayer)
	if err != nil {
		if errors.Is(err, stypes.ErrLayerUnknown) {
			return "", nil
		}
		return "", fmt.Errorf("checking mounts of image %s: %w", short(i.img.ID), err)
	}
	if n == 0 {
		return "", nil
	}
	l, err := i.s.store.Layer(i.img.TopLayer)
	if err != nil {
		return "", fmt.Errorf("reading top layer of image %s: %w", short(i.img.ID), err)
	}
	return l.MountPoint, nil
}

// Unmount takes back one mount of the image's root filesystem, or all of
// them with force.
func (i *Image) Unmount(force bool) error {
	if _, err := i.s.store.UnmountImage(i.img.ID, force); err != nil {
		return fmt.Errorf("unmounting image %s: %w", short(i.img.ID), err)
	}
	return nil
}
