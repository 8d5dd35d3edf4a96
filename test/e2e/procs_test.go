package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// procInfo is what cleanup needs to know about a process.
type procInfo struct {
	pid, ppid int
	uid       int
	state     string // R, S, D, Z, ...
	comm      string
	userns    string // the target of /proc/PID/ns/user
	environ   []byte // NUL-separated; empty when unreadable
}

func (p procInfo) hasEnv(kv string) bool {
	for _, v := range bytes.Split(p.environ, []byte{0}) {
		if string(v) == kv {
			return true
		}
	}
	return false
}

func (p procInfo) zombie() bool { return p.state == "Z" }

// String says which process it is, for a report: pid, name, uid and
// command line.
func (p procInfo) String() string {
	cmdline, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.pid), "cmdline"))
	args := strings.TrimSpace(strings.ReplaceAll(string(cmdline), "\x00", " "))
	if len(args) > 200 {
		args = args[:200] + "..."
	}
	return fmt.Sprintf("%d (%s, uid %d): %s", p.pid, p.comm, p.uid, args)
}

func listProcs() []procInfo {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	var out []procInfo
	for _, ent := range ents {
		pid, err := strconv.Atoi(ent.Name())
		if err != nil || pid == self {
			continue
		}
		dir := filepath.Join("/proc", ent.Name())
		p := procInfo{pid: pid, uid: -1}
		status, err := os.ReadFile(filepath.Join(dir, "status"))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(status))
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), ":")
			f := strings.Fields(v)
			if len(f) == 0 {
				continue
			}
			switch k {
			case "Name":
				p.comm = f[0]
			case "State":
				p.state = f[0]
			case "PPid":
				p.ppid, _ = strconv.Atoi(f[0])
			case "Uid":
				p.uid, _ = strconv.Atoi(f[0])
			}
		}
		p.userns, _ = os.Readlink(filepath.Join(dir, "ns", "user"))
		p.environ, _ = os.ReadFile(filepath.Join(dir, "environ"))
		out = append(out, p)
	}
	return out
}

// selectProcs returns, among procs, the live processes that match, the
// given pids, every process sharing a user namespace with one of those pids
// (a pause process's namespace holds conmons, containers and pasta), and
// all their descendants, by pid.
func selectProcs(procs []procInfo, match func(procInfo) bool, pids ...int) []procInfo {
	byPid := map[int]procInfo{}
	children := map[int][]int{}
	for _, p := range procs {
		byPid[p.pid] = p
		children[p.ppid] = append(children[p.ppid], p.pid)
	}
	hostNS, _ := os.Readlink("/proc/self/ns/user")
	chosen := map[int]bool{}
	nsSet := map[string]bool{}
	for _, pid := range pids {
		if p, ok := byPid[pid]; ok {
			chosen[pid] = true
			if p.userns != "" && p.userns != hostNS {
				nsSet[p.userns] = true
			}
		}
	}
	for _, p := range procs {
		if match(p) || nsSet[p.userns] {
			chosen[p.pid] = true
		}
	}
	var walk func(int)
	walk = func(pid int) {
		for _, c := range children[pid] {
			if !chosen[c] {
				chosen[c] = true
				walk(c)
			}
		}
	}
	for pid := range chosen {
		walk(pid)
	}
	var out []procInfo
	for pid := range chosen {
		if p := byPid[pid]; !p.zombie() {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pid < out[j].pid })
	return out
}

// killProcesses SIGKILLs what selectProcs selects, again until nothing is
// selected (a process forked between a listing and the kill, such as an exit
// command conmon was starting, is caught by the next round; pids re-reads the
// pids each round, so a pause process started meanwhile is too), and waits
// briefly for them to go (a zombie counts as gone: the reaper or its parent
// collects it). It returns what it killed.
func killProcesses(match func(procInfo) bool, pids func() []int) []procInfo {
	var killed []procInfo
	for round := 0; round < 10; round++ {
		chosen := selectProcs(listProcs(), match, pids()...)
		if len(chosen) == 0 {
			break
		}
		for _, p := range chosen {
			if syscall.Kill(p.pid, syscall.SIGKILL) == nil {
				killed = append(killed, p)
			}
		}
		deadline := time.Now().Add(5 * time.Second)
		for _, p := range chosen {
			for time.Now().Before(deadline) && alive(p.pid) {
				time.Sleep(20 * time.Millisecond)
			}
		}
	}
	return killed
}

// unmountUnder detaches every mount of this mount namespace below dir,
// deepest first (root-mode storage leaves overlay mounts behind).
func unmountUnder(dir string) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return
	}
	var points []string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		mp := unescapeMount(f[4])
		if mp == dir || strings.HasPrefix(mp, dir+"/") {
			points = append(points, mp)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(points)))
	for _, mp := range points {
		_ = syscall.Unmount(mp, syscall.MNT_DETACH)
	}
}

func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
