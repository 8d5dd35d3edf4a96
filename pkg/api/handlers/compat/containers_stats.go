package compat

import (
	"net/http"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

// statsInterval is how often a stream sends a reading, as Docker does.
const statsInterval = time.Second

// dockerStats is a reading in the Docker API's shape.
type dockerStats struct {
	Read         time.Time            `json:"read"`
	PreRead      time.Time            `json:"preread"`
	PidsStats    dockerPids           `json:"pids_stats"`
	BlkioStats   dockerBlkio          `json:"blkio_stats"`
	NumProcs     int                  `json:"num_procs"`
	StorageStats struct{}             `json:"storage_stats"`
	CPUStats     dockerCPU            `json:"cpu_stats"`
	PreCPUStats  dockerCPU            `json:"precpu_stats"`
	MemoryStats  dockerMemory         `json:"memory_stats"`
	Name         string               `json:"name"`
	ID           string               `json:"id"`
	Networks     map[string]dockerNet `json:"networks,omitempty"`
}

type dockerPids struct {
	Current uint64 `json:"current,omitempty"`
}

type dockerBlkio struct {
	IOServiceBytesRecursive []dockerBlkioEntry `json:"io_service_bytes_recursive"`
	IOServicedRecursive     []dockerBlkioEntry `json:"io_serviced_recursive"`
	IOQueueRecursive        []dockerBlkioEntry `json:"io_queue_recursive"`
	IOServiceTimeRecursive  []dockerBlkioEntry `json:"io_service_time_recursive"`
	IOWaitTimeRecursive     []dockerBlkioEntry `json:"io_wait_time_recursive"`
	IOMergedRecursive       []dockerBlkioEntry `json:"io_merged_recursive"`
	IOTimeRecursive         []dockerBlkioEntry `json:"io_time_recursive"`
	SectorsRecursive        []dockerBlkioEntry `json:"sectors_recursive"`
}

type dockerBlkioEntry struct {
	Major uint64 `json:"major"`
	Minor uint64 `json:"minor"`
	Op    string `json:"op"`
	Value uint64 `json:"value"`
}

type dockerCPU struct {
	CPUUsage struct {
		TotalUsage        uint64 `json:"total_usage"`
		UsageInKernelmode uint64 `json:"usage_in_kernelmode"`
		UsageInUsermode   uint64 `json:"usage_in_usermode"`
	} `json:"cpu_usage"`
	SystemUsage    uint64 `json:"system_cpu_usage,omitempty"`
	OnlineCPUs     int    `json:"online_cpus,omitempty"`
	ThrottlingData struct {
		Periods          uint64 `json:"periods"`
		ThrottledPeriods uint64 `json:"throttled_periods"`
		ThrottledTime    uint64 `json:"throttled_time"`
	} `json:"throttling_data"`
}

type dockerMemory struct {
	Usage uint64            `json:"usage,omitempty"`
	Limit uint64            `json:"limit,omitempty"`
	Stats map[string]uint64 `json:"stats,omitempty"`
}

type dockerNet struct {
	RxBytes   uint64 `json:"rx_bytes"`
	RxPackets uint64 `json:"rx_packets"`
	RxErrors  uint64 `json:"rx_errors"`
	RxDropped uint64 `json:"rx_dropped"`
	TxBytes   uint64 `json:"tx_bytes"`
	TxPackets uint64 `json:"tx_packets"`
	TxErrors  uint64 `json:"tx_errors"`
	TxDropped uint64 `json:"tx_dropped"`
}

func cpuOf(s *define.ContainerStats) dockerCPU {
	var c dockerCPU
	if s == nil {
		return c
	}
	c.CPUUsage.TotalUsage = s.CPUNano
	c.CPUUsage.UsageInKernelmode = s.CPUSystemNano
	c.CPUUsage.UsageInUsermode = s.CPUUserNano
	c.SystemUsage = s.HostCPUNano
	c.OnlineCPUs = s.OnlineCPUs
	return c
}

func toDocker(s, prev *define.ContainerStats) dockerStats {
	d := dockerStats{
		Read: s.Time, Name: "/" + s.Name, ID: s.ID,
		PidsStats:   dockerPids{Current: s.PIDs},
		CPUStats:    cpuOf(s),
		PreCPUStats: cpuOf(prev),
		MemoryStats: dockerMemory{Usage: s.MemUsage, Limit: s.MemLimit},
	}
	if prev != nil {
		d.PreRead = prev.Time
	}
	if s.Source != "" {
		d.BlkioStats.IOServiceBytesRecursive = []dockerBlkioEntry{
			{Op: "read", Value: s.BlockInput}, {Op: "write", Value: s.BlockOutput},
		}
		d.MemoryStats.Stats = map[string]uint64{}
	}
	for name, n := range s.Networks {
		if d.Networks == nil {
			d.Networks = map[string]dockerNet{}
		}
		d.Networks[name] = dockerNet{
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
		if err := out.Send(toDocker(s, last)); err != nil || !stream || s.Source == "" {
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
