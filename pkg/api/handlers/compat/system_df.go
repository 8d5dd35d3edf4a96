package compat

import (
	"net/http"
	"time"

	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

// df is /system/df in Docker's shape: images with their shared and own
// sizes, containers with their volume mounts, volumes with their usage
// and the build cache's step images as build cache records. type (API
// 1.42) limits the answer to some of them.
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
	du, err := a.eng.SystemDf(r.Context())
	if err != nil {
		return err
	}
	out := map[string]any{}
	cache := map[string]bool{}
	if want["build-cache"] {
		recs := []map[string]any{}
		for _, b := range du.BuildCache {
			recs = append(recs, map[string]any{"ID": b.ID, "Parents": []string{}, "Type": "regular",
				"Description": "pm build step", "InUse": b.InUse, "Shared": b.Shared, "Size": b.Size,
				"CreatedAt": b.Created.Format(time.RFC3339Nano), "LastUsedAt": b.Created.Format(time.RFC3339Nano), "UsageCount": 0})
		}
		out["BuildCache"] = recs
	}
	for _, b := range du.BuildCache {
		cache[b.ID] = true
	}
	if want["image"] {
		imgs := []map[string]any{}
		for _, i := range du.Images {
			if cache[i.ImageID] && i.Repository == "<none>" {
				continue // a build step's, counted as build cache
			}
			tags := []string{}
			if i.Repository != "<none>" && i.Repository != "" {
				tags = append(tags, i.Repository+":"+i.Tag)
			}
			m := map[string]any{"Id": sha(i.ImageID), "ParentId": "", "RepoTags": tags, "RepoDigests": []string{},
				"Created": i.Created.Unix(), "Size": i.Size, "SharedSize": i.SharedSize, "Labels": map[string]string{},
				"Containers": i.Containers}
			if !versionAtLeast(r, "1.44") {
				m["VirtualSize"] = i.Size
			}
			imgs = append(imgs, m)
		}
		out["Images"] = imgs
		out["LayersSize"] = du.LayersSize
	}
	if want["container"] {
		status := map[string]string{}
		if list, err := a.eng.ContainerList(r.Context(), engine.ContainerListRequest{All: true}); err == nil {
			for _, c := range list {
				status[c.ID] = c.DockerStatus
			}
		}
		ctrs := []map[string]any{}
		for _, c := range du.Containers {
			mounts := []map[string]any{}
			for _, v := range c.Volumes {
				mounts = append(mounts, map[string]any{"Type": "volume", "Name": v, "Driver": "local"})
			}
			ctrs = append(ctrs, map[string]any{"Id": c.ContainerID, "Names": []string{"/" + c.Names}, "Image": c.Image,
				"ImageID": sha(c.ImageID), "Command": c.Command, "Created": c.Created.Unix(), "Ports": []any{},
				"SizeRw": c.Size, "SizeRootFs": 0, "Labels": map[string]string{}, "State": dockerStatus(c.Status),
				"Status": status[c.ContainerID], "HostConfig": map[string]string{"NetworkMode": "default"},
				"NetworkSettings": map[string]any{"Networks": map[string]any{}}, "Mounts": mounts})
		}
		out["Containers"] = ctrs
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
		vols := []map[string]any{}
		for _, v := range list {
			m := dockerVolume(v)
			u := usage[v.Name]
			m["UsageData"] = map[string]int64{"Size": u.Size, "RefCount": int64(u.Links)}
			vols = append(vols, m)
		}
		out["Volumes"] = vols
	}
	return handlers.WriteJSON(w, http.StatusOK, out)
}
