package libpod

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// ContainerStats reads the resource usage of c. prev is the previous
// reading of the same container, or nil: CPU percentages are over the time
// since it (since the start without one). A container that is not running
// gets a reading of zeros.
//
// The numbers come from the container's own cgroup when it has one (root,
// or rootless on cgroup v2 with delegation); otherwise, rootless on cgroup
// v1, they are summed over the container's processes from /proc.
func (r *Runtime) ContainerStats(c *Container, prev *define.ContainerStats) (*define.ContainerStats, error) {
	s := &define.ContainerStats{ID: c.ID(), Name: c.Name()}
	if !c.State.Status.Active() || c.State.Pid <= 0 {
		return s, nil
	}
	s.Time = time.Now()
	s.StartedAt = c.State.StartedAt
	s.OnlineCPUs = runtime.NumCPU()
	s.HostCPUNano = hostCPUNano()
	if cg := ownCgroup(c.State.Pid, c.ID()); cg != nil {
		s.Source = "cgroup"
		cg.read(s)
	} else {
		s.Source = "proc"
		if err := procUsage(c.State.Pid, s); err != nil {
			return nil, fmt.Errorf("reading the processes of container %s: %w", c.Name(), err)
		}
	}
	s.Networks = netDev(c.State.Pid)
	for _, n := range s.Networks {
		s.NetInput += n.RxBytes
		s.NetOutput += n.TxBytes
	}
	s.MemLimit = memLimit(c)
	if s.MemLimit > 0 {
		s.MemPerc = float64(s.MemUsage) / float64(s.MemLimit) * 100
	}
	if prev == nil || prev.Time.IsZero() || prev.CPUNano > s.CPUNano || !prev.StartedAt.Equal(s.StartedAt) {
		prev = &define.ContainerStats{Time: s.StartedAt}
	}
	s.CPU = percent(s.CPUNano-prev.CPUNano, s.Time.Sub(prev.Time))
	s.AvgCPU = percent(s.CPUNano, s.Time.Sub(s.StartedAt))
	return s, nil
}

func percent(cpu uint64, wall time.Duration) float64 {
	if wall <= 0 {
		return 0
	}
	return float64(cpu) / float64(wall.Nanoseconds()) * 100
}

// memLimit is the container's memory limit, or the host's memory when it
// has none or a larger one.
func memLimit(c *Container) uint64 {
	host := hostMemory()
	var sp struct {
		Linux *struct {
			Resources *struct {
				Memory *struct {
					Limit *int64 `json:"limit"`
				} `json:"memory"`
			} `json:"resources"`
		} `json:"linux"`
	}
	if json.Unmarshal(c.Config.Spec, &sp) == nil && sp.Linux != nil && sp.Linux.Resources != nil &&
		sp.Linux.Resources.Memory != nil && sp.Linux.Resources.Memory.Limit != nil {
		if l := *sp.Linux.Resources.Memory.Limit; l > 0 && (host == 0 || uint64(l) < host) {
			return uint64(l)
		}
	}
	return host
}

func hostMemory() uint64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			return parseKiB(v)
		}
	}
	return 0
}

// parseKiB parses "  1234 kB" into bytes.
func parseKiB(v string) uint64 {
	f := strings.Fields(v)
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.ParseUint(f[0], 10, 64)
	return n * 1024
}

const nsPerTick = uint64(time.Second) / clockTicks

// hostCPUNano sums the "cpu" line of /proc/stat: every CPU's time since boot.
func hostCPUNano() uint64 {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0
	}
	fields := strings.Fields(sc.Text())
	if len(fields) < 2 || fields[0] != "cpu" {
		return 0
	}
	var ticks uint64
	for i, v := range fields[1:] {
		if i >= 8 { // guest times are already in user and nice
			break
		}
		n, _ := strconv.ParseUint(v, 10, 64)
		ticks += n
	}
	return ticks * nsPerTick
}

// procUsage sums CPU, memory, threads and I/O over the container's
// processes. A live process's CPU time and I/O include those of the
// children it reaped, so a process that ended in the container still
// counts; one started by `pm exec` counts only while it runs (conmon reaps
// it).
func procUsage(initPid int, s *define.ContainerStats) error {
	procs, err := containerProcesses(initPid)
	if err != nil {
		return err
	}
	for _, p := range procs {
		s.CPUUserNano += (p.utime + p.cutime) * nsPerTick
		s.CPUSystemNano += (p.stime + p.cstime) * nsPerTick
		s.PIDs += p.threads
		s.MemUsage += procMemory(p.pid)
		r, w := procIO(p.pid)
		s.BlockInput += r
		s.BlockOutput += w
	}
	s.CPUNano = s.CPUUserNano + s.CPUSystemNano
	return nil
}

