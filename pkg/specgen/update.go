package specgen

import (
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// ResourceUpdate is what pm update changes of a container's cgroup limits.
// A nil field, or an empty list, leaves the setting as it is; a device
// list given replaces the entries of the devices it names.
type ResourceUpdate struct {
	Memory            *int64 // bytes
	MemoryReservation *int64 // bytes
	MemorySwap        *int64 // bytes of memory plus swap; -1 unlimited
	MemorySwappiness  *uint64
	CPUShares         *uint64
	CPUPeriod         *uint64 // microseconds
	CPUQuota          *int64  // microseconds
	CPUs              *float64
	CPURtPeriod       *uint64
	CPURtRuntime      *int64
	CpusetCPUs        *string
	CpusetMems        *string
	PidsLimit         *int64 // -1 or 0: unlimited
	BlkioWeight       *uint16
	BlkioWeightDevice []WeightDevice
	DeviceReadBps     []ThrottleDevice
	DeviceWriteBps    []ThrottleDevice
	DeviceReadIOps    []ThrottleDevice
	DeviceWriteIOps   []ThrottleDevice
}

// Empty reports whether u changes nothing.
func (u *ResourceUpdate) Empty() bool {
	return u.Memory == nil && u.MemoryReservation == nil && u.MemorySwap == nil && u.MemorySwappiness == nil &&
		u.CPUShares == nil && u.CPUPeriod == nil && u.CPUQuota == nil && u.CPUs == nil &&
		u.CPURtPeriod == nil && u.CPURtRuntime == nil && u.CpusetCPUs == nil && u.CpusetMems == nil &&
		u.PidsLimit == nil && u.BlkioWeight == nil && len(u.BlkioWeightDevice) == 0 &&
		len(u.DeviceReadBps) == 0 && len(u.DeviceWriteBps) == 0 && len(u.DeviceReadIOps) == 0 && len(u.DeviceWriteIOps) == 0
}

// Validate checks the values against each other.
func (u *ResourceUpdate) Validate() error {
	if u.CPUs != nil && (u.CPUPeriod != nil || u.CPUQuota != nil) {
		return define.Invalidf("--cpus and --cpu-period/--cpu-quota cannot be used together")
	}
	if u.CPUs != nil && *u.CPUs < 0 {
		return define.Invalidf("invalid --cpus %v: must not be negative", *u.CPUs)
	}
	if u.MemorySwappiness != nil && *u.MemorySwappiness > 100 {
		return define.Invalidf("invalid --memory-swappiness %d: must be between 0 and 100", *u.MemorySwappiness)
	}
	if u.BlkioWeight != nil && *u.BlkioWeight != 0 && (*u.BlkioWeight < 10 || *u.BlkioWeight > 1000) {
		return define.Invalidf("invalid --blkio-weight %d: must be between 10 and 1000", *u.BlkioWeight)
	}
	if u.Memory != nil && u.MemorySwap != nil && *u.MemorySwap != -1 && *u.MemorySwap != 0 && *u.MemorySwap < *u.Memory {
		return define.Invalidf("--memory-swap (%d) must not be smaller than --memory (%d)", *u.MemorySwap, *u.Memory)
	}
	for _, c := range []*string{u.CpusetCPUs, u.CpusetMems} {
		if c != nil && *c != "" && !ValidCPUList(*c) {
			return define.Invalidf("invalid CPU or memory node list %q: use a list such as 0-3 or 0,2", *c)
		}
	}
	return nil
}

// ValidCPUList reports whether s is a list of numbers and ranges: 0-3,5.
func ValidCPUList(s string) bool {
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.ParseUint(lo, 10, 32)
		if err != nil {
			return false
		}
		if isRange {
			b, err := strconv.ParseUint(hi, 10, 32)
			if err != nil || b < a {
				return false
			}
		}
	}
	return true
}

// WeightDevice is one --blkio-weight-device: a relative I/O weight for a
// device.
type WeightDevice struct {
	Path   string
	Weight uint16
}

// ThrottleDevice is one --device-{read,write}-{bps,iops}: a rate cap for
// a device, in bytes or operations per second.
type ThrottleDevice struct {
	Path string
	Rate uint64
}

// ParseWeightDevice parses DEVICE:WEIGHT (weight 10 to 1000).
func ParseWeightDevice(flag, s string) (WeightDevice, error) {
	path, w, ok := strings.Cut(s, ":")
	if !ok || !strings.HasPrefix(path, "/dev/") {
		return WeightDevice{}, define.Invalidf("invalid --%s %q: use DEVICE:WEIGHT, DEVICE a path under /dev", flag, s)
	}
	n, err := strconv.ParseUint(w, 10, 16)
	if err != nil || n < 10 || n > 1000 {
		return WeightDevice{}, define.Invalidf("invalid --%s %q: the weight must be between 10 and 1000", flag, s)
	}
	return WeightDevice{Path: path, Weight: uint16(n)}, nil
}

// ParseThrottleDevice parses DEVICE:RATE; with bytes, RATE is a size
// (10mb), else a number of operations.
func ParseThrottleDevice(flag, s string, bytes bool) (ThrottleDevice, error) {
	path, r, ok := strings.Cut(s, ":")
	if !ok || !strings.HasPrefix(path, "/dev/") {
		return ThrottleDevice{}, define.Invalidf("invalid --%s %q: use DEVICE:RATE, DEVICE a path under /dev", flag, s)
	}
	if bytes {
		n, err := ParseBytes(r)
		if err != nil {
			return ThrottleDevice{}, define.Invalidf("invalid --%s %q: %v", flag, s, err)
		}
		return ThrottleDevice{Path: path, Rate: uint64(n)}, nil
	}
	n, err := strconv.ParseUint(r, 10, 64)
	if err != nil {
		return ThrottleDevice{}, define.Invalidf("invalid --%s %q: the rate must be a number of operations per second", flag, s)
	}
	return ThrottleDevice{Path: path, Rate: n}, nil
}
