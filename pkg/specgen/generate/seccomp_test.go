package generate

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

const denyMkdir = `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}`

func TestCheckSeccompProfile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, profile, bad string
	}{
		{"deny mkdir", denyMkdir, ""},
		{"old name field", `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"name":"read","action":"SCMP_ACT_ALLOW"}]}`, ""},
		{"arg operator", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["personality"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]}]}`, ""},
		{"truncated", denyMkdir[:40], "decoding the JSON"},
		{"empty file", ``, "decoding the JSON"},
		{"not an object", `[1,2]`, "decoding the JSON"},
		{"empty object", `{}`, "no defaultAction"},
		{"bad default", `{"defaultAction":"SCMP_ACT_MAYBE"}`, `unknown defaultAction "SCMP_ACT_MAYBE"`},
		{"bad action", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"DENY"}]}`, `syscalls[0]: unknown action "DENY"`},
		{"no names", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"action":"SCMP_ACT_ERRNO"}]}`, "names no system call"},
		{"null rule", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[null]}`, "syscalls[0] is null"},
		{"bad operator", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"LIKE"}]}]}`, `unknown operator "LIKE"`},
		{"name and names", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"name":"read","names":["write"],"action":"SCMP_ACT_ERRNO"}]}`, "both 'name' and 'names'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CheckSeccompProfile([]byte(tt.profile))
			if tt.bad == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, define.ErrInvalidArg) || !strings.Contains(err.Error(), tt.bad) {
				t.Fatalf("want an invalid argument with %q, got %v", tt.bad, err)
			}
		})
	}
}

func TestGenerateSeccomp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		sec        specgen.Security
		profile    string
		want       string // "default", "none" or "deny"
		annotation string
	}{
		{"default", specgen.Security{}, "", "default", ""},
		{"unconfined", specgen.Security{SeccompProfile: "unconfined"}, "", "none", "unconfined"},
		{"file", specgen.Security{SeccompProfile: "/p/deny.json"}, denyMkdir, "deny", "/p/deny.json"},
		{"inline", specgen.Security{SeccompJSON: denyMkdir}, denyMkdir, "deny", denyMkdir},
		{"containers.conf", specgen.Security{}, denyMkdir, "deny", ""},
		{"privileged", specgen.Security{Privileged: true}, "", "none", ""},
		{"privileged with a profile", specgen.Security{Privileged: true, SeccompProfile: "/p/deny.json"}, denyMkdir, "deny", "/p/deny.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := host(true)
			if tt.profile != "" {
				h.Seccomp = []byte(tt.profile)
			}
			sp, err := Generate(&specgen.Spec{Image: "busybox", Security: tt.sec}, busybox, h)
			if err != nil {
				t.Fatal(err)
			}
			got := "default"
			switch f := sp.Linux.Seccomp; {
			case f == nil:
				got = "none"
			case f.DefaultAction == specs.ActAllow:
				got = "deny"
				if len(f.Syscalls) != 1 || !slices.Equal(f.Syscalls[0].Names, []string{"mkdir", "mkdirat"}) || f.Syscalls[0].Action != specs.ActErrno {
					t.Errorf("rules: %+v", f.Syscalls)
				}
			}
			if got != tt.want {
				t.Errorf("filter %s, want %s", got, tt.want)
			}
			if a := sp.Annotations[define.InspectAnnotationSeccomp]; a != tt.annotation {
				t.Errorf("annotation %q, want %q", a, tt.annotation)
			}
		})
	}
}