type procStat struct {
	pid, ppid                    int
	utime, stime, cutime, cstime uint64
	threads                      uint64
}

// readProcStat parses /proc/PID/stat; the command name may hold spaces and
// parentheses, so fields are counted after its last ')'.
func readProcStat(pid int) (procStat, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 18 {
		return procStat{}, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	// f[0] is field 3 (state) of proc(5).
	num := func(k int) uint64 { n, _ := strconv.ParseUint(f[k-3], 10, 64); return n }
	return procStat{
		pid: pid, ppid: int(num(4)),
		utime: num(14), stime: num(15), cutime: num(16), cstime: num(17),
		threads: num(20),
	}, nil
}

// containerProcesses lists the processes of the container whose init is
// root: every process of its PID namespace when it has one of its own
// (processes of `pm exec` are children of conmon, outside the tree), else
// root and its descendants.
func containerProcesses(root int) ([]procStat, error) {
	top, err := readProcStat(root)
	if err != nil {
		return nil, err
	}
	ns, err := os.Readlink("/proc/" + strconv.Itoa(root) + "/ns/pid")
	if err != nil {
		return nil, err
	}
	if own, err := os.Readlink("/proc/self/ns/pid"); err != nil || own == ns {
		ns = "" // the host's: follow the process tree
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	out := []procStat{top}
	children := map[int][]procStat{}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == root {
			continue
		}
		if ns != "" {
			if l, err := os.Readlink("/proc/" + e.Name() + "/ns/pid"); err != nil || l != ns {
				continue
			}
		}
		p, err := readProcStat(pid)
		if err != nil {
			continue // it exited meanwhile
		}
		if ns != "" {
			out = append(out, p)
		} else {
			children[p.ppid] = append(children[p.ppid], p)
		}
	}
	for i := 0; ns == "" && i < len(out); i++ {
		out = append(out, children[out[i].pid]...)
	}
	return out, nil
}

// procMemory is a process's proportional share of resident memory (Pss),
// so pages its processes share are not counted twice; RSS where smaps
// cannot be read.
func procMemory(pid int) uint64 {
	base := "/proc/" + strconv.Itoa(pid) + "/"
	if b, err := os.ReadFile(base + "smaps_rollup"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "Pss:"); ok {
				return parseKiB(v)
			}
		}
	}
	b, err := os.ReadFile(base + "statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseUint(f[1], 10, 64)
	return pages * uint64(os.Getpagesize())
}

// procIO is what a process read from and wrote to storage.
func procIO(pid int) (read, write uint64) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/io")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		switch k {
		case "read_bytes":
			read = n
		case "write_bytes":
			write = n
		}
	}
	return read, write
}

// netDev reads the interface counters of pid's network namespace, loopback
// left out; none when it is the host's.
func netDev(pid int) map[string]define.InterfaceStats {
	ns, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/net")
	if err != nil {
		return nil
	}
	if own, err := os.Readlink("/proc/self/ns/net"); err != nil || own == ns {
		return nil
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/net/dev")
	if err != nil {
		return nil
	}
	out := map[string]define.InterfaceStats{}
	for _, line := range strings.Split(string(b), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "lo" {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < 16 {
			continue
		}
		n := make([]uint64, 16)
		for i := range n {
			n[i], _ = strconv.ParseUint(f[i], 10, 64)
		}
		out[name] = define.InterfaceStats{
			RxBytes: n[0], RxPackets: n[1], RxErrors: n[2], RxDropped: n[3],
			TxBytes: n[8], TxPackets: n[9], TxErrors: n[10], TxDropped: n[11],
		}
	}
	return out
}

// cgroupDirs are the directories of one container's cgroup: per v1
// controller, or the one v2 directory.
type cgroupDirs struct {
	v1 map[string]string
	v2 string
}

// ownCgroup finds the cgroup of pid when it is the container's own (its
// path names the container), resolved through pm's cgroup mounts; nil when
// the container runs in a cgroup it shares, as rootless containers on
// cgroup v1 do.
func ownCgroup(pid int, id string) *cgroupDirs {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		return nil
	}
	mounts := cgroupMounts()
	cg := &cgroupDirs{v1: map[string]string{}}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 || !strings.Contains(parts[2], id) {
			continue
		}
		if parts[1] == "" {
			if m, ok := mounts[""]; ok {
				cg.v2 = m.resolve(parts[2])
			}
			continue
		}
		for _, ctl := range strings.Split(parts[1], ",") {
			if m, ok := mounts[ctl]; ok {
				cg.v1[ctl] = m.resolve(parts[2])
			}
		}
	}
	if cg.v1["cpuacct"] != "" {
		cg.v2 = "" // hybrid: the controllers are on v1
		return cg
	}
	if cg.v2 != "" {
		if _, err := os.Stat(filepath.Join(cg.v2, "cpu.stat")); err == nil {
			return cg
		}
	}
	return nil
}

