package engine

import (
	"context"

	"github.com/pm-project/pm/libpod"
)

// RenumberReport lists what SystemRenumber changed.
type RenumberReport = libpod.RenumberReport

// SystemRenumber verifies and rebuilds pm's lock files (pm's locks are
// files named after what they lock; there are no numbers to reassign).
func (e *Engine) SystemRenumber(ctx context.Context) (*RenumberReport, error) {
	return e.rt.RenumberLocks(ctx)
}
