package define

import (
	"math"
	"time"
)

// MaxStopTimeout is the longest stop timeout, in seconds, that a
// time.Duration holds (about 292 years).
const MaxStopTimeout = uint(math.MaxInt64 / int64(time.Second))

// CheckStopTimeout refuses a stop timeout longer than MaxStopTimeout;
// name is the option that gave it, for the message.
func CheckStopTimeout(name string, seconds uint) error {
	if seconds > MaxStopTimeout {
		return Invalidf("invalid %s %d: at most %d seconds", name, seconds, MaxStopTimeout)
	}
	return nil
}
