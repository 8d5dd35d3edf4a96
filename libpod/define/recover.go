package define

import (
	"fmt"
	"log/slog"
	"runtime/debug"
)

// Recover, deferred first in a goroutine pm starts, stops a panic of
// that goroutine from ending the process (the API service above all): it
// logs the panic with its stack and, when errp is not nil, makes it the
// goroutine's error, so that whoever waits for the goroutine learns of
// it. what says what the goroutine does.
//
//	go func() {
//		var err error
//		defer func() { done <- err }()
//		defer define.Recover("copying attach output", &err)
//		err = copyOutput()
//	}()
func Recover(what string, errp *error) {
	p := recover()
	if p == nil {
		return
	}
	slog.Error("recovered from a panic", "in", what, "panic", p, "stack", string(debug.Stack()))
	if errp != nil {
		*errp = fmt.Errorf("internal error while %s: %v", what, p)
	}
}
