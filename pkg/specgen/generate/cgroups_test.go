package generate

import (
	"slices"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/pkg/specgen"
)

func TestCgroupNamespace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mode string
		want *specs.LinuxNamespace // nil: none
	}{
		{"", &specs.LinuxNamespace{Type: specs.CgroupNamespace}},
		{"private", &specs.LinuxNamespace{Type: specs.CgroupNamespace}},
		{"host", nil},
		{"ns:/proc/7/ns/cgroup", &specs.LinuxNamespace{Type: specs.CgroupNamespace, Path: "/proc/7/ns/cgroup"}},
		{"container:0123", &specs.LinuxNamespace{Type: specs.CgroupNamespace}},
	}
	for _, tt := range tests {
		sp, err := Generate(&specgen.Spec{Image: "busybox", CgroupNS: tt.mode}, busybox, host(true))
		if err != nil {
			t.Fatal(err)
		}
		var got *specs.LinuxNamespace
		for _, ns := range sp.Linux.Namespaces {
			if ns.Type == specs.CgroupNamespace {
				got = &ns
			}
		}
		if (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
			t.Errorf("--cgroupns %q: namespace %+v, want %+v", tt.mode, got, tt.want)
		}
	}
}

func TestSysMounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		spec       specgen.Spec
		host       func(*Host)
		sysType    string
		sysOpts    []string
		cgroupPerm string
	}{
		{"own network namespace", specgen.Spec{}, func(h *Host) { h.NetNSPath, h.OwnNetNS = "/run/netns/x", true }, "sysfs", nil, "ro"},
		{"no network namespace path", specgen.Spec{}, nil, "sysfs", nil, "ro"},
		{"host network", specgen.Spec{NetworkMode: "host"}, func(h *Host) { h.RecursiveRO = true }, "bind", []string{"rbind", "nosuid", "noexec", "nodev", "ro", "rro"}, "ro"},
		{"joined namespace, old kernel", specgen.Spec{NetworkMode: "ns:/x"}, func(h *Host) { h.NetNSPath = "/x" }, "bind", []string{"rbind", "nosuid", "noexec", "nodev", "ro"}, "ro"},
		{"root, host network", specgen.Spec{NetworkMode: "host"}, func(h *Host) { h.Rootless = false }, "sysfs", nil, "ro"},
		{"privileged", specgen.Spec{Security: specgen.Security{Privileged: true}}, nil, "sysfs", nil, "rw"},
		{"unmask cgroup", specgen.Spec{Security: specgen.Security{Unmask: []string{"/sys/fs/cgroup/"}}}, nil, "sysfs", nil, "rw"},
		{"unmask all", specgen.Spec{Security: specgen.Security{Unmask: []string{"ALL"}}}, nil, "sysfs", nil, "rw"},
		{"unmask other", specgen.Spec{Security: specgen.Security{Unmask: []string{"/proc/kcore"}}}, nil, "sysfs", nil, "ro"},
	}
	for _, tt := range tests {
		h := host(true)
		if tt.host != nil {
			tt.host(&h)
		}
		ms := sysMounts(&tt.spec, h)
		if len(ms) != 2 || ms[0].Destination != "/sys" || ms[1].Destination != "/sys/fs/cgroup" {
			t.Fatalf("%s: mounts %+v", tt.name, ms)
		}
		if ms[0].Type != tt.sysType || tt.sysOpts != nil && !slices.Equal(ms[0].Options, tt.sysOpts) {
			t.Errorf("%s: /sys %s %q, want %s %q", tt.name, ms[0].Type, ms[0].Options, tt.sysType, tt.sysOpts)
		}
		cg := ms[1]
		if cg.Type != "cgroup" || cg.Options[len(cg.Options)-1] != tt.cgroupPerm {
			t.Errorf("%s: /sys/fs/cgroup %s %q, want a cgroup mount, %s", tt.name, cg.Type, cg.Options, tt.cgroupPerm)
		}
	}
}
