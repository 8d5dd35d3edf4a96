package native

import (
	"errors"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

// TestRoutesDocumented keeps the NATIVE ROUTES table of
// docs/pm-system-service.md in step with the routing table.
func TestRoutesDocumented(t *testing.T) {
	b, err := os.ReadFile("../../../../docs/pm-system-service.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "## NATIVE ROUTES")
	if !ok {
		t.Fatal("docs/pm-system-service.md has no NATIVE ROUTES section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	for _, rt := range Routes(nil) {
		// /images/{name...} serves /images/NAME/exists.
		want := "`" + rt.Method + " " + strings.Replace(rt.Path, "{name...}", "{name}/exists", 1)
		if !strings.Contains(section, want+"`") && !strings.Contains(section, want+"?") {
			t.Errorf("%s %s is not in the NATIVE ROUTES table of docs/pm-system-service.md", rt.Method, rt.Path)
		}
	}
}

func TestPodCreateBody(t *testing.T) {
	t.Parallel()
	defaults := func(p *specgen.PodSpec) *specgen.PodSpec {
		p.Infra = true
		if p.Labels == nil {
			p.Labels = map[string]string{}
		}
		return p
	}
	cases := []struct {
		name, body string
		want       *specgen.PodSpec // nil: want an invalid-argument error
		msg        string
	}{
		{"empty body", ``, defaults(&specgen.PodSpec{Share: []string{"net", "ipc", "uts"}}), ""},
		{"empty object", `{}`, defaults(&specgen.PodSpec{Share: []string{"net", "ipc", "uts"}}), ""},
		{"options", `{"name": "web", "labels": {"a": "b"}, "hostname": "h", "network": "pasta", "userns": "keep-id",
			"exit_policy": "stop", "replace": true, "dns": ["1.1.1.1"], "add_host": ["db:10.0.0.2"],
			"infra_image": "img", "infra_command": ["/pause"], "infra_name": "inf"}`,
			&specgen.PodSpec{Name: "web", Labels: map[string]string{"a": "b"}, Hostname: "h", NetworkMode: "pasta",
				UserNS: "keep-id", ExitPolicy: "stop", Replace: true, Infra: true, InfraImage: "img",
				InfraCmd: []string{"/pause"}, InfraName: "inf", Share: []string{"net", "ipc", "uts"},
				Net: specgen.Network{DNS: []string{"1.1.1.1"}, AddHosts: []string{"db:10.0.0.2"}}}, ""},
		{"keys are case-insensitive", `{"Name": "web"}`, defaults(&specgen.PodSpec{Name: "web", Share: []string{"net", "ipc", "uts"}}), ""},
		{"share string", `{"share": "+pid"}`, defaults(&specgen.PodSpec{Share: []string{"net", "ipc", "uts", "pid"}}), ""},
		{"share list", `{"share": ["pid", "net"]}`, defaults(&specgen.PodSpec{Share: []string{"pid", "net"}}), ""},
		{"share none", `{"share": "none"}`, defaults(&specgen.PodSpec{}), ""},
		{"empty share list", `{"share": []}`, defaults(&specgen.PodSpec{}), ""},
		{"no infra shares nothing", `{"infra": false}`, &specgen.PodSpec{Labels: map[string]string{}}, ""},
		{"port strings", `{"publish": ["8080:80", "127.0.0.1::53/udp", "[::1]:9000-9001:90-91"]}`, defaults(&specgen.PodSpec{
			Share: []string{"net", "ipc", "uts"}, Net: specgen.Network{Ports: []define.PortMapping{
				{HostPort: 8080, ContainerPort: 80, Range: 1, Protocol: "tcp"},
				{HostIP: "127.0.0.1", ContainerPort: 53, Range: 1, Protocol: "udp"},
				{HostIP: "::1", HostPort: 9000, ContainerPort: 90, Range: 2, Protocol: "tcp"},
			}}}), ""},
		{"port objects", `{"publish": [{"container_port": 80}, {"host_ip": "::1", "container_port": 53, "protocol": "UDP"},
			{"host_ip": "127.0.0.1", "host_port": 9000, "container_port": 90, "range": 2}]}`, defaults(&specgen.PodSpec{
			Share: []string{"net", "ipc", "uts"}, Net: specgen.Network{Ports: []define.PortMapping{
				{ContainerPort: 80, Range: 1, Protocol: "tcp"},
				{HostIP: "::1", ContainerPort: 53, Range: 1, Protocol: "udp"},
				{HostIP: "127.0.0.1", HostPort: 9000, ContainerPort: 90, Range: 2, Protocol: "tcp"},
			}}}), ""},
		{"malformed", `{"name": `, nil, "invalid JSON"},
		{"two values", `{} {}`, nil, "data after the object"},
		{"unknown key", `{"label": {"a": "b"}}`, nil, `unknown field "label"`},
		{"wrong type", `{"replace": "yes"}`, nil, `field "replace"`},
		{"bogus share", `{"share": "net,bogus"}`, nil, "share: bogus."},
		{"share list with a comma", `{"share": ["net,pid"]}`, nil, "net,pid"},
		{"share of a wrong type", `{"share": {"net": true}}`, nil, "invalid share"},
		{"bad port string", `{"publish": ["80:80:80:80"]}`, nil, "invalid port"},
		{"port number", `{"publish": [80]}`, nil, "invalid port 80"},
		{"port object without a container port", `{"publish": [{"host_port": 80}]}`, nil, "not between 1 and 65535"},
		{"port object beyond 65535", `{"publish": [{"container_port": 65535, "range": 2}]}`, nil, "not between 1 and 65535"},
		{"port object with a bad address", `{"publish": [{"host_ip": "nowhere", "container_port": 80}]}`, nil, "not an IP address"},
		{"port object with an unknown key", `{"publish": [{"containerPort": 80}]}`, nil, "containerPort"},
		{"port object of negative numbers", `{"publish": [{"container_port": -1}]}`, nil, "container_port"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("POST", "/v1/pm/pods/create", strings.NewReader(tc.body))
			var body podCreateBody
			err := decodeStrict(r, &body)
			var got *specgen.PodSpec
			if err == nil {
				got, err = body.spec()
			}
			if tc.want == nil {
				if !errors.Is(err, define.ErrInvalidArg) || !strings.Contains(err.Error(), tc.msg) {
					t.Fatalf("error = %v, want an invalid argument containing %q", err, tc.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("spec =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}
