package engine

import (
	"context"
	"time"

	"github.com/pm-project/pm/libpod"
)

// SystemCheckRequest says what SystemCheck looks at and repairs.
type SystemCheckRequest struct {
	Quick  bool           // skip the slow checks
	Repair bool           // remove damaged images, orphaned storage, stale runtime files
	Force  bool           // with Repair: also damaged containers and pods, and those using damaged images
	MaxAge *time.Duration // age from which unused storage counts as damage; nil is 24h
}

// SystemCheckReport is what SystemCheck found and removed.
type SystemCheckReport = libpod.CheckReport

// SystemCheck checks storage, the state database and the runtime files
// for consistency and, when asked, repairs what it can.
func (e *Engine) SystemCheck(ctx context.Context, req SystemCheckRequest) (*SystemCheckReport, error) {
	return e.rt.Check(ctx, libpod.CheckOptions{
		Quick: req.Quick, Repair: req.Repair || req.Force, RepairLossy: req.Force, MaxAge: req.MaxAge,
	})
}
