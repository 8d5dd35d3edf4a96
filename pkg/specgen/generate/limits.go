package generate

import (
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/pkg/specgen"
)

// limits adds the resource limits of res to r beyond pids, memory and
// --cpus, which linux sets: shares, CFS and real-time CPU time, cpusets,
// memory reservation, swap and swappiness, the OOM killer, block I/O and
// device rules.
func limits(r *specs.LinuxResources, res *specgen.Resources) {
	cpu := r.CPU
	if cpu == nil {
		cpu = &specs.LinuxCPU{}
	}
	if res.CPUShares > 0 {
		v := res.CPUShares
		cpu.Shares = &v
	}
	if res.CPUPeriod > 0 {
		v := res.CPUPeriod
		cpu.Period = &v
	}
	if res.CPUQuota != 0 {
		v := res.CPUQuota
		cpu.Quota = &v
	}
	if res.CPURtPeriod > 0 {
		v := res.CPURtPeriod
		cpu.RealtimePeriod = &v
	}
	if res.CPURtRuntime != 0 {
		v := res.CPURtRuntime
		cpu.RealtimeRuntime = &v
	}
	cpu.Cpus, cpu.Mems = res.CPUSetCPUs, res.CPUSetMems
	if (*cpu != specs.LinuxCPU{}) {
		r.CPU = cpu
	}
	mem := r.Memory
	if mem == nil {
		mem = &specs.LinuxMemory{}
	}
	if res.MemoryReservation > 0 {
		v := res.MemoryReservation
		mem.Reservation = &v
	}
	if res.MemorySwap != 0 && (res.MemoryBytes > 0 || res.MemorySwap == -1) {
		v := res.MemorySwap
		mem.Swap = &v
	}
	if res.MemorySwappiness != nil {
		v := uint64(*res.MemorySwappiness)
		mem.Swappiness = &v
	}
	if res.OOMKillDisable {
		t := true
		mem.DisableOOMKiller = &t
	}
	if (*mem != specs.LinuxMemory{}) {
		r.Memory = mem
	}
	blkio := &specs.LinuxBlockIO{}
	if res.BlkioWeight > 0 {
		w := res.BlkioWeight
		blkio.Weight = &w
	}
	for _, d := range res.BlkioWeightDevices {
		w := uint16(d.Value)
		wd := specs.LinuxWeightDevice{Weight: &w}
		wd.Major, wd.Minor = d.Major, d.Minor
		blkio.WeightDevice = append(blkio.WeightDevice, wd)
	}
	throttle := func(ds []specgen.BlkioDevice) []specs.LinuxThrottleDevice {
		var out []specs.LinuxThrottleDevice
		for _, d := range ds {
			td := specs.LinuxThrottleDevice{Rate: d.Value}
			td.Major, td.Minor = d.Major, d.Minor
			out = append(out, td)
		}
		return out
	}
	blkio.ThrottleReadBpsDevice = throttle(res.DeviceReadBps)
	blkio.ThrottleWriteBpsDevice = throttle(res.DeviceWriteBps)
	blkio.ThrottleReadIOPSDevice = throttle(res.DeviceReadIOps)
	blkio.ThrottleWriteIOPSDevice = throttle(res.DeviceWriteIOps)
	if blkio.Weight != nil || len(blkio.WeightDevice)+len(blkio.ThrottleReadBpsDevice)+len(blkio.ThrottleWriteBpsDevice)+
		len(blkio.ThrottleReadIOPSDevice)+len(blkio.ThrottleWriteIOPSDevice) > 0 {
		r.BlockIO = blkio
	}
	for _, rule := range res.DeviceCgroupRules {
		p, err := specgen.ParseDeviceCgroupRule(rule)
		if err != nil {
			continue // Validate refused it before
		}
		r.Devices = append(r.Devices, specs.LinuxDeviceCgroup{Allow: true, Type: p.Type, Major: p.Major, Minor: p.Minor, Access: p.Access})
	}
}

// pidUTSNamespaces applies --pid and --uts: host shares pm's namespace
// (the host's), ns:PATH joins PATH. container:NAME is joined by libpod
// at start, when the other container's process is known.
func pidUTSNamespaces(nss []specs.LinuxNamespace, s *specgen.Spec) []specs.LinuxNamespace {
	out := nss[:0]
	for _, ns := range nss {
		mode := ""
		switch ns.Type {
		case specs.PIDNamespace:
			mode = s.PID
		case specs.UTSNamespace:
			mode = s.UTS
		}
		if mode == specgen.NSHost {
			continue
		}
		if p, ok := strings.CutPrefix(mode, "ns:"); ok {
			ns.Path = p
		}
		out = append(out, ns)
	}
	return out
}
