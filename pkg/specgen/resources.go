package specgen

import (
	"math"
	"runtime"

	"github.com/pm-project/pm/libpod/define"
)

// CPU shares bounds of the kernel's cpu.shares, which Docker checks too.
const (
	minCPUShares = 2
	maxCPUShares = 262144
)

// maxConmonTimeout is the largest --timeout conmon reads (a C int).
const maxConmonTimeout = math.MaxInt32

// validateResources range-checks the numbers of resource limits and
// timeouts, naming the option and its value: NaN, infinities, negative
// numbers, and values beyond what the kernel or pm's types hold are
// refused before anything is made.
func (s *Spec) validateResources() error {
	r := s.Resources
	switch cpus := r.CPUs; {
	case math.IsNaN(cpus) || math.IsInf(cpus, 0):
		return define.Invalidf("invalid --cpus %v: not a number of CPUs", cpus)
	case cpus < 0:
		return define.Invalidf("invalid --cpus %v: must not be negative", cpus)
	case cpus > 0 && cpus < 0.01 || cpus > float64(runtime.NumCPU()):
		return define.Invalidf("invalid --cpus %v: range of CPUs is from 0.01 to %d.00, as there are only %d CPUs available", cpus, runtime.NumCPU(), runtime.NumCPU())
	}
	if r.MemoryBytes < 0 {
		return define.Invalidf("invalid --memory %d: must not be negative", r.MemoryBytes)
	}
	if r.MemoryReservation < 0 {
		return define.Invalidf("invalid --memory-reservation %d: must not be negative", r.MemoryReservation)
	}
	switch {
	case r.MemorySwap < -1:
		return define.Invalidf("invalid --memory-swap %d: use a size, or -1 for unlimited swap", r.MemorySwap)
	case r.MemorySwap > 0 && r.MemoryBytes > 0 && r.MemorySwap < r.MemoryBytes:
		return define.Invalidf("invalid --memory-swap %d: must be at least --memory (%d), or -1 for unlimited swap", r.MemorySwap, r.MemoryBytes)
	}
	if r.CPUShares != 0 && (r.CPUShares < minCPUShares || r.CPUShares > maxCPUShares) {
		return define.Invalidf("invalid --cpu-shares %d: must be between %d and %d", r.CPUShares, minCPUShares, maxCPUShares)
	}
	if r.PidsLimit < -1 {
		return define.Invalidf("invalid --pids-limit %d: use a positive number, or -1 for no limit", r.PidsLimit)
	}
	if s.ShmSize < 0 {
		return define.Invalidf("invalid --shm-size %d: must not be negative", s.ShmSize)
	}
	if s.StopTimeout != nil {
		if err := define.CheckStopTimeout("--stop-timeout", *s.StopTimeout); err != nil {
			return err
		}
	}
	if v, ok := s.LogOpts["max-size"]; ok {
		if _, err := ParseDecimalSize(v); err != nil {
			return define.Invalidf("invalid --log-opt max-size=%s: %v", v, err)
		}
	}
	if s.Timeout > maxConmonTimeout {
		return define.Invalidf("invalid --timeout %d: at most %d seconds", s.Timeout, maxConmonTimeout)
	}
	return nil
}
