package engine

import (
	"testing"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

func TestNextHealthWait(t *testing.T) {
	t.Parallel()
	hc := define.HealthConfig{Interval: time.Hour, StartPeriod: time.Minute, StartInterval: time.Second}
	now := time.Now()
	for _, tt := range []struct {
		hc      define.HealthConfig
		started time.Time
		rep     *HealthcheckReport
		want    time.Duration
	}{
		{hc, now, nil, time.Second},
		{hc, now, &HealthcheckReport{Status: define.HealthStarting}, time.Second},
		{hc, now, &HealthcheckReport{Status: define.HealthHealthy}, time.Hour},
		{hc, now.Add(-2 * time.Minute), nil, time.Hour},
		{define.HealthConfig{Interval: time.Hour, StartPeriod: time.Minute}, now, nil, time.Hour},
	} {
		if got := nextHealthWait(tt.hc, tt.started, tt.rep); got != tt.want {
			t.Errorf("nextHealthWait(%+v, %v) = %v, want %v", tt.hc, tt.rep, got, tt.want)
		}
	}
}
