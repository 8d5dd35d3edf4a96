package libpod

import (
	"fmt"
	"os"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/define"
)

// inspectResources fills h's cgroup limits from the spec's resources.
func inspectResources(h *define.InspectContainerHostConfig, l *specs.Linux) {
	h.MemorySwappiness = -1
	h.BlkioWeightDevice = []define.InspectBlkioWeightDevice{}
	h.BlkioDeviceReadBps = []define.InspectBlkioThrottleDevice{}
	h.BlkioDeviceWriteBps = []define.InspectBlkioThrottleDevice{}
	h.BlkioDeviceReadIOps = []define.InspectBlkioThrottleDevice{}
	h.BlkioDeviceWriteIOps = []define.InspectBlkioThrottleDevice{}
	if l == nil || l.Resources == nil {
		return
	}
	res := l.Resources
	if m := res.Memory; m != nil {
		setFrom(&h.Memory, m.Limit)
		setFrom(&h.MemoryReservation, m.Reservation)
		setFrom(&h.MemorySwap, m.Swap)
		if m.Swappiness != nil {
			h.MemorySwappiness = int64(*m.Swappiness)
		}
	}
	if res.Pids != nil {
		setFrom(&h.PidsLimit, res.Pids.Limit)
	}
	if cpu := res.CPU; cpu != nil {
		setFrom(&h.CPUPeriod, cpu.Period)
		setFrom(&h.CPUQuota, cpu.Quota)
		if cpu.Period != nil && cpu.Quota != nil && *cpu.Period > 0 && *cpu.Quota > 0 {
			h.NanoCPUs = *cpu.Quota * 1e9 / int64(*cpu.Period)
		}
		setFrom(&h.CPUShares, cpu.Shares)
		setFrom(&h.CpuRealtimePeriod, cpu.RealtimePeriod)
		setFrom(&h.CpuRealtimeRuntime, cpu.RealtimeRuntime)
		h.CpusetCpus, h.CpusetMems = cpu.Cpus, cpu.Mems
	}
	if b := res.BlockIO; b != nil {
		setFrom(&h.BlkioWeight, b.Weight)
		for _, d := range b.WeightDevice {
			if d.Weight != nil {
				h.BlkioWeightDevice = append(h.BlkioWeightDevice, define.InspectBlkioWeightDevice{Path: devicePath(d.Major, d.Minor), Weight: *d.Weight})
			}
		}
		throttle := func(ds []specs.LinuxThrottleDevice) []define.InspectBlkioThrottleDevice {
			out := []define.InspectBlkioThrottleDevice{}
			for _, d := range ds {
				out = append(out, define.InspectBlkioThrottleDevice{Path: devicePath(d.Major, d.Minor), Rate: d.Rate})
			}
			return out
		}
		h.BlkioDeviceReadBps = throttle(b.ThrottleReadBpsDevice)
		h.BlkioDeviceWriteBps = throttle(b.ThrottleWriteBpsDevice)
		h.BlkioDeviceReadIOps = throttle(b.ThrottleReadIOPSDevice)
		h.BlkioDeviceWriteIOps = throttle(b.ThrottleWriteIOPSDevice)
	}
}

// setFrom sets *dst to *v when v is set.
func setFrom[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// devicePath names the device with these numbers from the kernel's
// record of it (/sys/dev/{block,char}/MAJOR:MINOR/uevent), or gives the
// numbers when the device is gone.
func devicePath(major, minor int64) string {
	for _, kind := range []string{"block", "char"} {
		b, err := os.ReadFile(fmt.Sprintf("/sys/dev/%s/%d:%d/uevent", kind, major, minor))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(line, "DEVNAME="); ok {
				return "/dev/" + name
			}
		}
	}
	return fmt.Sprintf("%d:%d", major, minor)
}
