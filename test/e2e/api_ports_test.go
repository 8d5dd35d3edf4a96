package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestAPIHostPortZero: a HostPort of "0" (what Go SDK clients send) or ""
// publishes on a free port, which inspect reports and which serves.
func TestAPIHostPortZero(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })

	body := `{"Image":"` + img + `","Cmd":["sh","-c","mkdir -p /www; echo zero > /www/index.html; httpd -p 80 -h /www; httpd -f -p 81 -h /www"],
		"ExposedPorts":{"80/tcp":{},"81/tcp":{}},
		"HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"0"}],"81/tcp":[{"HostIp":"","HostPort":""}]}}}`
	code, out := env.curl(svc.Sock, "POST", "/v1.44/containers/create?name=zero", body)
	if code != "201" {
		t.Fatalf("create with HostPort 0: %s %s", code, out)
	}
	defer env.Exec("docker", "rm", "-f", "zero")
	env.docker("start", "zero")
	var ports map[string][]struct{ HostIp, HostPort string }
	decodeJSON(t, env.docker("inspect", "--format", "{{json .NetworkSettings.Ports}}", "zero").Stdout, &ports)
	p80, p81 := ports["80/tcp"], ports["81/tcp"]
	if len(p80) == 0 || len(p81) == 0 {
		t.Fatalf("inspect ports: %v", ports)
	}
	for name, hp := range map[string]string{"80": p80[0].HostPort, "81": p81[0].HostPort} {
		if n, err := strconv.Atoi(hp); err != nil || n == 0 {
			t.Errorf("port %s: host port %q, want one chosen", name, hp)
			continue
		}
		url := fmt.Sprintf("http://127.0.0.1:%s/", hp)
		if got, err := httpGet(t, url); got != "zero\n" {
			t.Errorf("GET %s: %q, %v", url, got, err)
		}
	}
	if p80[0].HostPort == p81[0].HostPort {
		t.Errorf("both ports got host port %s", p80[0].HostPort)
	}
	if p80[0].HostIp != "127.0.0.1" {
		t.Errorf("port 80 bound to %q, want 127.0.0.1", p80[0].HostIp)
	}
	// The docker CLI's -p 127.0.0.1::80 sends an empty HostPort.
	env.docker("run", "-d", "--name", "cli", "-p", "127.0.0.1::80", img, "sleep", "300")
	defer env.Exec("docker", "rm", "-f", "cli")
	if out := env.docker("port", "cli", "80").Stdout; !strings.HasPrefix(out, "127.0.0.1:") || strings.HasSuffix(strings.TrimSpace(out), ":0") {
		t.Errorf("docker port cli 80: %q", out)
	}
}
