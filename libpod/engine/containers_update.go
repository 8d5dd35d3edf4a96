package engine

import (
	"context"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/oci"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/pm-project/pm/pkg/specgen/generate"
	"golang.org/x/sys/unix"
)

// errNoBlkioWeight refuses block I/O weights where the host has none.
var errNoBlkioWeight = define.Errorf(define.ErrUnsupported, "--blkio-weight and --blkio-weight-device: this host's block I/O controller takes no weights (cgroup v1 without the CFQ or BFQ scheduler)")

// ContainerUpdateRequest is what may change on a container after create.
type ContainerUpdateRequest struct {
	// Restart is a --restart value (no, on-failure[:N], always,
	// unless-stopped); nil leaves the policy as it is.
	Restart *string
	// Resources are new cgroup limits; nil or empty leaves them as they are.
	Resources *specgen.ResourceUpdate
}

// ContainerUpdateReport is the result of ContainerUpdate.
type ContainerUpdateReport struct {
	ID       string
	Warnings []string // for stderr: limits this host cannot apply
}

// ContainerUpdate applies req to a container: a running container gets new
// limits at once, and every container keeps them for its next start.
// Rootless on cgroup v1 containers have no cgroup: the limits are ignored
// with Podman's warning. Bad input changes nothing.
func (e *Engine) ContainerUpdate(ctx context.Context, idOrName string, req ContainerUpdateRequest) (*ContainerUpdateReport, error) {
	c, err := e.rt.LookupContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	rep := &ContainerUpdateReport{ID: c.ID()}
	var opts libpod.UpdateOptions
	attrs := map[string]string{}
	if req.Restart != nil {
		p, err := specgen.ParseRestart(*req.Restart)
		if err != nil {
			return nil, err
		}
		opts.Restart = &define.RestartPolicy{Name: p.Name, MaxRetries: p.MaxRetries}
		attrs["restartPolicy"] = *req.Restart
	}
	if u := req.Resources; u != nil && !u.Empty() {
		if err := u.Validate(); err != nil {
			return nil, err
		}
		devs, err := updateDevices(u)
		if err != nil {
			return nil, err
		}
		switch {
		case e.rt.Config().Rootless && oci.CgroupVersion() == "v1":
			rep.Warnings = append(rep.Warnings, cgroupWarning)
		case (u.BlkioWeight != nil || len(u.BlkioWeightDevice) > 0) && !oci.BlkioWeightSupported():
			return nil, errNoBlkioWeight
		default:
			opts.Resources = func(r *specs.LinuxResources) { generate.UpdateResources(r, u, devs) }
			opts.NotByRunc = notByRunc(u)
		}
	}
	if opts.Restart == nil && opts.Resources == nil {
		return rep, nil
	}
	c, err = e.rt.UpdateContainer(ctx, c.ID(), opts)
	if err != nil {
		return nil, err
	}
	e.emitCtr(c, "update", attrs)
	return rep, nil
}

// updateDevices returns the numbers of the devices an update names.
func updateDevices(u *specgen.ResourceUpdate) (map[string]generate.DeviceNumber, error) {
	out := map[string]generate.DeviceNumber{}
	add := func(flag, path string) error {
		var st unix.Stat_t
		if err := unix.Stat(path, &st); err != nil {
			return define.Invalidf("invalid --%s %s: %v", flag, path, err)
		}
		if st.Mode&unix.S_IFMT != unix.S_IFBLK {
			return define.Invalidf("invalid --%s %s: not a block device", flag, path)
		}
		out[path] = generate.DeviceNumber{Major: int64(unix.Major(uint64(st.Rdev))), Minor: int64(unix.Minor(uint64(st.Rdev)))}
		return nil
	}
	for _, d := range u.BlkioWeightDevice {
		if err := add("blkio-weight-device", d.Path); err != nil {
			return nil, err
		}
	}
	for flag, list := range map[string][]specgen.ThrottleDevice{
		"device-read-bps": u.DeviceReadBps, "device-write-bps": u.DeviceWriteBps,
		"device-read-iops": u.DeviceReadIOps, "device-write-iops": u.DeviceWriteIOps,
	} {
		for _, d := range list {
			if err := add(flag, d.Path); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// notByRunc names the flags of u that runc's update does not apply.
func notByRunc(u *specgen.ResourceUpdate) []string {
	var out []string
	for _, f := range []struct {
		name  string
		given bool
	}{
		{"--memory-swappiness", u.MemorySwappiness != nil},
		{"--blkio-weight-device", len(u.BlkioWeightDevice) > 0},
		{"--device-read-bps", len(u.DeviceReadBps) > 0},
		{"--device-write-bps", len(u.DeviceWriteBps) > 0},
		{"--device-read-iops", len(u.DeviceReadIOps) > 0},
		{"--device-write-iops", len(u.DeviceWriteIOps) > 0},
	} {
		if f.given {
			out = append(out, f.name)
		}
	}
	return out
}
