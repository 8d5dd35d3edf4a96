package generate

import (
	"slices"
	"testing"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

func TestGenerateSecurityOptions(t *testing.T) {
	t.Parallel()
	sec := specgen.Security{
		ApparmorProfile: "my-profile", LabelDisable: true, LabelOpts: []string{"type:spc_t", "level:s0"},
		ProcOpts: []string{"hidepid=2", "subset=pid"}, Mask: []string{"/secret"}, Unmask: []string{"/proc/kcore"},
		NoNewPrivileges: true,
	}
	for _, appArmor := range []bool{false, true} {
		h := host(true)
		h.AppArmor = appArmor
		sp, err := Generate(&specgen.Spec{Image: "busybox", Security: sec}, busybox, h)
		if err != nil {
			t.Fatal(err)
		}
		want := ""
		if appArmor {
			want = "my-profile"
		}
		if sp.Process.ApparmorProfile != want {
			t.Errorf("AppArmor %v: process profile %q, want %q", appArmor, sp.Process.ApparmorProfile, want)
		}
		if a := sp.Annotations[define.InspectAnnotationApparmor]; a != "my-profile" {
			t.Errorf("apparmor annotation %q", a)
		}
		if a := sp.Annotations[define.InspectAnnotationLabel]; a != "disable,label=type:spc_t,label=level:s0" {
			t.Errorf("label annotation %q", a)
		}
		if !sp.Process.NoNewPrivileges {
			t.Error("no-new-privileges not set")
		}
		for _, m := range sp.Mounts {
			if m.Destination == "/proc" && !slices.Equal(m.Options, []string{"nosuid", "noexec", "nodev", "hidepid=2", "subset=pid"}) {
				t.Errorf("/proc options %q", m.Options)
			}
		}
		if !slices.Contains(sp.Linux.MaskedPaths, "/secret") || slices.Contains(sp.Linux.MaskedPaths, "/proc/kcore") {
			t.Errorf("masked paths %q", sp.Linux.MaskedPaths)
		}
	}
}
