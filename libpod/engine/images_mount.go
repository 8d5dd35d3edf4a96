package engine

import (
	"context"

	"github.com/pm-project/pm/libpod/image"
)

// ImageMountReport is one mounted image.
type ImageMountReport struct {
	ID         string
	Digest     string
	RepoTags   []string
	Mountpoint string
}

// ImageMount mounts the named images' root filesystems read-only, or every
// image of the writable store with all; with neither, it lists the images
// that are mounted. A missing image fails the whole command before any mount.
func (e *Engine) ImageMount(ctx context.Context, names []string, all bool) ([]ImageMountReport, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return nil, err
	}
	imgs, err := mountTargets(ctx, svc, names)
	if err != nil {
		return nil, err
	}
	listOnly := !all && len(names) == 0
	var out []ImageMountReport
	for _, img := range imgs {
		var mp string
		switch {
		case listOnly:
			if mp, err = img.Mountpoint(); err != nil {
				return out, err
			}
			if mp == "" {
				continue
			}
		case all && (img.ReadOnly() || img.TopLayer() == ""):
			continue // nothing to mount: a read-only store's image or a manifest list
		default:
			if mp, err = img.Mount(); err != nil {
				return out, err
			}
		}
		out = append(out, ImageMountReport{ID: img.ID(), Digest: img.Digest(), RepoTags: img.RepoTags(), Mountpoint: mp})
	}
	return out, nil
}

// ImageUnmountReport is one image ImageUnmount acted on: Err is its failure.
type ImageUnmountReport struct {
	ID  string
	Err error
}

// ImageUnmount takes back one mount of each named image (every mounted
// image with all), or all of its mounts with force. Images that are not
// mounted are left out of the reports.
func (e *Engine) ImageUnmount(ctx context.Context, names []string, all, force bool) ([]ImageUnmountReport, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return nil, err
	}
	imgs, err := mountTargets(ctx, svc, names)
	if err != nil {
		return nil, err
	}
	var out []ImageUnmountReport
	for _, img := range imgs {
		mp, err := img.Mountpoint()
		if err == nil && mp == "" {
			continue
		}
		if err == nil {
			err = img.Unmount(force)
		}
		out = append(out, ImageUnmountReport{ID: img.ID(), Err: err})
	}
	return out, nil
}

// mountTargets returns the named images, or every image when there are no
// names.
func mountTargets(ctx context.Context, svc *image.Service, names []string) ([]*image.Image, error) {
	if len(names) == 0 {
		return svc.List(ctx)
	}
	out := make([]*image.Image, 0, len(names))
	for _, n := range names {
		img, err := svc.Lookup(n)
		if err != nil {
			return nil, err
		}
		out = append(out, img)
	}
	return out, nil
}
