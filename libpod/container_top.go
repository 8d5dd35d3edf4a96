package libpod

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/pm-project/pm/libpod/define"
)

// TopDefault are the descriptors `pm top` shows without any.
var TopDefault = []string{"user", "pid", "ppid", "pcpu", "etime", "tty", "time", "args"}

// topHeaders are the column headers of the descriptors pm reads from /proc.
var topHeaders = map[string]string{
	"user": "USER", "pid": "PID", "ppid": "PPID", "pcpu": "%CPU", "etime": "ELAPSED",
	"tty": "TTY", "time": "TIME", "args": "COMMAND", "comm": "COMMAND", "group": "GROUP",
	"nice": "NI", "pgid": "PGID", "vsz": "VSZ", "rss": "RSS", "hpid": "HPID", "huser": "HUSER",
	"hgroup": "HGROUP", "state": "STATE", "ruser": "RUSER", "rgroup": "RGROUP",
}

// TopDescriptorsKnown reports whether every descriptor can be read from
// /proc; otherwise the caller runs ps in the container.
func TopDescriptorsKnown(desc []string) bool {
	for _, d := range desc {
		if _, ok := topHeaders[d]; !ok {
			return false
		}
	}
	return true
}

// ProcInfo is what top knows of one process of a container.
type ProcInfo struct {
	HostPID, PID, PPID, PGID int
	UID, RUID, GID, RGID     int
	HostUID, HostGID         int
	Nice                     int
	State                    string
	TTY                      string
	Args                     []string
	Comm                     string
	Elapsed, CPUTime         time.Duration
	VSZ, RSS                 int64 // KiB
}

// TopContainer lists the processes of a running container, read from
// /proc, as rows of the descriptors desc (TopDefault when empty); the
// first row is the header.
func (r *Runtime) TopContainer(ctx context.Context, idOrName string, desc []string) ([][]string, error) {
	c, err := r.InspectContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	if c.State.Status != define.StatusRunning {
		return nil, define.Errorf(define.ErrInvalidState, "top can only be used on running containers")
	}
	if len(desc) == 0 {
		desc = TopDefault
	}
	if !TopDescriptorsKnown(desc) {
		return nil, define.Invalidf("unknown descriptor in %q", strings.Join(desc, ","))
	}
	procs, err := containerProcs(c.State.Pid)
	if err != nil {
		return nil, err
	}
	users := readIDNames(c.State.Mountpoint, "/etc/passwd")
	groups := readIDNames(c.State.Mountpoint, "/etc/group")
	return TopRows(procs, desc, users, groups), nil
}

// TopRows formats procs per desc, with a header row first.
func TopRows(procs []ProcInfo, desc []string, users, groups map[int]string) [][]string {
	name := func(m map[int]string, id int) string {
		if n, ok := m[id]; ok {
			return n
		}
		return strconv.Itoa(id)
	}
	rows := [][]string{make([]string, len(desc))}
	for i, d := range desc {
		rows[0][i] = topHeaders[d]
	}
	for _, p := range procs {
		row := make([]string, len(desc))
		for i, d := range desc {
			var v string
			switch d {
			case "user":
				v = name(users, p.UID)
			case "ruser":
				v = name(users, p.RUID)
			case "group":
				v = name(groups, p.GID)
			case "rgroup":
				v = name(groups, p.RGID)
			case "huser":
				v = strconv.Itoa(p.HostUID)
			case "hgroup":
				v = strconv.Itoa(p.HostGID)
			case "pid":
				v = strconv.Itoa(p.PID)
			case "hpid":
				v = strconv.Itoa(p.HostPID)
			case "ppid":
				v = strconv.Itoa(p.PPID)
			case "pgid":
				v = strconv.Itoa(p.PGID)
			case "pcpu":
				pc := 0.0
				if p.Elapsed > 0 {
					pc = 100 * p.CPUTime.Seconds() / p.Elapsed.Seconds()
				}
				v = strconv.FormatFloat(pc, 'f', 3, 64)
			case "etime":
				v = p.Elapsed.String()
			case "time":
				v = p.CPUTime.String()
			case "tty":
				v = p.TTY
			case "args":
				v = strings.Join(p.Args, " ")
				if v == "" {
					v = "[" + p.Comm + "]"
				}
			case "comm":
				v = p.Comm
			case "nice":
				v = strconv.Itoa(p.Nice)
			case "state":
				v = p.State
			case "vsz":
				v = strconv.FormatInt(p.VSZ, 10)
			case "rss":
				v = strconv.FormatInt(p.RSS, 10)
			}
			row[i] = v
		}
		rows = append(rows, row)
	}
	return rows
}

// containerProcs reads the processes that share the PID namespace of
// initPid, sorted by their PID in that namespace.
func containerProcs(initPid int) ([]ProcInfo, error) {
	ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", initPid))
	if err != nil {
		return nil, fmt.Errorf("reading the PID namespace of the container: %w", err)
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	boot := bootTime()
	var out []ProcInfo
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if l, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", pid)); err != nil || l != ns {
			continue
		}
		p, err := readProc(pid, boot)
		if err != nil {
			continue // it exited meanwhile
		}
		out = append(out, p)
	}
	// PPIDs are host PIDs: map them into the namespace.
	hostToNS := map[int]int{}
	for _, p := range out {
		hostToNS[p.HostPID] = p.PID
	}
	for i := range out {
		out[i].PPID = hostToNS[out[i].PPID]
		out[i].PGID = hostToNS[out[i].PGID]
	}
	translateIDs(out, initPid)
	sort.Slice(out, func(i, j int) bool { return out[i].PID < out[j].PID })
	return out, nil
}

