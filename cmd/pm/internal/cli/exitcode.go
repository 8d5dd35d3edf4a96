package cli

import (
	"errors"

	"github.com/pm-project/pm/libpod/define"
)

// Exit codes of the rm verbs (rm, rmi, pod rm, network rm, volume rm), as
// Podman's EXIT STATUS sections give them.
const (
	ExitNoSuchObject = 1 // a named object does not exist, and nothing else failed
	ExitObjectInUse  = 2 // an object is running or used by another
)

// RemoveExit gives err the exit code of an rm verb: 1 when every failure is
// a missing object, 2 when one failure is an object in use (inUse tells
// which errors are), else err unchanged (125). The message stays as it was.
func RemoveExit(err error, inUse func(error) bool) error {
	if err == nil {
		return nil
	}
	var ec *define.ExitCodeError
	if errors.As(err, &ec) {
		return err
	}
	parts := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok && !isClassed(err) {
		parts = j.Unwrap()
	}
	notFound, used := 0, 0
	for _, p := range parts {
		switch {
		case inUse != nil && inUse(p):
			used++
		case errors.Is(p, define.ErrNotFound):
			notFound++
		}
	}
	switch {
	case used > 0 && used+notFound == len(parts):
		return &define.ExitCodeError{Code: ExitObjectInUse, Err: err}
	case notFound == len(parts):
		return &define.ExitCodeError{Code: ExitNoSuchObject, Err: err}
	}
	return err
}

// isClassed reports whether err is one classed error (whose Unwrap lists its
// class and cause) rather than a join of several.
func isClassed(err error) bool {
	for _, c := range []error{define.ErrNotFound, define.ErrAlreadyExists, define.ErrInvalidArg,
		define.ErrInvalidState, define.ErrConflict, define.ErrPermission, define.ErrUnsupported, define.ErrInternal} {
		for _, p := range err.(interface{ Unwrap() []error }).Unwrap() {
			if p == c {
				return true
			}
		}
	}
	return false
}
