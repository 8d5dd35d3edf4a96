package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// DiskUsage is pm system df's report: each image, container and volume
// with its size.
type DiskUsage struct {
	Images     []ImageDiskUsage
	Containers []ContainerDiskUsage
	Volumes    []VolumeDiskUsage
}

// ImageDiskUsage is one image in DiskUsage.
type ImageDiskUsage struct {
	Repository, Tag, ImageID string
	Created                  time.Time
	Size, SharedSize         int64
	UniqueSize               int64
	Containers               int
}

// ContainerDiskUsage is one container in DiskUsage.
type ContainerDiskUsage struct {
	ContainerID, Image, Command string
	ImageID                     string // the full ID of Image
	LocalVolumes                int
	Size                        int64
	Created                     time.Time
	Status, Names               string
	Active                      bool
}

// VolumeDiskUsage is one volume in DiskUsage.
type VolumeDiskUsage struct {
	VolumeName      string
	Links           int
	Size            int64
	ReclaimableSize int64
}

// SystemDf measures the space images, containers and volumes take.
func (e *Engine) SystemDf(ctx context.Context) (*DiskUsage, error) {
	du := &DiskUsage{}
	imgs, err := e.ImageList(ctx, ImageListRequest{All: true})
	if err != nil {
		return nil, err
	}
	for _, im := range imgs {
		repo, tag := "<none>", "<none>"
		if len(im.RepoTags) > 0 {
			if i := strings.LastIndex(im.RepoTags[0], ":"); i > 0 {
				repo, tag = im.RepoTags[0][:i], im.RepoTags[0][i+1:]
			}
		}
		du.Images = append(du.Images, ImageDiskUsage{
			Repository: repo, Tag: tag, ImageID: im.ID, Created: im.CreatedAt,
			Size: im.Size, SharedSize: im.SharedSize, UniqueSize: im.Size - im.SharedSize, Containers: im.Containers,
		})
	}
	cs, err := e.rt.Containers(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		vols := 0
		for _, m := range c.Config.Mounts {
			if m.Type == "volume" {
				vols++
			}
		}
		du.Containers = append(du.Containers, ContainerDiskUsage{
			ContainerID: c.ID(), Image: c.Config.Image.Name, ImageID: c.Config.Image.ID, Command: strings.Join(append(append([]string{}, c.Config.Entrypoint...), c.Config.Command...), " "),
			LocalVolumes: vols, Size: e.rt.ContainerDiskSize(c), Created: c.Config.Created,
			Status: string(c.State.Status), Names: c.Name(), Active: c.State.Status.Active(),
		})
	}
	usage, err := e.rt.VolumeUsage(ctx)
	if err != nil {
		return nil, err
	}
	vols, err := e.rt.Volumes(ctx)
	if err != nil {
		return nil, err
	}
	for _, v := range vols {
		size := e.rt.VolumeSize(v)
		vd := VolumeDiskUsage{VolumeName: v.Name(), Links: len(usage[v.Name()]), Size: size}
		if vd.Links == 0 {
			vd.ReclaimableSize = size
		}
		du.Volumes = append(du.Volumes, vd)
	}
	return du, nil
}

// SystemPruneRequest is pm system prune.
type SystemPruneRequest struct {
	All     bool     // every unused image, not only dangling ones
	Volumes bool     // also unused volumes
	Filters []string // until=, label= (containers, images, volumes)
}

// SystemPruneReport says what SystemPrune removed and the space freed.
type SystemPruneReport struct {
	Containers []string
	Images     []string
	Volumes    []string
	// Orphans are the storage containers and layers nothing referred to
	// (what pm processes killed at the wrong moment left).
	Orphans   []string
	Reclaimed int64 // bytes, measured on disk before and after
}

// SystemPrune removes stopped containers, dangling (with All: unused)
// images and, with Volumes, unused volumes; then what killed pm processes
// left (orphan layers and storage containers, temporary files, lock and
// exit files of removed containers).
func (e *Engine) SystemPrune(ctx context.Context, req SystemPruneRequest) (*SystemPruneReport, error) {
	var volFilters []string
	for _, f := range req.Filters {
		k, _, ok := strings.Cut(f, "=")
		if !ok || (k != "label" && k != "label!") {
			return nil, define.Invalidf("invalid --filter %q: system prune supports label= and label!=", f)
		}
		volFilters = append(volFilters, f)
	}
	if _, err := e.rt.Store(); err != nil {
		return nil, err
	}
	before := e.rt.StorageUsage()
	rep := &SystemPruneReport{}
	var errs []error
	var err error
	if rep.Containers, err = e.ContainerPrune(ctx); err != nil {
		errs = append(errs, fmt.Errorf("pruning containers: %w", err))
	}
	if rep.Images, err = e.ImagePrune(ctx, ImagePruneRequest{All: req.All}); err != nil {
		errs = append(errs, fmt.Errorf("pruning images: %w", err))
	}
	if req.Volumes {
		if rep.Volumes, err = e.VolumePrune(ctx, volFilters); err != nil {
			errs = append(errs, fmt.Errorf("pruning volumes: %w", err))
		}
	}
	orphans, err := e.rt.ReclaimOrphans(ctx)
	if err != nil {
		errs = append(errs, fmt.Errorf("reclaiming orphaned storage: %w", err))
	}
	if orphans != nil {
		rep.Orphans = append(orphans.Containers, orphans.Layers...)
	}
	// What the disk holds less: what pm removed, shared layers and
	// orphans counted as they are, not as df sums them.
	rep.Reclaimed = max(before-e.rt.StorageUsage(), 0)
	return rep, errors.Join(errs...)
}
