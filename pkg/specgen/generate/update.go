package generate

import (
	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/pkg/specgen"
)

// DeviceNumber is a device's major and minor number.
type DeviceNumber struct {
	Major, Minor int64
}

// cpuPeriod is the CFS period --cpus sets, as Podman (100 ms).
const cpuPeriod = uint64(100000)

// UpdateResources applies u to r; devs gives the numbers of the devices u
// names by path.
func UpdateResources(r *specs.LinuxResources, u *specgen.ResourceUpdate, devs map[string]DeviceNumber) {
	if u.Memory != nil || u.MemoryReservation != nil || u.MemorySwap != nil || u.MemorySwappiness != nil {
		if r.Memory == nil {
			r.Memory = &specs.LinuxMemory{}
		}
		m := r.Memory
		setPtr(&m.Limit, u.Memory)
		setPtr(&m.Reservation, u.MemoryReservation)
		setPtr(&m.Swap, u.MemorySwap)
		setPtr(&m.Swappiness, u.MemorySwappiness)
	}
	if u.CPUShares != nil || u.CPUPeriod != nil || u.CPUQuota != nil || u.CPUs != nil ||
		u.CPURtPeriod != nil || u.CPURtRuntime != nil || u.CpusetCPUs != nil || u.CpusetMems != nil {
		if r.CPU == nil {
			r.CPU = &specs.LinuxCPU{}
		}
		c := r.CPU
		setPtr(&c.Shares, u.CPUShares)
		setPtr(&c.Period, u.CPUPeriod)
		setPtr(&c.Quota, u.CPUQuota)
		if u.CPUs != nil {
			period, quota := cpuPeriod, int64(*u.CPUs*float64(cpuPeriod))
			if *u.CPUs == 0 {
				quota = -1 // no limit
			}
			c.Period, c.Quota = &period, &quota
		}
		setPtr(&c.RealtimePeriod, u.CPURtPeriod)
		setPtr(&c.RealtimeRuntime, u.CPURtRuntime)
		if u.CpusetCPUs != nil {
			c.Cpus = *u.CpusetCPUs
		}
		if u.CpusetMems != nil {
			c.Mems = *u.CpusetMems
		}
	}
	if u.PidsLimit != nil {
		limit := *u.PidsLimit
		if limit <= 0 {
			limit = -1 // unlimited
		}
		r.Pids = &specs.LinuxPids{Limit: &limit}
	}
	if u.BlkioWeight == nil && len(u.BlkioWeightDevice) == 0 && len(u.DeviceReadBps) == 0 &&
		len(u.DeviceWriteBps) == 0 && len(u.DeviceReadIOps) == 0 && len(u.DeviceWriteIOps) == 0 {
		return
	}
	if r.BlockIO == nil {
		r.BlockIO = &specs.LinuxBlockIO{}
	}
	b := r.BlockIO
	setPtr(&b.Weight, u.BlkioWeight)
	for _, d := range u.BlkioWeightDevice {
		n := devs[d.Path]
		w := d.Weight
		b.WeightDevice = replaceDevice(b.WeightDevice, specs.LinuxWeightDevice{
			LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: n.Major, Minor: n.Minor}, Weight: &w},
			func(x specs.LinuxWeightDevice) specs.LinuxBlockIODevice { return x.LinuxBlockIODevice })
	}
	throttle := func(list []specs.LinuxThrottleDevice, ds []specgen.ThrottleDevice) []specs.LinuxThrottleDevice {
		for _, d := range ds {
			n := devs[d.Path]
			list = replaceDevice(list, specs.LinuxThrottleDevice{
				LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: n.Major, Minor: n.Minor}, Rate: d.Rate},
				func(x specs.LinuxThrottleDevice) specs.LinuxBlockIODevice { return x.LinuxBlockIODevice })
		}
		return list
	}
	b.ThrottleReadBpsDevice = throttle(b.ThrottleReadBpsDevice, u.DeviceReadBps)
	b.ThrottleWriteBpsDevice = throttle(b.ThrottleWriteBpsDevice, u.DeviceWriteBps)
	b.ThrottleReadIOPSDevice = throttle(b.ThrottleReadIOPSDevice, u.DeviceReadIOps)
	b.ThrottleWriteIOPSDevice = throttle(b.ThrottleWriteIOPSDevice, u.DeviceWriteIOps)
}

// setPtr points *dst at a copy of *v when v is set.
func setPtr[T any](dst **T, v *T) {
	if v != nil {
		x := *v
		*dst = &x
	}
}

// replaceDevice puts e in list in place of the entry for the same device,
// or at its end.
func replaceDevice[T any](list []T, e T, dev func(T) specs.LinuxBlockIODevice) []T {
	for i := range list {
		if dev(list[i]) == dev(e) {
			list[i] = e
			return list
		}
	}
	return append(list, e)
}
