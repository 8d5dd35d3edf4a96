// Package rootless finds the user's subordinate id ranges, creates the user
// namespace held by the pause process, and joins it. It is the one home of
// pm's C code.
//
// A C constructor (constructor_linux.c) runs before the Go runtime starts:
// when the user's pause process is alive it joins its user and mount
// namespaces there and then, so the common case costs no fork and no
// re-exec. Otherwise EnsureUserNamespace starts a pause process, maps ids
// into it with newuidmap/newgidmap and re-executes pm, whose constructor then
// joins.
package rootless

// Environment variables shared with the constructor and with
// go.podman.io/storage.
const (
	envPause      = "_PM_PAUSE"         // set in the pause process
	envJoined     = "_PM_USERNS_JOINED" // pid of the pause process joined
	envReexec     = "_PM_REEXEC"        // set before re-executing, guards a loop
	envConfigured = "_CONTAINERS_USERNS_CONFIGURED"
	envRootUID    = "_CONTAINERS_ROOTLESS_UID"
	envRootGID    = "_CONTAINERS_ROOTLESS_GID"
)

// pauseName is the pause process's comm, set by the constructor.
const pauseName = "pm-pause"

// state is what the constructor found, read once at init.
type state struct {
	uid, gid  int
	joined    bool
	pausePID  int
	joinErr   error // why the constructor could not join, if it tried
	reexecked bool  // this process is a re-exec of EnsureUserNamespace
}

var st state

// IsRootless reports whether pm was started by an unprivileged user (even
// after joining the user namespace, where it runs as uid 0).
func IsRootless() bool { return st.uid != 0 }

// UID returns the user's id outside the user namespace.
func UID() int { return st.uid }

// GID returns the user's group id outside the user namespace.
func GID() int { return st.gid }

// Joined reports whether the process runs inside the namespaces of the pause
// process.
func Joined() bool { return st.joined }
