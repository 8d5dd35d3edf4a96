package generate

import (
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/pkg/specgen"
)

func TestUpdateResources(t *testing.T) {
	t.Parallel()
	mem, swap := int64(1<<30), int64(-1)
	cpus := 1.5
	pids := int64(0)
	oldLimit := int64(100)
	w := uint16(500)
	r := &specs.LinuxResources{
		Memory: &specs.LinuxMemory{Limit: &oldLimit},
		BlockIO: &specs.LinuxBlockIO{ThrottleReadBpsDevice: []specs.LinuxThrottleDevice{
			{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 1, Minor: 5}, Rate: 1},
			{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 0}, Rate: 2},
		}},
	}
	u := &specgen.ResourceUpdate{
		Memory: &mem, MemorySwap: &swap, CPUs: &cpus, PidsLimit: &pids,
		BlkioWeightDevice: []specgen.WeightDevice{{Path: "/dev/sda", Weight: w}},
		DeviceReadBps:     []specgen.ThrottleDevice{{Path: "/dev/zero", Rate: 10 << 20}},
	}
	devs := map[string]DeviceNumber{"/dev/zero": {1, 5}, "/dev/sda": {8, 0}}
	UpdateResources(r, u, devs)
	mem = 7 // the update holds copies, not the caller's values
	if *r.Memory.Limit != 1<<30 || *r.Memory.Swap != -1 || r.Memory.Reservation != nil {
		t.Errorf("memory: %+v", r.Memory)
	}
	if *r.CPU.Period != 100000 || *r.CPU.Quota != 150000 || r.CPU.Shares != nil {
		t.Errorf("cpu: period %v quota %v", *r.CPU.Period, *r.CPU.Quota)
	}
	if *r.Pids.Limit != -1 {
		t.Errorf("pids limit 0 is %d, want -1 (unlimited)", *r.Pids.Limit)
	}
	rb := r.BlockIO.ThrottleReadBpsDevice
	if len(rb) != 2 || rb[0].Rate != 10<<20 || rb[1].Rate != 2 {
		t.Errorf("read bps: the entry for 1:5 is replaced, 8:0 kept: %+v", rb)
	}
	if wd := r.BlockIO.WeightDevice; len(wd) != 1 || wd[0].Major != 8 || *wd[0].Weight != 500 {
		t.Errorf("weight device: %+v", wd)
	}
	// Nothing asked, nothing changed.
	before := *r.CPU.Quota
	UpdateResources(r, &specgen.ResourceUpdate{}, nil)
	if *r.CPU.Quota != before {
		t.Errorf("an empty update changed the quota")
	}
}
