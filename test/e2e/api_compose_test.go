package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// composeFile is a two-service project: an httpd published on 127.0.0.1
// with a named volume, and a client that fetches it by service name.
const composeFile = `version: "3.7"
services:
  web:
    image: %[1]s
    command: ["sh", "-c", "mkdir -p /var/www; echo hello-compose > /var/www/index.html; echo stored > /data/f; exec httpd -f -p 80 -h /var/www"]
%[2]s    volumes:
      - webdata:/data
  client:
    image: %[1]s
    command: ["sh", "-c", "for i in $$(seq 1 60); do if wget -qO- http://web/; then break; fi; sleep 0.5; done; exec sleep 300"]
    depends_on:
      - web
volumes:
  webdata:
`

// TestAPICompose drives Debian's docker-compose (v1) against pm system
// service: up -d, ps, logs, exec, down -v.
func TestAPICompose(t *testing.T) {
	needTool(t, "docker-compose")
	needTool(t, "docker")
	env := newEnv(t)
	env.startService(nil, "--time", "0", "--log-level", "info")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })
	port, err := freePortBelowEphemeral()
	if err != nil {
		t.Fatal(err)
	}
	dir := env.Path("proj")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(ports string) {
		t.Helper()
		if err := os.WriteFile(dir+"/docker-compose.yml", fmt.Appendf(nil, composeFile, img, ports), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(fmt.Sprintf("    ports:\n      - \"127.0.0.1:%d:80\"\n", port))
	compose := func(args ...string) Result {
		t.Helper()
		return env.Exec("docker-compose", append([]string{"--ansi", "never", "-p", "pmc", "-f", dir + "/docker-compose.yml"}, args...)...)
	}
	t.Cleanup(func() { compose("down", "-v", "-t", "0") })

	if r := compose("up", "-d"); r.Code != 0 {
		t.Fatalf("docker-compose up -d: exit %d\n%s", r.Code, r.Stderr)
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	if body, err := httpGet(t, url); body != "hello-compose\n" {
		t.Errorf("GET %s: %q, %v", url, body, err)
	}
	if out := compose("ps").Stdout; !strings.Contains(out, "pmc_web_1") || !strings.Contains(out, "pmc_client_1") || !strings.Contains(out, "Up") {
		t.Errorf("docker-compose ps:\n%s", out)
	}
	waitFor(t, func() bool { return strings.Contains(compose("logs", "client").Stdout, "hello-compose") })
	if out := compose("exec", "-T", "web", "cat", "/data/f").Stdout; out != "stored\n" {
		t.Errorf("docker-compose exec web cat /data/f: %q", out)
	}
	if out := env.docker("volume", "ls", "-q").Stdout; !strings.Contains(out, "pmc_webdata") {
		t.Errorf("volume ls after up: %q", out)
	}
	if r := compose("down", "-v", "-t", "1"); r.Code != 0 {
		t.Fatalf("docker-compose down -v: exit %d\n%s", r.Code, r.Stderr)
	}
	if out := env.docker("ps", "-aq").Stdout; out != "" {
		t.Errorf("containers left after down: %q", out)
	}
	if out := env.docker("volume", "ls", "-q").Stdout; strings.Contains(out, "pmc_webdata") {
		t.Errorf("volume left after down -v: %q", out)
	}
	if out := env.docker("network", "ls", "--format", "{{.Name}}").Stdout; strings.Contains(out, "pmc_default") {
		t.Errorf("network left after down: %q", out)
	}
}
