package kube

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pm-project/pm/pkg/specgen"
)

func TestSecurityContext(t *testing.T) {
	t.Parallel()
	no := false
	tests := []struct {
		name string
		sc   *SecurityContext
		psc  *PodSecurityContext
		want specgen.Security
		bad  string
	}{
		{"none", nil, nil, specgen.Security{}, ""},
		{"no escalation", &SecurityContext{AllowPrivilegeEscalation: &no}, nil, specgen.Security{NoNewPrivileges: true}, ""},
		{"unmasked /proc", &SecurityContext{ProcMount: "Unmasked"}, nil, specgen.Security{Unmask: []string{"ALL"}}, ""},
		{"seccomp unconfined", &SecurityContext{SeccompProfile: &SeccompProfile{Type: "Unconfined"}}, nil, specgen.Security{SeccompProfile: "unconfined"}, ""},
		{"seccomp localhost", &SecurityContext{SeccompProfile: &SeccompProfile{Type: "Localhost", LocalhostProfile: "profiles/deny.json"}}, nil,
			specgen.Security{SeccompProfile: "/var/lib/kubelet/seccomp/profiles/deny.json"}, ""},
		{"pod seccomp", nil, &PodSecurityContext{SeccompProfile: &SeccompProfile{Type: "Localhost", LocalhostProfile: "/etc/deny.json"}},
			specgen.Security{SeccompProfile: "/etc/deny.json"}, ""},
		{"container seccomp over the pod's", &SecurityContext{SeccompProfile: &SeccompProfile{Type: "RuntimeDefault"}},
			&PodSecurityContext{SeccompProfile: &SeccompProfile{Type: "Unconfined"}}, specgen.Security{}, ""},
		{"selinux", &SecurityContext{SELinuxOptions: &SELinuxOptions{Type: "spc_t", Level: "s0:c1"}}, nil,
			specgen.Security{LabelOpts: []string{"type:spc_t", "level:s0:c1"}}, ""},
		{"apparmor", nil, &PodSecurityContext{AppArmorProfile: &AppArmorProfile{Type: "Localhost", LocalhostProfile: "web"}},
			specgen.Security{ApparmorProfile: "web"}, ""},
		{"bad procMount", &SecurityContext{ProcMount: "Open"}, nil, specgen.Security{}, `invalid securityContext.procMount "Open"`},
		{"bad seccomp type", &SecurityContext{SeccompProfile: &SeccompProfile{Type: "Strict"}}, nil, specgen.Security{}, `invalid seccompProfile.type "Strict"`},
		{"localhost without a profile", &SecurityContext{SeccompProfile: &SeccompProfile{Type: "Localhost"}}, nil, specgen.Security{}, "needs localhostProfile"},
		{"bad apparmor type", &SecurityContext{AppArmorProfile: &AppArmorProfile{Type: "Other"}}, nil, specgen.Security{}, `invalid appArmorProfile.type "Other"`},
		{"apparmor localhost without a name", &SecurityContext{AppArmorProfile: &AppArmorProfile{Type: "Localhost"}}, nil, specgen.Security{}, "apparmor= needs a value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s specgen.Spec
			err := security(&s, tt.sc, tt.psc, "pod p container c")
			if tt.bad != "" {
				if err == nil || !strings.Contains(err.Error(), tt.bad) || !strings.Contains(err.Error(), "pod p container c") {
					t.Fatalf("got %v, want an error naming the container with %q", err, tt.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s.Security, tt.want) {
				t.Fatalf("security %+v, want %+v", s.Security, tt.want)
			}
		})
	}
}
