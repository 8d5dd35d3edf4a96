package createflags

import (
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/spf13/pflag"
)

// healthFlags are the healthcheck flags of run and create.
type healthFlags struct {
	Cmd, Interval, Timeout, StartPeriod string
	Retries                             int
	OnFailure                           string
	Disable                             bool
}

func (f *healthFlags) bind(fs *pflag.FlagSet) {
	fs.StringVar(&f.Cmd, "health-cmd", "", `Set a healthcheck command for the container: a shell command, or a JSON array run without a shell ("none" drops the image's)`)
	fs.StringVar(&f.Interval, "health-interval", "30s", `Time between two healthchecks ("disable": no timer, run checks with pm healthcheck run)`)
	fs.IntVar(&f.Retries, "health-retries", define.DefaultHealthRetries, "Failed healthchecks in a row before the container is unhealthy")
	fs.StringVar(&f.StartPeriod, "health-start-period", "0s", "Time after a start during which failed healthchecks do not count")
	fs.StringVar(&f.Timeout, "health-timeout", "30s", "Time a healthcheck may take before it counts as failed")
	fs.StringVar(&f.OnFailure, "health-on-failure", define.HealthActionNone, "Action when the container turns unhealthy: none, kill, restart or stop")
	fs.BoolVar(&f.Disable, "no-healthcheck", false, "Disable any healthcheck, the image's included")
}

// apply sets the flags given into s.Health; those not given leave the
// image's values (or the defaults) in place.
func (f *healthFlags) apply(fs *pflag.FlagSet, s *specgen.Spec) error {
	h := &s.Health
	h.Disable = f.Disable
	h.OnFailure = f.OnFailure
	if fs.Changed("health-cmd") {
		test, err := specgen.ParseHealthCmd(f.Cmd)
		if err != nil {
			return err
		}
		h.Test = test
	}
	for _, d := range []struct {
		flag, val string
		dst       **time.Duration
	}{
		{"health-interval", f.Interval, &h.Interval},
		{"health-timeout", f.Timeout, &h.Timeout},
		{"health-start-period", f.StartPeriod, &h.StartPeriod},
	} {
		if !fs.Changed(d.flag) {
			continue
		}
		v, err := specgen.ParseHealthDuration(d.flag, d.val)
		if err != nil {
			return err
		}
		*d.dst = &v
	}
	if fs.Changed("health-retries") {
		n := f.Retries
		h.Retries = &n
	}
	return nil
}
