package systemd

import (
	"os"
	"strconv"
)

// ListenFDs reports the sockets systemd passed to this process by socket
// activation: LISTEN_FDS (fds 3 to 3+n-1) when LISTEN_PID is this
// process's pid, and LISTEN_FDNAMES. n is 0 when there are none, or when
// the variables were meant for another process.
func ListenFDs() (n uint, names string) {
	pid, err := strconv.Atoi(os.Getenv("LISTEN_PID"))
	if err != nil || pid != os.Getpid() {
		return 0, ""
	}
	fds, err := strconv.ParseUint(os.Getenv("LISTEN_FDS"), 10, 16)
	if err != nil {
		return 0, ""
	}
	return uint(fds), os.Getenv("LISTEN_FDNAMES")
}
