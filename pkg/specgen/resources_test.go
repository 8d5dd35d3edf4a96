package specgen

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/pm-project/pm/libpod/define"
)

func TestParseBytesRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		bad  string
	}{
		{"512m", 512 << 20, ""},
		{"1.5GiB", 3 << 29, ""},
		{"10 KB", 10 << 10, ""},
		{"7b", 7, ""},
		{"1p", 1 << 50, ""},
		{"7t", 7 << 40, ""},
		{"0", 0, ""},
		{"99999999999999999999999g", 0, "too large"},
		{"8589934592g", 0, "too large"}, // 2^63 bytes
		{"nan", 0, "not a size"},
		{"NaN", 0, "not a size"},
		{"inf", 0, "not a size"},
		{"+Inf", 0, "not a size"},
		{"infinity", 0, "not a size"},
		{"1e30", 0, "not a size"},
		{"1e3m", 0, "not a size"},
		{"-1", 0, "not a size"},
		{"-1g", 0, "not a size"},
		{"0x10", 0, "not a size"},
		{"1_000", 0, "not a size"},
		{"", 0, "not a size"},
		{"g", 0, "not a size"},
		{"1x", 0, "not a size"},
		{".5k", 0, "not a size"},
	}
	for _, tt := range tests {
		got, err := ParseBytes(tt.in)
		if tt.bad != "" {
			if !errors.Is(err, define.ErrInvalidArg) || !strings.Contains(err.Error(), tt.bad) {
				t.Errorf("ParseBytes(%q) = %d, %v; want an error with %q", tt.in, got, err, tt.bad)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"nan", "inf", "1e30", "99999999999999999999999g"} {
		if _, err := ParseDecimalSize(in); err == nil {
			t.Errorf("ParseDecimalSize(%q) accepted", in)
		}
	}
}

func TestValidateResources(t *testing.T) {
	t.Parallel()
	u := func(n uint) *uint { return &n }
	ncpu := float64(runtime.NumCPU())
	tests := []struct {
		name string
		spec Spec
		bad  string
	}{
		{"none", Spec{}, ""},
		{"sane", Spec{Resources: Resources{CPUs: 0.5, MemoryBytes: 64 << 20, MemorySwap: 128 << 20, CPUShares: 512, PidsLimit: 100}, ShmSize: 1 << 20, StopTimeout: u(30), Timeout: 60}, ""},
		{"all the CPUs", Spec{Resources: Resources{CPUs: ncpu}}, ""},
		{"unlimited", Spec{Resources: Resources{MemorySwap: -1, PidsLimit: -1}}, ""},
		{"cpus nan", Spec{Resources: Resources{CPUs: math.NaN()}}, "invalid --cpus NaN: not a number of CPUs"},
		{"cpus inf", Spec{Resources: Resources{CPUs: math.Inf(1)}}, "invalid --cpus +Inf"},
		{"cpus negative", Spec{Resources: Resources{CPUs: -1}}, "invalid --cpus -1: must not be negative"},
		{"cpus too many", Spec{Resources: Resources{CPUs: ncpu + 1}}, "as there are only"},
		{"cpus huge", Spec{Resources: Resources{CPUs: 1e300}}, "range of CPUs is from 0.01"},
		{"cpus tiny", Spec{Resources: Resources{CPUs: 0.001}}, "range of CPUs is from 0.01"},
		{"memory negative", Spec{Resources: Resources{MemoryBytes: -5}}, "invalid --memory -5"},
		{"reservation negative", Spec{Resources: Resources{MemoryReservation: -5}}, "invalid --memory-reservation -5"},
		{"swap below -1", Spec{Resources: Resources{MemorySwap: -2}}, "invalid --memory-swap -2"},
		{"swap below memory", Spec{Resources: Resources{MemoryBytes: 64 << 20, MemorySwap: 32 << 20}}, "must be at least --memory"},
		{"shares 1", Spec{Resources: Resources{CPUShares: 1}}, "invalid --cpu-shares 1: must be between 2 and 262144"},
		{"shares huge", Spec{Resources: Resources{CPUShares: 1 << 40}}, "invalid --cpu-shares"},
		{"pids below -1", Spec{Resources: Resources{PidsLimit: -5}}, "invalid --pids-limit -5"},
		{"shm negative", Spec{ShmSize: -1}, "invalid --shm-size -1"},
		{"stop timeout huge", Spec{StopTimeout: u(define.MaxStopTimeout + 1)}, "invalid --stop-timeout"},
		{"timeout huge", Spec{Timeout: math.MaxInt32 + 1}, "invalid --timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.spec.validateResources()
			if tt.bad == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, define.ErrInvalidArg) || !strings.Contains(err.Error(), tt.bad) {
				t.Fatalf("got %v, want an invalid argument with %q", err, tt.bad)
			}
		})
	}
}
