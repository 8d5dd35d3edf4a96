package compat

import (
	"net/http"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/api/types/volume"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

// legacyDiskUsage is /system/df before API 1.52 (and beside the new
// fields in 1.52): flat lists, which the module no longer describes.
type legacyDiskUsage struct {
	LayersSize int64               `json:"LayersSize,omitempty"`
	Images     []any               `json:"Images,omitzero"`
	Containers []container.Summary `json:"Containers,omitzero"`
	Volumes    []volume.Volume     `json:"Volumes,omitzero"`
	BuildCache []build.CacheRecord `json:"BuildCache,omitzero"`
}

// df is /system/df in Docker's shape: images with their shared and own
// sizes, containers with their volume mounts, volumes with their usage
// and the build cache's step images as build cache records. type (API
// 1.42) limits the answer to some of them. From API 1.52 each kind is a
// summary with its items only when verbose is set; before, flat lists.
func (a *api) df(w http.ResponseWriter, r *http.Request) error {
	want := map[string]bool{"container": true, "image": true, "volume": true, "build-cache": true}
	if types := r.URL.Query()["type"]; len(types) > 0 && versionAtLeast(r, "1.42") {
		for k := range want {
			want[k] = false
		}
		for _, t := range types {
			if _, ok := want[t]; !ok {
				return handlers.BadRequest("invalid type %q: use container, image, volume or build-cache", t)
			}
			want[t] = true
		}
	}
	verbose, err := handlers.QueryBool(r, "verbose", false)
	if err != nil {
		return err
	}
	du, err := a.eng.SystemDf(r.Context())
	if err != nil {
		return err
	}
	var old legacyDiskUsage
	var cur system.DiskUsage
	cache := map[string]bool{}
	for _, b := range du.BuildCache {
		cache[b.ID] = true
	}
	if want["build-cache"] {
		recs := []build.CacheRecord{}
		for _, b := range du.BuildCache {
			used := b.Created
			recs = append(recs, build.CacheRecord{ID: b.ID, Type: "regular", Description: "pm build step",
				InUse: b.InUse, Shared: b.Shared, Size: b.Size, CreatedAt: b.Created, LastUsedAt: &used})
		}
		old.BuildCache = recs
		cur.BuildCacheUsage = buildCacheUsage(recs)
	}
	if want["image"] {
		imgs := []image.Summary{}
		for _, i := range du.Images {
			if cache[i.ImageID] && i.Repository == "<none>" {
				continue // a build step's, counted as build cache
			}
			tags := []string{}
			if i.Repository != "<none>" && i.Repository != "" {
				tags = append(tags, i.Repository+":"+i.Tag)
			}
			imgs = append(imgs, image.Summary{ID: sha(i.ImageID), RepoTags: tags, RepoDigests: []string{},
				Created: i.Created.Unix(), Size: i.Size, SharedSize: i.SharedSize, Labels: map[string]string{},
				Containers: int64(i.Containers)})
		}
		for _, i := range imgs {
			if versionAtLeast(r, "1.44") {
				old.Images = append(old.Images, i)
				continue
			}
			m, err := withFields(i, map[string]any{"VirtualSize": i.Size}) // removed in API 1.44
			if err != nil {
				return err
			}
			old.Images = append(old.Images, m)
		}
		if old.Images == nil {
			old.Images = []any{}
		}
		old.LayersSize = du.LayersSize
		cur.ImageUsage = imageUsage(imgs, du.LayersSize)
	}
	if want["container"] {
		status := map[string]string{}
		if list, err := a.eng.ContainerList(r.Context(), engine.ContainerListRequest{All: true}); err == nil {
			for _, c := range list {
				status[c.ID] = c.DockerStatus
			}
		}
		ctrs := []container.Summary{}
		for _, c := range du.Containers {
			mounts := []container.MountPoint{}
			for _, v := range c.Volumes {
				mounts = append(mounts, container.MountPoint{Type: "volume", Name: v, Driver: "local"})
			}
			s := container.Summary{ID: c.ContainerID, Names: []string{"/" + c.Names}, Image: c.Image,
				ImageID: sha(c.ImageID), Command: c.Command, Created: c.Created.Unix(), Ports: []container.PortSummary{},
				SizeRw: c.Size, Labels: map[string]string{}, State: container.ContainerState(dockerStatus(c.Status)),
				Status: status[c.ContainerID], NetworkSettings: &container.NetworkSettingsSummary{}, Mounts: mounts}
			s.HostConfig.NetworkMode = "default"
			ctrs = append(ctrs, s)
		}
		old.Containers = ctrs
		cur.ContainerUsage = containerUsage(ctrs)
	}
	if want["volume"] {
		usage := map[string]engine.VolumeDiskUsage{}
		for _, v := range du.Volumes {
			usage[v.VolumeName] = v
		}
		list, err := a.eng.VolumeList(r.Context(), nil)
		if err != nil {
			return err
		}
		vols := []volume.Volume{}
		for _, v := range list {
			m := dockerVolume(v)
			u := usage[v.Name]
			m.UsageData = &volume.UsageData{Size: u.Size, RefCount: int64(u.Links)}
			vols = append(vols, m)
		}
		old.Volumes = vols
		cur.VolumeUsage = volumeUsage(vols)
	}
	switch {
	case !versionAtLeast(r, "1.52"):
		return handlers.WriteJSON(w, http.StatusOK, old)
	case !verbose:
		dropItems(&cur)
	}
	if versionAtLeast(r, "1.53") || verbose {
		return handlers.WriteJSON(w, http.StatusOK, cur)
	}
	// 1.52 answers both shapes.
	both := struct {
		legacyDiskUsage
		system.DiskUsage
	}{old, cur}
	return handlers.WriteJSON(w, http.StatusOK, both)
}

// dropItems leaves only the summaries, as Docker answers without verbose.
func dropItems(du *system.DiskUsage) {
	if du.ImageUsage != nil {
		du.ImageUsage.Items = nil
	}
	if du.ContainerUsage != nil {
		du.ContainerUsage.Items = nil
	}
	if du.VolumeUsage != nil {
		du.VolumeUsage.Items = nil
	}
	if du.BuildCacheUsage != nil {
		du.BuildCacheUsage.Items = nil
	}
}

// imageUsage counts images as Docker does: active ones are used by a
// container, an unused one's own (unshared) size is reclaimable.
func imageUsage(imgs []image.Summary, layers int64) *image.DiskUsage {
	u := &image.DiskUsage{TotalSize: layers, TotalCount: int64(len(imgs)), Items: imgs}
	for _, i := range imgs {
		switch {
		case i.Containers > 0:
			u.ActiveCount++
		case i.Containers == 0 && i.Size != -1 && i.SharedSize != -1:
			u.Reclaimable += i.Size - i.SharedSize
		}
	}
	return u
}

// containerUsage counts running, paused and restarting containers as
// active; the writable layers of the others are reclaimable.
func containerUsage(ctrs []container.Summary) *container.DiskUsage {
	u := &container.DiskUsage{TotalCount: int64(len(ctrs)), Items: ctrs}
	var used int64
	for _, c := range ctrs {
		u.TotalSize += c.SizeRw
		switch c.State {
		case container.StateRunning, container.StatePaused, container.StateRestarting:
			u.ActiveCount++
			used += c.SizeRw
		}
	}
	u.Reclaimable = u.TotalSize - used
	return u
}

// volumeUsage counts volumes some container uses as active; the others'
// sizes are reclaimable.
func volumeUsage(vols []volume.Volume) *volume.DiskUsage {
	u := &volume.DiskUsage{TotalCount: int64(len(vols)), Items: vols}
	var used int64
	for _, v := range vols {
		if v.UsageData == nil {
			continue
		}
		if v.UsageData.RefCount > 0 {
			u.ActiveCount++
			used += v.UsageData.Size
		}
		if v.UsageData.Size > 0 {
			u.TotalSize += v.UsageData.Size
		}
	}
	u.Reclaimable = u.TotalSize - used
	return u
}

// buildCacheUsage sums the build cache's records, shared ones once.
func buildCacheUsage(recs []build.CacheRecord) *build.DiskUsage {
	u := &build.DiskUsage{TotalCount: int64(len(recs)), Items: recs}
	var used int64
	for _, b := range recs {
		if !b.Shared {
			u.TotalSize += b.Size
		}
		if b.InUse {
			u.ActiveCount++
			if !b.Shared {
				used += b.Size
			}
		}
	}
	u.Reclaimable = u.TotalSize - used
	return u
}
