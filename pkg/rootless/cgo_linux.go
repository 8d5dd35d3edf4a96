//go:build linux && cgo

package rootless

/*
extern int pm_rootless_uid;
extern int pm_rootless_gid;
extern int pm_rootless_joined;
extern int pm_rootless_pause_pid;
extern int pm_rootless_join_errno;
extern const char *pm_rootless_join_step;
*/
import "C"

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// canJoin: the constructor is compiled in.
const canJoin = true

func init() {
	st = state{
		uid:       int(C.pm_rootless_uid),
		gid:       int(C.pm_rootless_gid),
		joined:    C.pm_rootless_joined != 0,
		pausePID:  int(C.pm_rootless_pause_pid),
		reexecked: os.Getenv(envReexec) != "",
	}
	if C.pm_rootless_join_step != nil {
		st.joinErr = fmt.Errorf("%s %d: %w", C.GoString(C.pm_rootless_join_step), st.pausePID,
			syscall.Errno(C.pm_rootless_join_errno))
	}
	os.Unsetenv(envReexec)
	syncEnv()
}

// syncEnv makes Go's copy of the environment, which children and
// go.podman.io/storage see, say what the constructor found: the
// constructor's setenv changes only the C environment.
func syncEnv() {
	if st.joined {
		os.Setenv(envConfigured, "done")
		os.Setenv(envRootUID, strconv.Itoa(st.uid))
		os.Setenv(envRootGID, strconv.Itoa(st.gid))
		os.Setenv(envJoined, strconv.Itoa(st.pausePID))
		return
	}
	// Markers inherited by a process outside the namespace are lies.
	for _, k := range []string{envConfigured, envRootUID, envRootGID, envJoined} {
		os.Unsetenv(k)
	}
}