type cgroupMount struct{ root, point string }

func (m cgroupMount) resolve(path string) string {
	rel := path
	if m.root != "/" {
		if r, ok := strings.CutPrefix(path, m.root); ok {
			rel = r
		}
	}
	return filepath.Join(m.point, rel)
}

// cgroupMounts maps each v1 controller, and "" for the v2 hierarchy, to
// where it is mounted.
func cgroupMounts() map[string]cgroupMount {
	out := map[string]cgroupMount{}
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		pre, post, ok := strings.Cut(line, " - ")
		if !ok {
			continue
		}
		f, pf := strings.Fields(pre), strings.Fields(post)
		if len(f) < 5 || len(pf) < 3 {
			continue
		}
		m := cgroupMount{root: f[3], point: f[4]}
		switch pf[0] {
		case "cgroup2":
			out[""] = m
		case "cgroup":
			for _, o := range strings.Split(pf[2], ",") {
				switch o {
				case "rw", "ro", "relatime", "noexec", "nosuid", "nodev", "clone_children", "xattr":
				default:
					if _, seen := out[o]; !seen {
						out[o] = m
					}
				}
			}
		}
	}
	return out
}

func readUint(path string) uint64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	return n
}

// readKeyed parses a "key value" file such as memory.stat.
func readKeyed(path string) map[string]uint64 {
	out := map[string]uint64{}
	b, err := os.ReadFile(path)
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 {
			out[f[0]], _ = strconv.ParseUint(f[1], 10, 64)
		}
	}
	return out
}

func (cg *cgroupDirs) read(s *define.ContainerStats) {
	if cg.v2 != "" {
		cpu := readKeyed(filepath.Join(cg.v2, "cpu.stat"))
		s.CPUNano = cpu["usage_usec"] * 1000
		s.CPUUserNano = cpu["user_usec"] * 1000
		s.CPUSystemNano = cpu["system_usec"] * 1000
		mem := readUint(filepath.Join(cg.v2, "memory.current"))
		s.MemUsage = subtractCache(mem, readKeyed(filepath.Join(cg.v2, "memory.stat"))["inactive_file"])
		s.PIDs = readUint(filepath.Join(cg.v2, "pids.current"))
		s.BlockInput, s.BlockOutput = ioStatV2(filepath.Join(cg.v2, "io.stat"))
		return
	}
	if d := cg.v1["cpuacct"]; d != "" {
		s.CPUNano = readUint(filepath.Join(d, "cpuacct.usage"))
		st := readKeyed(filepath.Join(d, "cpuacct.stat"))
		s.CPUUserNano, s.CPUSystemNano = st["user"]*nsPerTick, st["system"]*nsPerTick
	}
	if d := cg.v1["memory"]; d != "" {
		mem := readUint(filepath.Join(d, "memory.usage_in_bytes"))
		s.MemUsage = subtractCache(mem, readKeyed(filepath.Join(d, "memory.stat"))["total_inactive_file"])
	}
	if d := cg.v1["pids"]; d != "" {
		s.PIDs = readUint(filepath.Join(d, "pids.current"))
	}
	if d := cg.v1["blkio"]; d != "" {
		s.BlockInput, s.BlockOutput = blkioV1(filepath.Join(d, "blkio.throttle.io_service_bytes_recursive"))
		if s.BlockInput == 0 && s.BlockOutput == 0 {
			s.BlockInput, s.BlockOutput = blkioV1(filepath.Join(d, "blkio.throttle.io_service_bytes"))
		}
	}
}

func subtractCache(usage, inactive uint64) uint64 {
	if inactive < usage {
		return usage - inactive
	}
	return usage
}

// blkioV1 sums a v1 blkio file's "MAJ:MIN Read|Write N" lines.
func blkioV1(path string) (read, write uint64) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		n, _ := strconv.ParseUint(f[2], 10, 64)
		switch f[1] {
		case "Read":
			read += n
		case "Write":
			write += n
		}
	}
	return read, write
}

// ioStatV2 sums io.stat's rbytes and wbytes over devices.
func ioStatV2(path string) (read, write uint64) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0
	}
	for _, f := range strings.Fields(string(b)) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		n, _ := strconv.ParseUint(v, 10, 64)
		switch k {
		case "rbytes":
			read += n
		case "wbytes":
			write += n
		}
	}
	return read, write
}
