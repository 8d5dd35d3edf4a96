package generate

import (
	"slices"
	"strings"
	"testing"

	"github.com/pm-project/pm/pkg/specgen"
)

func TestSystemdMode(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		mode string
		cmd  []string
		want bool
	}{
		{"", []string{"/sbin/init"}, true},
		{"true", []string{"/usr/sbin/init"}, true},
		{"true", []string{"/usr/local/sbin/init"}, true},
		{"true", []string{"/lib/systemd/systemd", "--unit=x"}, true},
		{"true", []string{"init"}, false},
		{"true", []string{"sh"}, false},
		{"false", []string{"/sbin/init"}, false},
		{"always", []string{"sh"}, true},
	} {
		s := &specgen.Spec{Systemd: c.mode, Command: c.cmd}
		if got := SystemdMode(s, busybox); got != c.want {
			t.Errorf("--systemd=%q %q: %v, want %v", c.mode, c.cmd, got, c.want)
		}
	}
}

// TestGenerateSystemdMounts: systemd mode adds its tmpfs where the user
// mounts nothing, a writable cgroup tree on v2 and container_uuid.
func TestGenerateSystemdMounts(t *testing.T) {
	t.Parallel()
	h := host(true)
	h.ContainerID = strings.Repeat("ab", 32)
	h.CgroupV2 = true
	s := &specgen.Spec{Image: "busybox", Systemd: "always", Tmpfs: map[string]string{"/tmp": "size=1m"}}
	sp, err := Generate(s, busybox, h)
	if err != nil {
		t.Fatal(err)
	}
	var tmpfs []string
	for _, m := range sp.Mounts {
		if m.Type == "tmpfs" && slices.Contains(m.Options, "tmpcopyup") {
			tmpfs = append(tmpfs, m.Destination)
		}
		if m.Destination == "/sys/fs/cgroup" && !slices.Contains(m.Options, "rw") {
			t.Errorf("/sys/fs/cgroup is not writable: %v", m.Options)
		}
		if m.Destination == "/tmp" && !slices.Contains(m.Options, "size=1m") {
			t.Errorf("the user's /tmp was replaced: %v", m.Options)
		}
	}
	if want := []string{"/run", "/run/lock", "/var/log/journal"}; !slices.Equal(tmpfs, want) {
		t.Errorf("systemd tmpfs = %q, want %q", tmpfs, want)
	}
	if !slices.Contains(sp.Process.Env, "container_uuid="+h.ContainerID[:32]) {
		t.Errorf("env %q lacks container_uuid", sp.Process.Env)
	}
	s.Systemd = "false"
	sp, _ = Generate(s, busybox, h)
	for _, m := range sp.Mounts {
		if m.Destination == "/run/lock" {
			t.Errorf("--systemd=false has %v", m)
		}
	}
}
