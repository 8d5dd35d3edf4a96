package specgen

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pm-project/pm/libpod/define"
)

func TestParseSecurityOpts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []string
		syn  SecurityOptSyntax
		want Security
		bad  string // a part of the message when refused
	}{
		{"nnp", []string{"no-new-privileges"}, CLISecurityOpts, Security{NoNewPrivileges: true}, ""},
		{"nnp true", []string{"no-new-privileges=true"}, CLISecurityOpts, Security{NoNewPrivileges: true}, ""},
		{"nnp colon false", []string{"no-new-privileges", "no-new-privileges:false"}, CLISecurityOpts, Security{}, ""},
		{"nnp maybe", []string{"no-new-privileges=maybe"}, CLISecurityOpts, Security{}, "true or false"},
		{"seccomp unconfined", []string{"seccomp=unconfined"}, CLISecurityOpts, Security{SeccompProfile: "unconfined"}, ""},
		{"seccomp path", []string{"seccomp=/etc/p.json"}, CLISecurityOpts, Security{SeccompProfile: "/etc/p.json"}, ""},
		{"seccomp colon path", []string{"seccomp:/etc/p.json"}, CLISecurityOpts, Security{SeccompProfile: "/etc/p.json"}, ""},
		{"seccomp empty", []string{"seccomp="}, CLISecurityOpts, Security{}, "seccomp= needs a value"},
		{"seccomp bare", []string{"seccomp"}, CLISecurityOpts, Security{}, "seccomp= needs a value"},
		{"api seccomp json", []string{`seccomp={"defaultAction":"SCMP_ACT_ALLOW"}`}, DockerSecurityOpts,
			Security{SeccompJSON: `{"defaultAction":"SCMP_ACT_ALLOW"}`}, ""},
		{"api seccomp builtin", []string{"seccomp=unconfined", "seccomp=builtin"}, DockerSecurityOpts, Security{}, ""},
		{"api seccomp unconfined", []string{"seccomp=unconfined"}, DockerSecurityOpts, Security{SeccompProfile: "unconfined"}, ""},
		{"apparmor", []string{"apparmor=unconfined"}, CLISecurityOpts, Security{ApparmorProfile: "unconfined"}, ""},
		{"apparmor empty", []string{"apparmor="}, CLISecurityOpts, Security{}, "apparmor= needs a value"},
		{"label disable", []string{"label=disable"}, CLISecurityOpts, Security{LabelDisable: true}, ""},
		{"label type level", []string{"label=type:spc_t", "label:level:s0:c1,c2"}, CLISecurityOpts,
			Security{LabelOpts: []string{"type:spc_t", "level:s0:c1,c2"}}, ""},
		{"label nested", []string{"label=nested"}, CLISecurityOpts, Security{LabelOpts: []string{"nested"}}, ""},
		{"label bogus", []string{"label=color:red"}, CLISecurityOpts, Security{}, "label takes disable"},
		{"label empty type", []string{"label=type:"}, CLISecurityOpts, Security{}, "label takes disable"},
		{"mask", []string{"mask=/proc/a:/sys/b/"}, CLISecurityOpts, Security{Mask: []string{"/proc/a", "/sys/b"}}, ""},
		{"mask relative", []string{"mask=proc/a"}, CLISecurityOpts, Security{}, "absolute paths"},
		{"unmask all", []string{"unmask=ALL"}, CLISecurityOpts, Security{Unmask: []string{"ALL"}}, ""},
		{"unmask paths", []string{"unmask=/proc/kcore:/sys/firmware"}, CLISecurityOpts, Security{Unmask: []string{"/proc/kcore", "/sys/firmware"}}, ""},
		{"mask ALL", []string{"mask=ALL"}, CLISecurityOpts, Security{}, "absolute paths"},
		{"systempaths", []string{"systempaths=unconfined"}, DockerSecurityOpts, Security{Unmask: []string{"ALL"}}, ""},
		{"systempaths other", []string{"systempaths=confined"}, DockerSecurityOpts, Security{}, "systempaths=unconfined"},
		{"proc-opts", []string{"proc-opts=hidepid=2,subset=pid,gid=10"}, CLISecurityOpts, Security{ProcOpts: []string{"hidepid=2", "subset=pid", "gid=10"}}, ""},
		{"proc-opts bad hidepid", []string{"proc-opts=hidepid=9"}, CLISecurityOpts, Security{}, "hidepid takes"},
		{"proc-opts unknown", []string{"proc-opts=exec"}, CLISecurityOpts, Security{}, "unknown /proc option"},
		{"proc-opts bad gid", []string{"proc-opts=gid=x"}, CLISecurityOpts, Security{}, "gid takes"},
		{"unknown", []string{"bogus"}, CLISecurityOpts, Security{}, `invalid --security-opt "bogus"`},
		{"unknown key", []string{"colour=red"}, DockerSecurityOpts, Security{}, `invalid SecurityOpt "colour=red"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got Security
			err := got.ParseSecurityOpts(tt.in, tt.syn)
			if tt.bad != "" {
				if !errors.Is(err, define.ErrInvalidArg) || !strings.Contains(err.Error(), tt.bad) {
					t.Fatalf("want an invalid argument with %q, got %v", tt.bad, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseSecurityOptsRelativeProfile(t *testing.T) {
	var sec Security
	if err := sec.ParseSecurityOpts([]string{"seccomp=p.json"}, CLISecurityOpts); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sec.SeccompProfile, "/") || !strings.HasSuffix(sec.SeccompProfile, "/p.json") {
		t.Fatalf("a relative profile path is made absolute: got %q", sec.SeccompProfile)
	}
}

func TestValidateSeccompPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sec Security
		bad string
	}{
		{Security{}, ""},
		{Security{SeccompPolicy: "default", SeccompProfile: "/p.json"}, ""},
		{Security{SeccompPolicy: "image"}, ""},
		{Security{SeccompPolicy: "image", SeccompProfile: "unconfined"}, "conflicts"},
		{Security{SeccompPolicy: "image", SeccompJSON: "{}"}, "conflicts"},
		{Security{SeccompPolicy: "sometimes"}, "invalid --seccomp-policy"},
	}
	for _, tt := range tests {
		err := tt.sec.validateSecurity()
		if tt.bad == "" && err != nil || tt.bad != "" && (err == nil || !strings.Contains(err.Error(), tt.bad)) {
			t.Errorf("%+v: got %v, want %q", tt.sec, err, tt.bad)
		}
	}
}
