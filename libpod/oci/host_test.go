package oci

import (
	"slices"
	"strings"
	"testing"
)

func TestHostRefusal(t *testing.T) {
	t.Parallel()
	kvm := []string{"kata", "kata-runtime"}
	tests := []struct {
		name    string
		host    Host
		runtime string
		want    string // substring of the refusal; "" means usable
	}{
		{"crun rootless, hybrid hidden", Host{Rootless: true}, "crun", ""},
		{"crun rootless, hybrid visible", Host{Rootless: true, HybridVisible: true}, "crun", "pm system migrate"},
		{"crun root, hybrid", Host{HybridVisible: true}, "crun", "as root pm shares the host's mount namespace"},
		{"crun by path, root, hybrid", Host{HybridVisible: true}, "/opt/bin/crun", "hybrid"},
		{"crun on cgroup v2", Host{CgroupV2: true}, "crun", ""},
		{"runc root, hybrid", Host{HybridVisible: true}, "runc", ""},
		{"runsc rootless", Host{Rootless: true}, "runsc", ""},
		{"kata without kvm", Host{Rootless: true}, "kata", "no /dev/kvm"},
		{"kata binary name without kvm", Host{}, "/usr/bin/kata-runtime", "no /dev/kvm"},
		{"kata with kvm", Host{KVM: true}, "kata", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.host.Refusal(tt.runtime, kvm)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("Refusal(%q) = %q, want %q", tt.runtime, got, tt.want)
			}
		})
	}
}

func TestGVisorArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host Host
		net  string
		want []string
	}{
		{Host{Rootless: true}, "pasta", []string{"--ignore-cgroups", "--network=host"}},
		{Host{Rootless: true}, "bridge", []string{"--ignore-cgroups", "--network=host"}},
		{Host{Rootless: true}, "none", []string{"--ignore-cgroups", "--network=none"}},
		{Host{}, "host", []string{"--network=host"}},
	}
	for _, tt := range tests {
		if got := GVisorArgs(tt.host, tt.net); !slices.Equal(got, tt.want) {
			t.Errorf("GVisorArgs(%+v, %q) = %q, want %q", tt.host, tt.net, got, tt.want)
		}
	}
}

func TestMissingBinary(t *testing.T) {
	t.Parallel()
	if got := MissingBinary("kata", []string{"/usr/bin/kata-runtime", "/bin/kata-runtime", "/usr/bin/kata-qemu"}); got != "no kata binary (kata-runtime, kata-qemu) in containers.conf's [engine.runtimes] paths or $PATH" {
		t.Errorf("kata: %q", got)
	}
	if got := MissingBinary("youki", []string{"/usr/bin/youki"}); got != "no youki binary in containers.conf's [engine.runtimes] paths or $PATH" {
		t.Errorf("youki: %q", got)
	}
}
