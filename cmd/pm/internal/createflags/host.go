package createflags

import (
	"os"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/spf13/pflag"
)

// hostFlags are the run and create flags for devices, kernel parameters,
// /dev/shm, exposed ports, label files, the platform, the process's umask
// and environment, and the cgroup settings beyond the basic three.
type hostFlags struct {
	Devices           []string
	Sysctls           []string
	ShmSize           string
	Expose            []string
	LabelFiles        []string
	Platform          string
	OS, Arch, Variant string
	Umask             string
	Unsetenv          []string
	UnsetenvAll       bool
	Quiet             bool
	CPUShares         uint64
	CPUSetCPUs        string
	CPUPeriod         uint64
	CPUQuota          int64
	MemoryReservation string
	MemorySwap        string
}

func (f *hostFlags) bind(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.Devices, "device", nil, "Add a host device to the container (HOST[:CONTAINER][:PERMISSIONS])")
	fs.StringArrayVar(&f.Sysctls, "sysctl", nil, "Set a namespaced kernel parameter (NAME=VALUE)")
	fs.StringVar(&f.ShmSize, "shm-size", "", "Size of /dev/shm (a number with an optional unit b, k, m, g, t or p; default 64m)")
	fs.StringArrayVar(&f.Expose, "expose", nil, "Expose a port or a range of ports (PORT[-PORT][/PROTOCOL])")
	fs.StringArrayVar(&f.LabelFiles, "label-file", nil, "Read in a line delimited file of labels")
	fs.StringVar(&f.Platform, "platform", "", "Pull the image for this platform (OS/ARCH[/VARIANT])")
	fs.StringVar(&f.OS, "os", "", "Pull the image for this operating system instead of the host's")
	fs.StringVar(&f.Arch, "arch", "", "Pull the image for this architecture instead of the host's")
	fs.StringVar(&f.Variant, "variant", "", "Pull the image for this architecture variant")
	fs.StringVar(&f.Umask, "umask", "", "Set the umask of the container's process (octal, e.g. 0022)")
	fs.StringArrayVar(&f.Unsetenv, "unsetenv", nil, "Unset a default or image environment variable")
	fs.BoolVar(&f.UnsetenvAll, "unsetenv-all", false, "Unset all default and image environment variables")
	fs.BoolVarP(&f.Quiet, "quiet", "q", false, "Suppress output information when pulling images")
	fs.Uint64Var(&f.CPUShares, "cpu-shares", 0, "CPU shares (relative weight, 2 to 262144)")
	fs.StringVar(&f.CPUSetCPUs, "cpuset-cpus", "", "CPUs in which to allow execution (0-3, 0,1)")
	fs.Uint64Var(&f.CPUPeriod, "cpu-period", 0, "Limit the CPU CFS (Completely Fair Scheduler) period, in microseconds")
	fs.Int64Var(&f.CPUQuota, "cpu-quota", 0, "Limit the CPU CFS (Completely Fair Scheduler) quota, in microseconds")
	fs.StringVar(&f.MemoryReservation, "memory-reservation", "", "Memory soft limit (a number with an optional unit b, k, m, g, t or p)")
	fs.StringVar(&f.MemorySwap, "memory-swap", "", "Swap limit equal to memory plus swap: -1 for unlimited swap")
}

// apply parses the flags into s.
func (f *hostFlags) apply(s *specgen.Spec) error {
	for _, v := range f.Devices {
		d, err := specgen.ParseDevice(v)
		if err != nil {
			return err
		}
		s.Devices = append(s.Devices, d)
	}
	for _, v := range f.Sysctls {
		k, val, ok := strings.Cut(v, "=")
		if !ok || k == "" {
			return define.Invalidf("invalid --sysctl %q: use NAME=VALUE", v)
		}
		if s.Sysctls == nil {
			s.Sysctls = map[string]string{}
		}
		s.Sysctls[k] = val
	}
	var err error
	if f.ShmSize != "" {
		if s.ShmSize, err = specgen.ParseBytes(f.ShmSize); err != nil {
			return define.Invalidf("invalid --shm-size %q: %v", f.ShmSize, err)
		}
		if s.ShmSize == 0 {
			return define.Invalidf("invalid --shm-size %q: must be more than 0", f.ShmSize)
		}
	}
	s.Expose = f.Expose
	for _, p := range f.LabelFiles {
		if err := readLabelFile(s.Labels, p); err != nil {
			return err
		}
	}
	if f.Platform != "" {
		if s.Platform, err = specgen.ParsePlatform(f.Platform); err != nil {
			return err
		}
	}
	if f.OS != "" {
		s.Platform.OS = f.OS
	}
	if f.Arch != "" {
		s.Platform.Arch = f.Arch
	}
	if f.Variant != "" {
		s.Platform.Variant = f.Variant
	}
	s.Umask, s.Unsetenv, s.UnsetenvAll, s.Quiet = f.Umask, f.Unsetenv, f.UnsetenvAll, f.Quiet
	s.Resources.CPUShares, s.Resources.CPUSetCPUs = f.CPUShares, f.CPUSetCPUs
	s.Resources.CPUPeriod, s.Resources.CPUQuota = f.CPUPeriod, f.CPUQuota
	if f.MemoryReservation != "" {
		if s.Resources.MemoryReservation, err = specgen.ParseBytes(f.MemoryReservation); err != nil {
			return define.Invalidf("invalid --memory-reservation %q: %v", f.MemoryReservation, err)
		}
	}
	switch f.MemorySwap {
	case "":
	case "-1":
		s.Resources.MemorySwap = -1
	default:
		if s.Resources.MemorySwap, err = specgen.ParseBytes(f.MemorySwap); err != nil {
			return define.Invalidf("invalid --memory-swap %q: %v", f.MemorySwap, err)
		}
	}
	if f.CPUSetCPUs != "" && !specgen.ValidCPUList(f.CPUSetCPUs) {
		return define.Invalidf("invalid --cpuset-cpus %q: use a list such as 0-3 or 0,2", f.CPUSetCPUs)
	}
	return nil
}

// readLabelFile adds the KEY=VALUE lines of a --label-file to labels;
// blank lines and # comments are skipped, and a --label given on the
// command line wins.
func readLabelFile(labels map[string]string, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return define.Invalidf("reading --label-file: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		if _, set := labels[k]; !set && k != "" {
			labels[k] = v
		}
	}
	return nil
}
