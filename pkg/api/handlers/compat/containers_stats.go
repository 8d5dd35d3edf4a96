package compat

import (
	"net/http"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

// statsInterval is how often a stream sends a reading, as Docker does.
const statsInterval = time.Second

func cpuOf(s *define.ContainerStats) container.CPUStats {
	var c container.CPUStats
	if s == nil {
		return c
	}
	c.CPUUsage.TotalUsage = s.CPUNano
	c.CPUUsage.UsageInKernelmode = s.CPUSystemNano
	c.CPUUsage.UsageInUsermode = s.CPUUserNano
	c.SystemUsage = s.HostCPUNano
	c.OnlineCPUs = uint32(s.OnlineCPUs)
	return c
}

// toDocker is a reading in the Docker API's shape; os_type (API 1.52)
// is left out before.
func toDocker(r *http.Request, s, prev *define.ContainerStats) container.StatsResponse {
	d := container.StatsResponse{
		Read: s.Time, Name: "/" + s.Name, ID: s.ID,
		PidsStats:   container.PidsStats{Current: s.PIDs},
		CPUStats:    cpuOf(s),
		PreCPUStats: cpuOf(prev),
		MemoryStats: container.MemoryStats{Usage: s.MemUsage, Limit: s.MemLimit},
	}
	if versionAtLeast(r, "1.52") {
		d.OSType = "linux"
	}
	if prev != nil {
		d.PreRead = prev.Time
	}
	if s.Source != "" {
		d.BlkioStats.IoServiceBytesRecursive = []container.BlkioStatEntry{
			{Op: "read", Value: s.BlockInput}, {Op: "write", Value: s.BlockOutput},
		}
		d.MemoryStats.Stats = map[string]uint64{}
	}
	for name, n := range s.Networks {
		if d.Networks == nil {
			d.Networks = map[string]container.NetworkStats{}
		}
		d.Networks[name] = container.NetworkStats{
			RxBytes: n.RxBytes, RxPackets: n.RxPackets, RxErrors: n.RxErrors, RxDropped: n.RxDropped,
			TxBytes: n.TxBytes, TxPackets: n.TxPackets, TxErrors: n.TxErrors, TxDropped: n.TxDropped,
		}
	}
	return d
}

// containerStats serves GET /containers/{id}/stats: a reading a second
// while streaming; without, one reading whose precpu_stats is a reading
// taken half a second before (none with one-shot), so that clients can
// compute CPU percentages, as Docker does. A container that is not running
// gets one reading of zeros.
func (a *api) containerStats(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	stream, err := handlers.QueryBool(r, "stream", true)
	if err != nil {
		return err
	}
	oneShot, err := handlers.QueryBool(r, "one-shot", false)
	if err != nil {
		return err
	}
	if oneShot && stream {
		return define.Invalidf("cannot have stream=true and one-shot=true")
	}
	req := engine.StatsRequest{Names: []string{id}}
	read := func(prev engine.Stats) (*define.ContainerStats, error) {
		list, err := a.eng.ContainerStats(r.Context(), req, prev)
		if err != nil {
			return nil, noSuchContainer(err, id)
		}
		return list[0], nil
	}
	prev := engine.Stats{}
	var last *define.ContainerStats
	s, err := read(prev)
	if err != nil {
		return err
	}
	if !stream && !oneShot && s.Source != "" {
		select {
		case <-r.Context().Done():
			return nil
		case <-time.After(statsInterval / 2):
		}
		last = s
		if s, err = read(prev); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "application/json")
	out := handlers.JSONLines{W: w}
	for {
		if err := out.Send(toDocker(r, s, last)); err != nil || !stream || s.Source == "" {
			return nil
		}
		select {
		case <-r.Context().Done():
			return nil
		case <-time.After(statsInterval):
		}
		last = s
		if s, err = read(prev); err != nil {
			return nil // removed meanwhile: end the stream
		}
	}
}
