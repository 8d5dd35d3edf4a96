//go:build !linux || !cgo

package rootless

import "os"

// canJoin: without cgo there is no constructor to join the namespace.
const canJoin = false

func init() {
	st = state{uid: os.Geteuid(), gid: os.Getegid()}
}
