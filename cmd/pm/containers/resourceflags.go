package containers

import (
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/spf13/pflag"
)

// resourceFlags are the cgroup-limit flags pm update and pm container
// clone share, as given.
type resourceFlags struct {
	memory, memoryReservation, memorySwap  string
	memorySwappiness                       int64
	cpuShares, cpuPeriod, cpuRtPeriod      uint64
	cpuQuota, cpuRtRuntime, pidsLimit      int64
	cpus                                   float64
	cpusetCPUs, cpusetMems                 string
	blkioWeight                            uint16
	blkioWeightDevice                      []string
	readBps, writeBps, readIOps, writeIOps []string
}

// bind adds the flags to fs; update also has the IOPS limits and
// --pids-limit, as in Podman.
func (f *resourceFlags) bind(fs *pflag.FlagSet, update bool) {
	fs.StringVarP(&f.memory, "memory", "m", "", "Memory limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))")
	fs.StringVar(&f.memoryReservation, "memory-reservation", "", "Memory soft limit (format: <number>[<unit>], where unit = b, k, m or g)")
	fs.StringVar(&f.memorySwap, "memory-swap", "", "Swap limit equal to memory plus swap: '-1' to enable unlimited swap")
	fs.Int64Var(&f.memorySwappiness, "memory-swappiness", -1, "Tune container memory swappiness (0 to 100, or -1 for system default)")
	fs.Uint64VarP(&f.cpuShares, "cpu-shares", "c", 0, "CPU shares (relative weight)")
	fs.Uint64Var(&f.cpuPeriod, "cpu-period", 0, "Limit the CPU CFS (Completely Fair Scheduler) period")
	fs.Int64Var(&f.cpuQuota, "cpu-quota", 0, "Limit the CPU CFS (Completely Fair Scheduler) quota")
	fs.Uint64Var(&f.cpuRtPeriod, "cpu-rt-period", 0, "Limit the CPU real-time period in microseconds")
	fs.Int64Var(&f.cpuRtRuntime, "cpu-rt-runtime", 0, "Limit the CPU real-time runtime in microseconds")
	fs.Float64Var(&f.cpus, "cpus", 0, "Number of CPUs. The default is 0.000 which means no limit")
	fs.StringVar(&f.cpusetCPUs, "cpuset-cpus", "", "CPUs in which to allow execution (0-3, 0,1)")
	fs.StringVar(&f.cpusetMems, "cpuset-mems", "", "Memory nodes (MEMs) in which to allow execution (0-3, 0,1). Only effective on NUMA systems.")
	fs.Uint16Var(&f.blkioWeight, "blkio-weight", 0, "Block IO weight (relative weight) accepts a weight value between 10 and 1000.")
	fs.StringArrayVar(&f.blkioWeightDevice, "blkio-weight-device", nil, "Block IO weight (relative device weight, format: DEVICE_NAME:WEIGHT)")
	fs.StringArrayVar(&f.readBps, "device-read-bps", nil, "Limit read rate (bytes per second) from a device (e.g. --device-read-bps=/dev/sda:1mb)")
	fs.StringArrayVar(&f.writeBps, "device-write-bps", nil, "Limit write rate (bytes per second) to a device (e.g. --device-write-bps=/dev/sda:1mb)")
	if update {
		fs.Int64Var(&f.pidsLimit, "pids-limit", 0, "Tune container pids limit (set -1 for unlimited)")
		fs.StringArrayVar(&f.readIOps, "device-read-iops", nil, "Limit read rate (IO per second) from a device (e.g. --device-read-iops=/dev/sda:1000)")
		fs.StringArrayVar(&f.writeIOps, "device-write-iops", nil, "Limit write rate (IO per second) to a device (e.g. --device-write-iops=/dev/sda:1000)")
	}
}

// resources turns the flags given into an update; nil when none was given.
func (f *resourceFlags) resources(fs *pflag.FlagSet) (*specgen.ResourceUpdate, error) {
	u := &specgen.ResourceUpdate{}
	size := func(flag, v string) (*int64, error) {
		if !fs.Changed(flag) {
			return nil, nil
		}
		if flag == "memory-swap" && v == "-1" {
			n := int64(-1)
			return &n, nil
		}
		n, err := specgen.ParseBytes(v)
		if err != nil {
			return nil, define.Invalidf("invalid --%s %q: %v", flag, v, err)
		}
		return &n, nil
	}
	var err error
	if u.Memory, err = size("memory", f.memory); err != nil {
		return nil, err
	}
	if u.MemoryReservation, err = size("memory-reservation", f.memoryReservation); err != nil {
		return nil, err
	}
	if u.MemorySwap, err = size("memory-swap", f.memorySwap); err != nil {
		return nil, err
	}
	switch {
	case f.memorySwappiness < -1:
		return nil, define.Invalidf("invalid --memory-swappiness %d: must be between 0 and 100, or -1", f.memorySwappiness)
	case fs.Changed("memory-swappiness") && f.memorySwappiness >= 0:
		v := uint64(f.memorySwappiness)
		u.MemorySwappiness = &v
	}
	u.CPUShares = changed(fs, "cpu-shares", f.cpuShares)
	u.CPUPeriod = changed(fs, "cpu-period", f.cpuPeriod)
	u.CPURtPeriod = changed(fs, "cpu-rt-period", f.cpuRtPeriod)
	u.CPUQuota = changed(fs, "cpu-quota", f.cpuQuota)
	u.CPURtRuntime = changed(fs, "cpu-rt-runtime", f.cpuRtRuntime)
	u.PidsLimit = changed(fs, "pids-limit", f.pidsLimit)
	u.CPUs = changed(fs, "cpus", f.cpus)
	u.BlkioWeight = changed(fs, "blkio-weight", f.blkioWeight)
	u.CpusetCPUs = changed(fs, "cpuset-cpus", f.cpusetCPUs)
	u.CpusetMems = changed(fs, "cpuset-mems", f.cpusetMems)
	for _, v := range f.blkioWeightDevice {
		d, err := specgen.ParseWeightDevice("blkio-weight-device", v)
		if err != nil {
			return nil, err
		}
		u.BlkioWeightDevice = append(u.BlkioWeightDevice, d)
	}
	for _, t := range []struct {
		flag  string
		vals  []string
		bytes bool
		dst   *[]specgen.ThrottleDevice
	}{
		{"device-read-bps", f.readBps, true, &u.DeviceReadBps},
		{"device-write-bps", f.writeBps, true, &u.DeviceWriteBps},
		{"device-read-iops", f.readIOps, false, &u.DeviceReadIOps},
		{"device-write-iops", f.writeIOps, false, &u.DeviceWriteIOps},
	} {
		for _, v := range t.vals {
			d, err := specgen.ParseThrottleDevice(t.flag, v, t.bytes)
			if err != nil {
				return nil, err
			}
			*t.dst = append(*t.dst, d)
		}
	}
	if u.Empty() {
		return nil, nil
	}
	return u, nil
}

// changed returns a pointer to v when flag was given, else nil.
func changed[T any](fs *pflag.FlagSet, flag string, v T) *T {
	if !fs.Changed(flag) {
		return nil
	}
	return &v
}
