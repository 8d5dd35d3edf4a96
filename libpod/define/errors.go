// Package define holds pm's error classes, named errors, state enums and the
// plain data types shared by every layer. It imports nothing of pm.
package define

import (
	"errors"
	"fmt"
)

// Error classes. Every error pm returns wraps exactly one of them, so callers
// (the exit-code and HTTP-status mappers) test with errors.Is.
var (
	ErrNotFound      = errors.New("not found")
	ErrAlreadyExists = errors.New("already exists")
	ErrInvalidArg    = errors.New("invalid argument")
	ErrInvalidState  = errors.New("invalid state")
	ErrConflict      = errors.New("conflict")
	ErrPermission    = errors.New("permission denied")
	ErrUnsupported   = errors.New("unsupported")
	ErrInternal      = errors.New("internal error")
)

// classError is an error that belongs to a class without the class's text
// showing in its message.
type classError struct {
	msg   string
	class error
	cause error // the error wrapped with %w, if any
}

func (e *classError) Error() string { return e.msg }
func (e *classError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.class, e.cause}
	}
	return []error{e.class}
}

// NewError returns a named error with message msg that wraps class.
func NewError(class error, msg string) error {
	return &classError{msg: msg, class: class}
}

// Named errors.
var (
	ErrNoSuchImage   = NewError(ErrNotFound, "no such image")
	ErrNoSuchCtr     = NewError(ErrNotFound, "no such container")
	ErrNoSuchPod     = NewError(ErrNotFound, "no such pod")
	ErrNoSuchVolume  = NewError(ErrNotFound, "no such volume")
	ErrNoSuchExec    = NewError(ErrNotFound, "no such exec session")
	ErrNoSuchNetwork = NewError(ErrNotFound, "network not found")
	ErrNameInUse     = NewError(ErrAlreadyExists, "name is in use")
	ErrImageInUse    = NewError(ErrConflict, "image is in use by a container")
	ErrStateChanged  = NewError(ErrConflict, "state changed by another process")
	ErrDBMismatch    = NewError(ErrInvalidState, "database configuration mismatch")
	// ErrOCIRuntime marks the OCI runtime's own refusals (runc create,
	// start): a container that cannot run exits 126, as in Podman.
	ErrOCIRuntime = NewError(ErrInternal, "OCI runtime error")
	// ErrRuntimeUnavailable marks an OCI runtime that cannot run on this
	// host (binary missing, no /dev/kvm, ...): exit 126, as in Podman.
	ErrRuntimeUnavailable = NewError(ErrUnsupported, "OCI runtime cannot run here")
)

// Errorf formats an error of class; a %w verb in format also wraps its
// argument, as fmt.Errorf does.
func Errorf(class error, format string, args ...any) error {
	e := fmt.Errorf(format, args...)
	return &classError{msg: e.Error(), class: class, cause: errors.Unwrap(e)}
}

// Invalidf returns an invalid-argument error with a formatted message.
func Invalidf(format string, args ...any) error {
	return Errorf(ErrInvalidArg, format, args...)
}

// ExitCodeError carries the exit code of a container or a command run inside
// one; pm exits with that code instead of 125.
type ExitCodeError struct {
	Code int
	Err  error // may be nil: then nothing is printed
}

func (e *ExitCodeError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitCodeError) Unwrap() error { return e.Err }

// Exit codes of pm's own failures, as in Podman.
const (
	ExitPM          = 125
	ExitCannotRun   = 126
	ExitCmdNotFound = 127
)

// ExitCode maps an error to the process exit code.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var ec *ExitCodeError
	if errors.As(err, &ec) {
		return ec.Code
	}
	if errors.Is(err, ErrRuntimeUnavailable) {
		return ExitCannotRun
	}
	return ExitPM
}
