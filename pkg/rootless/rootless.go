// Package rootless finds the user's subordinate id ranges, creates the user
// namespace held by the pause process, and joins it. It is the one home of
// pm's C code.
//
// PLACEHOLDER API: the real implementation replaces this file.
package rootless

import (
	"fmt"
	"os"
)

// IsRootless reports whether pm was started by an unprivileged user (even
// after joining the user namespace, where it runs as uid 0).
func IsRootless() bool { return os.Geteuid() != 0 }

// UID returns the user's id outside the user namespace.
func UID() int { return os.Geteuid() }

// GID returns the user's group id outside the user namespace.
func GID() int { return os.Getegid() }

// RuntimeDir returns the directory for pm's runtime files: $XDG_RUNTIME_DIR
// when usable, else /tmp/pm-run-$UID (created 0700, refused when another user
// owns it). Root uses /run.
func RuntimeDir() (string, error) {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return d, nil
	}
	return fmt.Sprintf("/tmp/pm-run-%d", UID()), nil
}

// EnsureUserNamespace makes sure the process runs inside the user's
// namespace: it starts the pause process when there is none and re-executes
// pm, which then joins it. It returns at once for root and when joined.
func EnsureUserNamespace() error { return nil }
