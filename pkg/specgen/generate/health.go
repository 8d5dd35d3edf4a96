package generate

import (
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

// Healthcheck is the container's healthcheck: the user's values over the
// image's HEALTHCHECK, field by field, as Docker merges them, then the
// defaults (interval and timeout 30s, 3 retries). Nil means none: none
// asked for, --no-healthcheck, or a test of NONE.
func Healthcheck(s *specgen.Spec, img ImageConfig) *define.HealthConfig {
	h := &s.Health
	if h.Disable {
		return nil
	}
	var base define.HealthConfig
	if img.Healthcheck != nil {
		base = *img.Healthcheck
	}
	test := base.Test
	if h.Test != nil {
		test = h.Test
	}
	if len(test) == 0 || strings.ToUpper(test[0]) == "NONE" {
		return nil
	}
	hc := &define.HealthConfig{
		Test:          append([]string{}, test...),
		Interval:      define.DefaultHealthInterval,
		Timeout:       define.DefaultHealthTimeout,
		StartPeriod:   base.StartPeriod,
		StartInterval: base.StartInterval,
		Retries:       define.DefaultHealthRetries,
	}
	if base.Interval > 0 {
		hc.Interval = base.Interval
	}
	if base.Timeout > 0 {
		hc.Timeout = base.Timeout
	}
	if base.Retries > 0 {
		hc.Retries = base.Retries
	}
	if h.Interval != nil {
		hc.Interval = *h.Interval
	}
	if h.Timeout != nil {
		hc.Timeout = *h.Timeout
	}
	if h.StartPeriod != nil {
		hc.StartPeriod = *h.StartPeriod
	}
	if h.StartInterval != nil {
		hc.StartInterval = *h.StartInterval
	}
	if h.Retries != nil {
		hc.Retries = *h.Retries
	}
	return hc
}
