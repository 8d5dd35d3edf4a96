package specgen

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// Health is the healthcheck asked for: --health-* and --no-healthcheck,
// or Docker's Config.Healthcheck. A nil field takes the image's
// HEALTHCHECK value, then the default.
type Health struct {
	// Disable drops every healthcheck, the image's included.
	Disable bool
	// Test is the check in Docker's form: ["CMD-SHELL", "command"],
	// ["CMD", arg...] or ["NONE"]; nil means the image's.
	Test []string
	// Interval 0 means no timer: the check runs only when asked.
	Interval    *time.Duration
	Timeout     *time.Duration
	StartPeriod *time.Duration
	// StartInterval is the time between checks during StartPeriod
	// (Docker's StartInterval); nil checks every Interval then too.
	StartInterval *time.Duration
	Retries       *int
	// OnFailure is none (or ""), kill, restart or stop.
	OnFailure string
}

// ParseHealthCmd parses --health-cmd: a JSON array is a command run
// without a shell (CMD), unless its first word is CMD, CMD-SHELL or NONE
// (Docker's forms); "none" drops the healthcheck; any other string runs
// with /bin/sh -c (CMD-SHELL).
func ParseHealthCmd(s string) ([]string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return nil, define.Invalidf("invalid --health-cmd %q: must not be empty", s)
	}
	if strings.EqualFold(t, "none") {
		return []string{"NONE"}, nil
	}
	if strings.HasPrefix(t, "[") {
		var arr []string
		if err := json.Unmarshal([]byte(t), &arr); err != nil {
			return nil, define.Invalidf("invalid --health-cmd %q: not a JSON array of strings: %v", s, err)
		}
		if len(arr) == 0 {
			return nil, define.Invalidf("invalid --health-cmd %q: empty command", s)
		}
		switch strings.ToUpper(arr[0]) {
		case "CMD", "CMD-SHELL", "NONE":
			arr[0] = strings.ToUpper(arr[0])
			if err := validateHealthTest(arr); err != nil {
				return nil, define.Invalidf("invalid --health-cmd %q: %v", s, err)
			}
			return arr, nil
		}
		return append([]string{"CMD"}, arr...), nil
	}
	return []string{"CMD-SHELL", t}, nil
}

// ParseHealthDuration parses a --health-* duration such as 30s or 1m30s;
// for --health-interval, "disable" is 0: no timer.
func ParseHealthDuration(flag, s string) (time.Duration, error) {
	if flag == "health-interval" && strings.EqualFold(s, "disable") {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, define.Invalidf("invalid --%s %q: use a duration such as 30s or 1m30s", flag, s)
	}
	return d, nil
}

// validateHealthTest checks a test in Docker's form.
func validateHealthTest(test []string) error {
	switch test[0] {
	case "NONE":
		if len(test) > 1 {
			return define.Invalidf("NONE takes no command")
		}
	case "CMD":
		if len(test) < 2 || test[1] == "" {
			return define.Invalidf("CMD needs a command")
		}
	case "CMD-SHELL":
		if len(test) != 2 || strings.TrimSpace(test[1]) == "" {
			return define.Invalidf("CMD-SHELL needs exactly one command string")
		}
	default:
		return define.Invalidf("the test must start with CMD, CMD-SHELL or NONE, not %q", test[0])
	}
	return nil
}

// minHealthDuration is Docker's lower bound for an interval or timeout.
const minHealthDuration = time.Millisecond

func (h *Health) validate() error {
	if h.Test != nil {
		if len(h.Test) == 0 {
			return define.Invalidf("invalid --health-cmd: empty command")
		}
		if err := validateHealthTest(h.Test); err != nil {
			return define.Invalidf("invalid --health-cmd: %v", err)
		}
		if h.Disable && h.Test[0] != "NONE" {
			return define.Invalidf("--no-healthcheck conflicts with --health-cmd")
		}
	}
	if d := h.Interval; d != nil && *d != 0 && *d < minHealthDuration {
		return define.Invalidf("invalid --health-interval %s: must be at least 1ms, or disable", *d)
	}
	if d := h.Timeout; d != nil && *d < minHealthDuration {
		return define.Invalidf("invalid --health-timeout %s: must be at least 1ms", *d)
	}
	if d := h.StartPeriod; d != nil && *d < 0 {
		return define.Invalidf("invalid --health-start-period %s: must not be negative", *d)
	}
	if n := h.Retries; n != nil && *n < 1 {
		return define.Invalidf("invalid --health-retries %d: must be at least 1", *n)
	}
	switch h.OnFailure {
	case "", define.HealthActionNone, define.HealthActionKill, define.HealthActionRestart, define.HealthActionStop:
	default:
		return define.Invalidf("invalid --health-on-failure %q: use none, kill, restart or stop", h.OnFailure)
	}
	return nil
}
