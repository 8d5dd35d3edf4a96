package define

import "time"

// ContainerStats is one reading of a container's resource usage.
type ContainerStats struct {
	ID   string
	Name string
	// Time is when the reading was taken; StartedAt is when the container
	// last started. Both are zero for a container that is not running.
	Time      time.Time
	StartedAt time.Time
	// Source says where the numbers come from: "cgroup" when the container
	// has a cgroup of its own, "proc" when they are summed over its
	// processes (rootless on cgroup v1), "" when it is not running.
	Source string

	// CPUNano is the CPU time the container used since it started, with
	// its split into user and kernel time.
	CPUNano, CPUUserNano, CPUSystemNano uint64
	// HostCPUNano is the CPU time of the whole host since boot, all CPUs,
	// and OnlineCPUs how many there are (Docker's system_cpu_usage).
	HostCPUNano uint64
	OnlineCPUs  int
	// CPU is the percentage of one CPU used since the previous reading
	// (since the start for the first), AvgCPU since the start.
	CPU, AvgCPU float64

	// MemUsage leaves out the page cache the kernel can drop at once.
	MemUsage, MemLimit uint64
	MemPerc            float64

	NetInput, NetOutput     uint64
	Networks                map[string]InterfaceStats
	BlockInput, BlockOutput uint64
	PIDs                    uint64
}

// InterfaceStats are the counters of one network interface.
type InterfaceStats struct {
	RxBytes, RxPackets, RxErrors, RxDropped uint64
	TxBytes, TxPackets, TxErrors, TxDropped uint64
}

// CPUTime is the CPU time used since the start, as a duration.
func (s *ContainerStats) CPUTime() time.Duration { return time.Duration(s.CPUNano) }
