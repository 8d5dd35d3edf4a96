package e2e

import (
	"bufio"
	"bytes"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// becomeSubreaper makes the test process the reaper of every orphan that
// pm leaves while the tests run: pause processes, conmons, pasta, exit
// commands. They stay in this process's tree, so the end-of-run sweep finds
// exactly what this run left (never a process of a concurrent run or of the
// developer), and the orphans that exit are reaped here at once.
func becomeSubreaper() error {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return err
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGCHLD)
	go func() {
		// SIGCHLD signals coalesce: the ticker catches what a merged one hid.
		tick := time.NewTicker(time.Second)
		for {
			select {
			case <-sigs:
			case <-tick.C:
			}
			reapOrphans()
		}
	}()
	return nil
}

// reapOrphans collects the exited children of this process that os/exec
// did not start. Those os/exec started are its to wait for: they are the
// children this process holds a pidfd for.
func reapOrphans() {
	var zombies []int
	for _, pid := range childPids() {
		if st, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat")); err == nil && bytes.Contains(st, []byte(") Z ")) {
			zombies = append(zombies, pid)
		}
	}
	if len(zombies) == 0 {
		return
	}
	held := pidfdTargets()
	for _, pid := range zombies {
		if !held[pid] {
			var ws syscall.WaitStatus
			_, _ = syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
		}
	}
}

// childPids lists the children of every thread of this process.
func childPids() []int {
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	var out []int
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, s := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(s); err == nil {
				out = append(out, pid)
			}
		}
	}
	return out
}

// pidfdTargets returns the pids this process holds a pidfd for.
func pidfdTargets() map[int]bool {
	out := map[int]bool{}
	fds, _ := os.ReadDir("/proc/self/fd")
	for _, fd := range fds {
		if l, _ := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); l != "anon_inode:[pidfd]" {
			continue
		}
		f, err := os.Open(filepath.Join("/proc/self/fdinfo", fd.Name()))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "Pid:"); ok {
				if pid, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
					out[pid] = true
				}
			}
		}
		f.Close()
	}
	return out
}

// descendants lists the live processes below this one.
func descendants() []procInfo {
	procs := listProcs()
	children := map[int][]procInfo{}
	for _, p := range procs {
		children[p.ppid] = append(children[p.ppid], p)
	}
	var out []procInfo
	var walk func(int)
	walk = func(pid int) {
		for _, c := range children[pid] {
			if !c.zombie() {
				out = append(out, c)
			}
			walk(c.pid)
		}
	}
	walk(os.Getpid())
	return out
}
