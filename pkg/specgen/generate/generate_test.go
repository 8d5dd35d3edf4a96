package generate

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var busybox = ImageConfig{Cmd: []string{"sh"}, Env: []string{"PATH=/bin", "PM_TEST=1"}}

func host(rootless bool) Host {
	return Host{
		Rootless: rootless, Cgroups: !rootless, ContainerID: "0123456789ab", Rootfs: "/rootfs",
		HostsFile: "/run/ctr/hosts", ResolvFile: "/run/ctr/resolv.conf", HostnameFile: "/run/ctr/hostname",
		InitPath: "/usr/bin/catatonit", Hostname: "0123456789ab",
	}
}

func ptr[T any](v T) *T { return &v }

func TestGenerateGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec specgen.Spec
		host Host
	}{
		{"default-rootless", specgen.Spec{Image: "busybox"}, host(true)},
		{"default-root-limits", specgen.Spec{Image: "busybox", Resources: specgen.Resources{PidsLimit: 100, MemoryBytes: 64 << 20, CPUs: 1.5}}, host(false)},
		{"privileged", specgen.Spec{Image: "busybox", Security: specgen.Security{Privileged: true}}, host(true)},
		{"read-only-tmpfs", specgen.Spec{Image: "busybox", ReadOnly: true, ReadOnlyTmpfs: true}, host(true)},
		{"docker-api-limits-root", specgen.Spec{
			Image: "busybox", PID: "host", UTS: "host", OOMScoreAdj: ptr(300), Terminal: true, ConsoleSize: &[2]uint{30, 100},
			Security: specgen.Security{ReadOnlyPaths: &[]string{"/proc/sys"}},
			Resources: specgen.Resources{
				CPUPeriod: 50000, CPUQuota: 25000, CPUShares: 512, CPUSetCPUs: "0", CPUSetMems: "0",
				MemoryBytes: 64 << 20, MemoryReservation: 32 << 20, MemorySwap: 128 << 20, MemorySwappiness: ptr(int64(10)),
				OOMKillDisable: true, BlkioWeight: 300, DeviceReadBps: []specgen.BlkioDevice{{Path: "/dev/sda", Major: 8, Value: 1 << 20}},
				DeviceCgroupRules: []string{"c 10:200 rwm"}, CgroupParent: "/mine",
			},
		}, host(false)},
		{"pid-host-rootless", specgen.Spec{Image: "busybox", PID: "host", Domainname: "example.org"}, host(true)},
		{"hardened-options", specgen.Spec{
			Image: "busybox", Command: []string{"id"}, Init: true, ReadOnly: true, Terminal: true,
			Env:      map[string]string{"A": "b"},
			Security: specgen.Security{CapAdd: []string{"net_admin"}, CapDrop: []string{"CAP_CHOWN"}, NoNewPrivileges: true, Mask: []string{"/secret"}, Unmask: []string{"/proc/kcore"}},
			Mounts:   []specgen.Mount{{Type: "bind", Source: "/src", Destination: "/dst", ReadOnly: true}, {Type: "tmpfs", Destination: "/dev/shm"}},
			Tmpfs:    map[string]string{"/scratch": "size=1m"},
			Ulimits:  []specgen.Ulimit{{Name: "nofile", Soft: 100, Hard: 200}},
		}, host(true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sp, err := Generate(&tt.spec, busybox, tt.host)
			if err != nil {
				t.Fatal(err)
			}
			// The seccomp profile depends on the host's kernel version; it is
			// checked in TestGenerateHardeningDefaults instead.
			hasSeccomp := sp.Linux.Seccomp != nil
			sp.Linux.Seccomp = nil
			sp.Annotations["test.seccomp"] = map[bool]string{true: "default", false: "none"}[hasSeccomp]
			got, err := json.MarshalIndent(sp, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tt.name+".json")
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if string(want) != string(got)+"\n" {
				t.Errorf("spec differs from %s (run with -update after checking the change)\n%s", golden, got)
			}
		})
	}
}

func TestGenerateHardeningDefaults(t *testing.T) {
	t.Parallel()
	sp, err := Generate(&specgen.Spec{Image: "busybox"}, busybox, host(true))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sp.Process.Capabilities.Bounding, DefaultCaps) {
		t.Errorf("bounding = %v, want %v", sp.Process.Capabilities.Bounding, DefaultCaps)
	}
	if len(sp.Process.Capabilities.Inheritable) != 0 || len(sp.Process.Capabilities.Ambient) != 0 {
		t.Errorf("inheritable/ambient not empty: %+v", sp.Process.Capabilities)
	}
	if sp.Linux.Seccomp == nil || sp.Linux.Seccomp.DefaultAction != specs.ActErrno {
		t.Errorf("no default seccomp profile: %+v", sp.Linux.Seccomp)
	}
	for _, p := range []string{"/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"} {
		if !slices.Contains(sp.Linux.MaskedPaths, p) {
			t.Errorf("%s not masked", p)
		}
	}
	for _, p := range []string{"/proc/sys", "/proc/sysrq-trigger", "/proc/bus", "/proc/fs", "/proc/irq"} {
		if !slices.Contains(sp.Linux.ReadonlyPaths, p) {
			t.Errorf("%s not read-only", p)
		}
	}
	if sp.Linux.Resources != nil {
		t.Errorf("rootless without cgroups got resources %+v", sp.Linux.Resources)
	}
}

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		spec specgen.Spec
		img  ImageConfig
		h    Host
	}{
		"no command":     {specgen.Spec{Image: "x"}, ImageConfig{}, host(true)},
		"bad capability": {specgen.Spec{Image: "x", Security: specgen.Security{CapAdd: []string{"CAP_BOGUS"}}}, busybox, host(true)},
		"init missing":   {specgen.Spec{Image: "x", Init: true}, busybox, Host{Rootless: true}},
		"volume mount":   {specgen.Spec{Image: "x", Mounts: []specgen.Mount{{Type: "overlay", Destination: "/x"}}}, busybox, host(true)},
	}
	for name, c := range cases {
		if _, err := Generate(&c.spec, c.img, c.h); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("%s: got %v, want invalid argument", name, err)
		}
	}
}

func TestCommand(t *testing.T) {
	t.Parallel()
	img := ImageConfig{Entrypoint: []string{"/bin/echo", "entry"}, Cmd: []string{"default"}}
	cases := []struct {
		spec specgen.Spec
		want []string
	}{
		{specgen.Spec{}, []string{"/bin/echo", "entry", "default"}},
		{specgen.Spec{Command: []string{"x"}}, []string{"/bin/echo", "entry", "x"}},
		{specgen.Spec{Entrypoint: []string{"/bin/sh"}}, []string{"/bin/sh"}},
		{specgen.Spec{Entrypoint: []string{}, Command: []string{"ls"}}, []string{"ls"}},
	}
	for _, c := range cases {
		if got := Command(&c.spec, img); !slices.Equal(got, c.want) {
			t.Errorf("Command(%+v) = %v, want %v", c.spec, got, c.want)
		}
	}
}
