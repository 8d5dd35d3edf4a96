package engine

import (
	"os"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/image"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/pm-project/pm/pkg/specgen/generate"
	"golang.org/x/sys/unix"
)

// pullOptions are the options of the pull run and create may make: the
// platform asked for, progress unless --quiet.
func (e *Engine) pullOptions(s *specgen.Spec) image.PullOptions {
	o := image.PullOptions{OS: s.Platform.OS, Arch: s.Platform.Arch, Variant: s.Platform.Variant}
	if !s.Quiet {
		o.Progress = os.Stderr
	}
	return o
}

// withExposed adds --expose's ports to the image's exposed ports.
func withExposed(img map[string]struct{}, expose []string) map[string]struct{} {
	if len(expose) == 0 {
		return img
	}
	out := make(map[string]struct{}, len(img)+len(expose))
	for k := range img {
		out[k] = struct{}{}
	}
	for _, v := range expose {
		keys, _ := specgen.ParseExpose(v) // validated with the spec
		for _, k := range keys {
			out[k] = struct{}{}
		}
	}
	return out
}

// deviceStrings records --device options as HOST:CONTAINER:PERMS.
func deviceStrings(ds []specgen.Device) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Host+":"+d.Container+":"+d.Perms)
	}
	return out
}

// deviceNodes reads the host's nodes of --device.
func deviceNodes(ds []specgen.Device) ([]generate.DeviceNode, error) {
	out := make([]generate.DeviceNode, 0, len(ds))
	for _, d := range ds {
		var st unix.Stat_t
		if err := unix.Stat(d.Host, &st); err != nil {
			return nil, define.Invalidf("invalid --device %s: %v", d.Host, err)
		}
		n := generate.DeviceNode{Major: int64(unix.Major(uint64(st.Rdev))), Minor: int64(unix.Minor(uint64(st.Rdev))), Mode: os.FileMode(st.Mode & 0o777)}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFCHR:
			n.Type = "c"
		case unix.S_IFBLK:
			n.Type = "b"
		default:
			return nil, define.Invalidf("invalid --device %s: not a device node", d.Host)
		}
		out = append(out, n)
	}
	return out, nil
}
