package libpod

import (
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// readPid reads a pid file; 0 when it is missing or malformed.
func readPid(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	return n
}

// alive reports whether a process with pid exists (and is no zombie).
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if err := unix.Kill(pid, 0); err != nil && err != unix.EPERM {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command's closing parenthesis.
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) && s[i+2] == 'Z' {
		return false
	}
	return true
}

// isConmon reports whether pid is a conmon process.
func isConmon(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	return err == nil && strings.TrimSpace(string(b)) == "conmon"
}

// killProcess sends SIGKILL to pid and waits briefly for it to go.
// It waits on a pidfd, which is readable the moment pid exits (and names
// that process even if its pid is reused meanwhile); where there is none,
// it polls.
func killProcess(pid int) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		unix.Kill(pid, unix.SIGKILL)
		for i := 0; i < 1000 && alive(pid); i++ {
			time.Sleep(time.Millisecond)
		}
		return
	}
	defer unix.Close(fd)
	if err := unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0); err != nil {
		return // gone already
	}
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	deadline := time.Now().Add(time.Second)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return
		}
		n, err := unix.Poll(fds, int(left.Milliseconds())+1)
		if n > 0 || (err != nil && err != unix.EINTR) {
			return
		}
	}
}

// killRuntimeCreate kills the processes of this user that run an OCI
// runtime's create of container id in bundle (the runtime's command line:
// "create", "--bundle BUNDLE", the id last) and returns how many it found.
func killRuntimeCreate(bundle, id string) int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	uid := os.Geteuid()
	n := 0
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		var st unix.Stat_t
		if unix.Stat("/proc/"+e.Name(), &st) != nil || int(st.Uid) != uid {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !isRuntimeCreate(strings.Split(strings.TrimRight(string(b), "\x00"), "\x00"), bundle, id) {
			continue
		}
		killProcess(pid)
		n++
	}
	return n
}

// isRuntimeCreate reports whether args are an OCI runtime's create of
// container id in bundle.
func isRuntimeCreate(args []string, bundle, id string) bool {
	if len(args) < 4 || args[len(args)-1] != id {
		return false
	}
	create, inBundle := false, false
	for i, a := range args[1 : len(args)-1] {
		switch {
		case a == "create":
			create = true
		case a == "--bundle="+bundle, (a == "--bundle" || a == "-b") && args[i+2] == bundle:
			inBundle = true
		}
	}
	return create && inBundle
}
