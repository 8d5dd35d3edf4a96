package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// DiskUsage is pm system df's report: each image, container and volume
// with its size, the build cache's images, and the bytes of all image
// layers, each counted once.
type DiskUsage struct {
	Images     []ImageDiskUsage
	Containers []ContainerDiskUsage
	Volumes    []VolumeDiskUsage
	BuildCache []BuildCacheUsage
	LayersSize int64
}

// BuildCacheUsage is one image of the build cache (a build step's) in
// DiskUsage: its ID, the bytes of its own layer, when it was made, whether
// a container uses it and whether another image has its layer too.
type BuildCacheUsage struct {
	ID      string
	Size    int64
	Created time.Time
	InUse   bool
	Shared  bool
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
	Volumes                     []string // the names of the volumes it mounts
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
	layers, err := e.rt.ImageLayers()
	if err != nil {
		return nil, err
	}
	users := map[string]int{} // layer -> how many images have it
	for _, ls := range layers.Layers {
		for _, l := range ls {
			users[l]++
		}
	}
	for _, n := range layers.LayerSize {
		du.LayersSize += n
	}
	cached := e.buildCacheImages()
	for _, im := range imgs {
		var shared int64
		for _, l := range layers.Layers[im.ID] {
			if users[l] > 1 {
				shared += layers.LayerSize[l]
			}
		}
		im.SharedSize = shared
		if cached[im.ID] {
			// Its own layer; shared when a named image has it too.
			own, sharedTop := int64(0), len(im.RepoTags) > 0
			if ls := layers.Layers[im.ID]; len(ls) > 0 {
				own, sharedTop = layers.LayerSize[ls[0]], sharedTop || users[ls[0]] > 1
			}
			du.BuildCache = append(du.BuildCache, BuildCacheUsage{ID: im.ID, Size: own, Created: im.CreatedAt,
				InUse: im.Containers > 0, Shared: sharedTop})
		}
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
		var names []string
		for _, m := range c.Config.Mounts {
			if m.Type == "volume" {
				vols++
				names = append(names, m.Name)
			}
		}
		du.Containers = append(du.Containers, ContainerDiskUsage{
			ContainerID: c.ID(), Image: c.Config.Image.Name, ImageID: c.Config.Image.ID, Command: strings.Join(append(append([]string{}, c.Config.Entrypoint...), c.Config.Command...), " "),
			LocalVolumes: vols, Volumes: names, Size: e.rt.ContainerDiskSize(c), Created: c.Config.Created,
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
	Filters []string // until=, label=, label!= (containers, images, volumes)
}

// SystemPruneReport says what SystemPrune removed and the space freed.
type SystemPruneReport struct {
	Containers []string
	Images     []string
	Volumes    []string
	// Orphans are the storage containers, incomplete images and layers
	// nothing referred to (what pm processes killed at the wrong moment
	// left).
	Orphans   []string
	Reclaimed int64 // bytes, measured on disk before and after
}

// SystemPrune removes what killed pm processes left (orphan layers,
// storage containers and manifest-less images, temporary files, lock and
// exit files of removed containers), then stopped containers, dangling
// (with All: unused) images and, with Volumes, unused volumes, each
// through its own prune with the same filters.
func (e *Engine) SystemPrune(ctx context.Context, req SystemPruneRequest) (*SystemPruneReport, error) {
	// Checked up front, so a bad filter removes nothing.
	if _, err := parsePruneFilter("system", req.Filters, "label", "label!", "until"); err != nil {
		return nil, err
	}
	if _, err := e.rt.Store(); err != nil {
		return nil, err
	}
	before := e.rt.StorageUsage()
	rep := &SystemPruneReport{}
	var errs []error
	removed := func(what string, pr *PruneReport, err error) []string {
		if err != nil {
			errs = append(errs, fmt.Errorf("pruning %s: %w", what, err))
		}
		if pr == nil {
			return nil
		}
		return pr.Removed
	}
	// Orphans first: what a killed pm left half-made (an image without
	// its manifest) would fail the prunes that read it.
	orphans, err := e.rt.ReclaimOrphans(ctx)
	if err != nil {
		errs = append(errs, fmt.Errorf("reclaiming orphaned storage: %w", err))
	}
	if orphans != nil {
		rep.Orphans = append(append(orphans.Containers, orphans.Images...), orphans.Layers...)
	}
	pr, err := e.ContainerPrune(ctx, req.Filters)
	rep.Containers = removed("containers", pr, err)
	pr, err = e.ImagePrune(ctx, ImagePruneRequest{All: req.All, Filters: req.Filters})
	rep.Images = removed("images", pr, err)
	if req.Volumes {
		pr, err = e.VolumePrune(ctx, VolumePruneRequest{Filters: req.Filters})
		rep.Volumes = removed("volumes", pr, err)
	}
	// What the disk holds less: what pm removed, shared layers and
	// orphans counted as they are, not as df sums them.
	rep.Reclaimed = max(before-e.rt.StorageUsage(), 0)
	return rep, errors.Join(errs...)
}
