package oci

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// Update changes the cgroup limits of a running container: `RUNTIME update
// --resources - ID`, the resources as JSON on stdin. The device rules are
// left out: they are fixed at create.
func (r *Runtime) Update(ctx context.Context, id string, res *specs.LinuxResources) error {
	live := *res
	live.Devices = nil
	b, err := json.Marshal(&live)
	if err != nil {
		return fmt.Errorf("encoding resources of %s: %w", id, err)
	}
	_, err = r.runInput(ctx, bytes.NewReader(b), "update", "--resources", "-", id)
	return err
}

// BlkioWeightSupported reports whether the host's I/O controller takes a
// relative weight (--blkio-weight): cgroup v1's blkio needs the CFQ or BFQ
// scheduler for it. On cgroup v2 the runtime decides.
func BlkioWeightSupported() bool {
	if CgroupVersion() == "v2" {
		return true
	}
	for _, f := range []string{"blkio.weight", "blkio.bfq.weight"} {
		if _, err := os.Stat(filepath.Join("/sys/fs/cgroup/blkio", f)); err == nil {
			return true
		}
	}
	return false
}