// translateIDs turns the ids of procs, read from /proc in pm's user
// namespace, into ids inside the container (UID, GID, ...) and ids as the
// host sees them (HostUID, HostGID). pm's own uid_map leads from its
// namespace to the host's; a container with a user namespace of its own
// lists in its uid_map, read from pm's namespace, which of pm's ids its ids
// are.
func translateIDs(procs []ProcInfo, initPid int) {
	selfUIDs, selfGIDs := readIDMap("/proc/self/uid_map"), readIDMap("/proc/self/gid_map")
	var ctrUIDs, ctrGIDs []define.IDMap
	own, _ := os.Readlink("/proc/self/ns/user")
	if ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/user", initPid)); err == nil && ns != own {
		ctrUIDs = readIDMap(fmt.Sprintf("/proc/%d/uid_map", initPid))
		ctrGIDs = readIDMap(fmt.Sprintf("/proc/%d/gid_map", initPid))
	}
	for i := range procs {
		p := &procs[i]
		p.HostUID, p.HostGID = toOuterID(selfUIDs, p.UID), toOuterID(selfGIDs, p.GID)
		if ctrUIDs != nil {
			p.UID, p.RUID = toInnerID(ctrUIDs, p.UID), toInnerID(ctrUIDs, p.RUID)
		}
		if ctrGIDs != nil {
			p.GID, p.RGID = toInnerID(ctrGIDs, p.GID), toInnerID(ctrGIDs, p.RGID)
		}
	}
}

// toOuterID maps id from the inside of m to its outside; an id the map
// lacks (or an empty map: no namespace) stays as it is.
func toOuterID(m []define.IDMap, id int) int {
	for _, x := range m {
		if id >= x.ContainerID && id < x.ContainerID+x.Size {
			return x.HostID + id - x.ContainerID
		}
	}
	return id
}

// toInnerID maps id from the outside of m to its inside; an id the map
// lacks is the overflow id, as the kernel shows it.
func toInnerID(m []define.IDMap, id int) int {
	for _, x := range m {
		if id >= x.HostID && id < x.HostID+x.Size {
			return x.ContainerID + id - x.HostID
		}
	}
	return overflowID
}

// overflowID is what the kernel shows for an id with no mapping.
const overflowID = 65534

const clockTicks = 100 // USER_HZ on Linux

func bootTime() time.Time {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return time.Time{}
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "btime "); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return time.Unix(n, 0)
		}
	}
	return time.Time{}
}

// readProc reads /proc/PID/{stat,status,cmdline}.
func readProc(pid int, boot time.Time) (ProcInfo, error) {
	p := ProcInfo{HostPID: pid, PID: pid}
	base := fmt.Sprintf("/proc/%d/", pid)
	stat, err := os.ReadFile(base + "stat")
	if err != nil {
		return p, err
	}
	s := string(stat)
	open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || close < open {
		return p, fmt.Errorf("malformed %sstat", base)
	}
	p.Comm = s[open+1 : close]
	f := strings.Fields(s[close+1:])
	// f[0] is field 3 (state) of proc(5).
	field := func(n int) int64 {
		if n-3 < len(f) {
			v, _ := strconv.ParseInt(f[n-3], 10, 64)
			return v
		}
		return 0
	}
	if len(f) > 0 {
		p.State = f[0]
	}
	p.PPID = int(field(4))
	p.PGID = int(field(5))
	p.TTY = ttyName(field(7))
	p.CPUTime = time.Duration(field(14)+field(15)) * time.Second / clockTicks
	p.Nice = int(field(19))
	start := boot.Add(time.Duration(field(22)) * time.Second / clockTicks)
	p.Elapsed = time.Since(start)
	p.VSZ = field(23) / 1024
	p.RSS = field(24) * int64(os.Getpagesize()) / 1024
	if st, err := os.ReadFile(base + "status"); err == nil {
		for _, line := range strings.Split(string(st), "\n") {
			k, v, _ := strings.Cut(line, ":")
			vals := strings.Fields(v)
			switch {
			case k == "Uid" && len(vals) >= 2:
				p.RUID, _ = strconv.Atoi(vals[0])
				p.UID, _ = strconv.Atoi(vals[1])
			case k == "Gid" && len(vals) >= 2:
				p.RGID, _ = strconv.Atoi(vals[0])
				p.GID, _ = strconv.Atoi(vals[1])
			case k == "NSpid" && len(vals) > 0:
				p.PID, _ = strconv.Atoi(vals[len(vals)-1])
			}
		}
	}
	if cl, err := os.ReadFile(base + "cmdline"); err == nil && len(cl) > 0 {
		p.Args = strings.Split(strings.TrimRight(string(cl), "\x00"), "\x00")
	}
	return p, nil
}

// ttyName names a tty_nr of proc(5): "?" for none.
func ttyName(nr int64) string {
	if nr == 0 {
		return "?"
	}
	major := (nr >> 8) & 0xfff
	minor := (nr & 0xff) | ((nr >> 12) & 0xfff00)
	switch {
	case major >= 136 && major <= 143:
		return fmt.Sprintf("pts/%d", minor+(major-136)*256)
	case major == 4 && minor < 64:
		return fmt.Sprintf("tty%d", minor)
	case major == 5 && minor == 1:
		return "console"
	}
	return "?"
}

// readIDNames maps the IDs of a passwd or group file inside rootfs to
// their names.
func readIDNames(rootfs, name string) map[int]string {
	m := map[int]string{}
	if rootfs == "" {
		return m
	}
	path, err := securejoin.SecureJoin(rootfs, name)
	if err != nil {
		return m
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return m
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) < 3 {
			continue
		}
		id, err := strconv.Atoi(f[2])
		if err != nil {
			continue
		}
		if _, ok := m[id]; !ok {
			m[id] = f[0]
		}
	}
	return m
}
