package generate

import (
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/pkg/specgen"
)

func TestSpecVersion(t *testing.T) {
	t.Parallel()
	u := func(n uint) *uint { return &n }
	i := func(n int64) *int64 { return &n }
	yes := true
	tests := []struct {
		name string
		sp   specs.Spec
		want string
	}{
		{"empty", specs.Spec{}, "1.0.2"},
		{"1.0 fields only", specs.Spec{
			Hostname: "h", Process: &specs.Process{Args: []string{"true"}, NoNewPrivileges: true},
			Mounts: []specs.Mount{{Destination: "/x", Type: "bind", Source: "/y", Options: []string{"rbind", "ro"}}},
			Linux: &specs.Linux{
				Namespaces:  []specs.LinuxNamespace{{Type: specs.PIDNamespace}, {Type: specs.CgroupNamespace}},
				Personality: &specs.LinuxPersonality{Domain: specs.PerLinux32},
				Seccomp: &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Flags: []specs.LinuxSeccompFlag{"SECCOMP_FILTER_FLAG_LOG"},
					Syscalls: []specs.LinuxSyscall{{Names: []string{"read"}, Action: specs.ActLog}}},
				Resources: &specs.LinuxResources{CPU: &specs.LinuxCPU{Quota: i(1)}, Memory: &specs.LinuxMemory{UseHierarchy: &yes}},
			},
		}, "1.0.2"},
		{"domainname", specs.Spec{Domainname: "example.org"}, "1.1.0"},
		{"scheduler", specs.Spec{Process: &specs.Process{Scheduler: &specs.Scheduler{Policy: specs.SchedOther}}}, "1.1.0"},
		{"io priority", specs.Spec{Process: &specs.Process{IOPriority: &specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_BE}}}, "1.1.0"},
		{"exec cpu affinity", specs.Spec{Process: &specs.Process{ExecCPUAffinity: &specs.CPUAffinity{Final: "0"}}}, "1.2.1"},
		{"mount id mappings", specs.Spec{Mounts: []specs.Mount{{Destination: "/x", UIDMappings: []specs.LinuxIDMapping{{Size: 1}}}}}, "1.1.0"},
		{"idmap option", specs.Spec{Mounts: []specs.Mount{{Destination: "/x", Options: []string{"rbind", "idmap"}}}}, "1.2.0"},
		{"relative destination", specs.Spec{Mounts: []specs.Mount{{Destination: "x"}}}, "1.2.0"},
		{"seccomp default errno", specs.Spec{Linux: &specs.Linux{Seccomp: &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, DefaultErrnoRet: u(1)}}}, "1.1.0"},
		{"seccomp syscall errno", specs.Spec{Linux: &specs.Linux{Seccomp: &specs.LinuxSeccomp{
			Syscalls: []specs.LinuxSyscall{{Names: []string{"clone3"}, Action: specs.ActErrno, ErrnoRet: u(38)}}}}}, "1.1.0"},
		{"seccomp kill process", specs.Spec{Linux: &specs.Linux{Seccomp: &specs.LinuxSeccomp{DefaultAction: specs.ActKillProcess}}}, "1.1.0"},
		{"seccomp notify", specs.Spec{Linux: &specs.Linux{Seccomp: &specs.LinuxSeccomp{
			Syscalls: []specs.LinuxSyscall{{Names: []string{"mount"}, Action: specs.ActNotify}}, ListenerPath: "/run/l.sock"}}}, "1.1.0"},
		{"seccomp killable flag", specs.Spec{Linux: &specs.Linux{Seccomp: &specs.LinuxSeccomp{
			Flags: []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagWaitKillableRecv}}}}, "1.1.0"},
		{"seccomp riscv64", specs.Spec{Linux: &specs.Linux{Seccomp: &specs.LinuxSeccomp{Architectures: []specs.Arch{specs.ArchRISCV64}}}}, "1.1.0"},
		{"seccomp loongarch", specs.Spec{Linux: &specs.Linux{Seccomp: &specs.LinuxSeccomp{Architectures: []specs.Arch{specs.ArchLOONGARCH64}}}}, "1.2.1"},
		{"time namespace", specs.Spec{Linux: &specs.Linux{Namespaces: []specs.LinuxNamespace{{Type: specs.TimeNamespace}}}}, "1.1.0"},
		{"unified cgroup", specs.Spec{Linux: &specs.Linux{Resources: &specs.LinuxResources{Unified: map[string]string{"memory.high": "1"}}}}, "1.1.0"},
		{"cpu idle", specs.Spec{Linux: &specs.Linux{Resources: &specs.LinuxResources{CPU: &specs.LinuxCPU{Idle: i(1)}}}}, "1.1.0"},
		{"memory check before update", specs.Spec{Linux: &specs.Linux{Resources: &specs.LinuxResources{Memory: &specs.LinuxMemory{CheckBeforeUpdate: &yes}}}}, "1.1.0"},
		{"net devices", specs.Spec{Linux: &specs.Linux{NetDevices: map[string]specs.LinuxNetDevice{"eth1": {}}}}, "1.3.0"},
		{"memory policy", specs.Spec{Linux: &specs.Linux{MemoryPolicy: &specs.LinuxMemoryPolicy{Mode: specs.MpolDefault}}}, "1.3.0"},
		{"rdt schemata", specs.Spec{Linux: &specs.Linux{IntelRdt: &specs.LinuxIntelRdt{Schemata: []string{"L3:0=f"}}}}, "1.3.0"},
		{"highest wins", specs.Spec{Domainname: "d", Linux: &specs.Linux{NetDevices: map[string]specs.LinuxNetDevice{"eth1": {}},
			Seccomp: &specs.LinuxSeccomp{DefaultErrnoRet: u(1)}}}, "1.3.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := specVersion(&tt.sp); got != tt.want {
				t.Errorf("specVersion = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestGenerateSpecVersion checks the version of what Generate writes: the
// default seccomp profile sets errno return codes (1.1.0); without it the
// spec is plain 1.0.2, which every runtime pm drives accepts.
func TestGenerateSpecVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec specgen.Spec
		want string
	}{
		{"default", specgen.Spec{Image: "busybox"}, "1.1.0"},
		{"unconfined", specgen.Spec{Image: "busybox", Security: specgen.Security{SeccompProfile: "unconfined"}}, "1.0.2"},
		{"privileged", specgen.Spec{Image: "busybox", Security: specgen.Security{Privileged: true}}, "1.0.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sp, err := Generate(&tt.spec, busybox, host(true))
			if err != nil {
				t.Fatal(err)
			}
			if sp.Version != tt.want {
				t.Errorf("ociVersion = %q, want %q", sp.Version, tt.want)
			}
		})
	}
}

func TestVersionLess(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"1.0.2", "1.1.0", true}, {"1.1.0", "1.0.2", false}, {"1.0.2", "1.0.2", false},
		{"1.2.1", "1.10.0", true}, {"1.0.2-dev", "1.0.3", true}, {"1.0", "1.0.1", true},
	} {
		if got := versionLess(c.a, c.b); got != c.want {
			t.Errorf("versionLess(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
