package compat

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/blkiodev"
	"github.com/moby/moby/api/types/container"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
	"github.com/pm-project/pm/pkg/specgen"
)

// updateApplied are the fields of Docker's update body (the module's
// UpdateConfig) that pm applies; any other field with a value that is not
// zero is refused, as pm cannot change it. Docker's clients send every
// field, zero for "leave it": only non-zero values change anything.
var updateApplied = map[string]bool{
	"RestartPolicy": true, "Memory": true, "MemoryReservation": true, "MemorySwap": true, "MemorySwappiness": true,
	"CpuShares": true, "CpuPeriod": true, "CpuQuota": true, "NanoCpus": true, "CpuRealtimePeriod": true,
	"CpuRealtimeRuntime": true, "CpusetCpus": true, "CpusetMems": true, "PidsLimit": true, "BlkioWeight": true,
	"BlkioWeightDevice": true, "BlkioDeviceReadBps": true, "BlkioDeviceWriteBps": true,
	"BlkioDeviceReadIOps": true, "BlkioDeviceWriteIOps": true,
}

// containerUpdate applies Docker's update body: the restart policy and
// the resource limits, through the engine as `pm update` does (live on a
// running container, kept for its next start; a host without cgroups for
// the user warns). A field pm cannot change is refused and nothing
// changes.
func (a *api) containerUpdate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var raw map[string]json.RawMessage
	if err := handlers.DecodeJSON(r, &raw); err != nil {
		return err
	}
	var refused []string
	for k, v := range raw {
		if !updateApplied[k] && !zeroJSON(v) {
			refused = append(refused, k)
		}
	}
	if len(refused) > 0 {
		sort.Strings(refused)
		return handlers.BadRequest("pm cannot change %s of a created container", strings.Join(refused, ", "))
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	var body container.UpdateConfig
	if err := json.Unmarshal(b, &body); err != nil {
		return handlers.BadRequest("invalid update body: %v", err)
	}
	var req engine.ContainerUpdateRequest
	if rp := body.RestartPolicy; rp.Name != "" || rp.MaximumRetryCount != 0 {
		if rp.MaximumRetryCount < 0 {
			return handlers.BadRequest("invalid RestartPolicy: MaximumRetryCount %d is negative", rp.MaximumRetryCount)
		}
		spec := string(rp.Name)
		if rp.Name == "on-failure" && rp.MaximumRetryCount > 0 {
			spec += ":" + strconv.Itoa(rp.MaximumRetryCount)
		} else if rp.MaximumRetryCount > 0 {
			return handlers.BadRequest("invalid RestartPolicy: MaximumRetryCount only applies to on-failure")
		}
		req.Restart = &spec
	}
	u, err := updateResources(&body.Resources)
	if err != nil {
		return err
	}
	req.Resources = u
	rep, err := a.eng.ContainerUpdate(r.Context(), id, req)
	if err != nil {
		return noSuchContainer(err, id)
	}
	return handlers.WriteJSON(w, http.StatusOK, container.UpdateResponse{Warnings: nonNil(rep.Warnings)})
}

// updateResources turns an update body's non-zero limits into a
// ResourceUpdate.
func updateResources(b *container.Resources) (*specgen.ResourceUpdate, error) {
	u := &specgen.ResourceUpdate{}
	set := func(v int64, dst **int64) {
		if v != 0 {
			*dst = &v
		}
	}
	set(b.Memory, &u.Memory)
	set(b.MemoryReservation, &u.MemoryReservation)
	set(b.MemorySwap, &u.MemorySwap)
	set(b.CPUQuota, &u.CPUQuota)
	set(b.CPURealtimeRuntime, &u.CPURtRuntime)
	for _, v := range []struct {
		name string
		n    int64
		dst  **uint64
	}{{"CpuShares", b.CPUShares, &u.CPUShares}, {"CpuPeriod", b.CPUPeriod, &u.CPUPeriod}, {"CpuRealtimePeriod", b.CPURealtimePeriod, &u.CPURtPeriod}} {
		if v.n < 0 {
			return nil, handlers.BadRequest("invalid %s %d: must not be negative", v.name, v.n)
		}
		if v.n > 0 {
			n := uint64(v.n)
			*v.dst = &n
		}
	}
	if sw := b.MemorySwappiness; sw != nil && *sw != -1 {
		if *sw < 0 || *sw > 100 {
			return nil, handlers.BadRequest("invalid MemorySwappiness %d: must be between 0 and 100", *sw)
		}
		n := uint64(*sw)
		u.MemorySwappiness = &n
	}
	if b.NanoCPUs < 0 {
		return nil, handlers.BadRequest("invalid NanoCpus %d: must not be negative", b.NanoCPUs)
	}
	if b.NanoCPUs > 0 {
		c := float64(b.NanoCPUs) / 1e9
		u.CPUs = &c
	}
	if b.CpusetCpus != "" {
		u.CpusetCPUs = &b.CpusetCpus
	}
	if b.CpusetMems != "" {
		u.CpusetMems = &b.CpusetMems
	}
	if b.PidsLimit != nil && *b.PidsLimit != 0 {
		u.PidsLimit = b.PidsLimit
	}
	if b.BlkioWeight != 0 {
		u.BlkioWeight = &b.BlkioWeight
	}
	for _, d := range b.BlkioWeightDevice {
		if d != nil {
			u.BlkioWeightDevice = append(u.BlkioWeightDevice, specgen.WeightDevice{Path: d.Path, Weight: d.Weight})
		}
	}
	for _, t := range []struct {
		from []*blkiodev.ThrottleDevice
		to   *[]specgen.ThrottleDevice
	}{
		{b.BlkioDeviceReadBps, &u.DeviceReadBps}, {b.BlkioDeviceWriteBps, &u.DeviceWriteBps},
		{b.BlkioDeviceReadIOps, &u.DeviceReadIOps}, {b.BlkioDeviceWriteIOps, &u.DeviceWriteIOps},
	} {
		for _, d := range t.from {
			if d != nil {
				*t.to = append(*t.to, specgen.ThrottleDevice{Path: d.Path, Rate: d.Rate})
			}
		}
	}
	if u.Empty() {
		return nil, nil
	}
	return u, nil
}

// zeroJSON reports whether a JSON value is its type's zero (or null).
func zeroJSON(v json.RawMessage) bool {
	switch strings.TrimSpace(string(v)) {
	case "null", "0", `""`, "[]", "{}", "false":
		return true
	}
	return false
}
