package e2e

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// TestAPIHealthcheck: Docker's Config.Healthcheck on create, State.Health
// and Config.Healthcheck on inspect, the health in the list's Status, and
// Docker's bounds, through curl and the docker CLI.
func TestAPIHealthcheck(t *testing.T) {
	needTool(t, "docker")
	needTool(t, "curl")
	env := newEnv(t)
	s := env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() {
		env.Exec("docker", "rm", "-f", "hc", "cli")
		env.Exec("docker", "rmi", "-f", img)
	})

	body := fmt.Sprintf(`{"Image": %q, "Cmd": ["sleep", "300"], "Healthcheck": {"Test": ["CMD-SHELL", "echo ok"], "Interval": 1000000000, "Timeout": 5000000000, "Retries": 2}}`, img)
	if code, out := env.curl(s.Sock, "POST", "/containers/create?name=hc", body); code != "201" {
		t.Fatalf("create with a healthcheck: %s %s", code, out)
	}
	if code, out := env.curl(s.Sock, "POST", "/containers/hc/start", ""); code != "204" {
		t.Fatalf("start: %s %s", code, out)
	}
	type inspect struct {
		State struct {
			Health *struct {
				Status        string
				FailingStreak int
				Log           []struct {
					Start, End time.Time
					ExitCode   int
					Output     string
				}
			}
		}
		Config map[string]any
	}
	get := func(name string) inspect {
		t.Helper()
		code, out := env.curl(s.Sock, "GET", "/containers/"+name+"/json", "")
		if code != "200" {
			t.Fatalf("inspect %s: %s %s", name, code, out)
		}
		var d inspect
		decodeJSON(t, out, &d)
		return d
	}
	d := get("hc")
	if d.State.Health == nil {
		t.Fatalf("State.Health missing right after start")
	}
	hc, _ := d.Config["Healthcheck"].(map[string]any)
	if fmt.Sprint(hc["Test"]) != "[CMD-SHELL echo ok]" || hc["Interval"] != float64(1e9) || hc["Timeout"] != float64(5e9) || hc["Retries"] != float64(2) {
		t.Errorf("Config.Healthcheck: %v", d.Config["Healthcheck"])
	}
	if _, ok := d.Config["HealthcheckOnFailureAction"]; ok {
		t.Errorf("Docker's Config has no HealthcheckOnFailureAction: %v", d.Config)
	}
	waitFor(t, func() bool { return get("hc").State.Health.Status == "healthy" })
	if h := get("hc").State.Health; len(h.Log) == 0 || h.Log[0].Output != "ok" || h.Log[0].ExitCode != 0 {
		t.Errorf("State.Health: %+v", h)
	}
	_, list := env.curl(s.Sock, "GET", "/containers/json?filters="+url.QueryEscape(`{"name":["hc"]}`), "")
	if !strings.Contains(list, "(healthy)") {
		t.Errorf("list Status without (healthy): %s", list)
	}

	// Docker's bounds and messages.
	for _, bad := range []struct{ hc, msg string }{
		{`{"Test": ["CMD-SHELL", "true"], "Interval": 5}`, "Interval in Healthcheck cannot be less than 1ms"},
		{`{"Test": ["CMD-SHELL", "true"], "Timeout": -1}`, "Timeout in Healthcheck cannot be less than 1ms"},
		{`{"Test": ["CMD-SHELL", "true"], "Retries": -1}`, "Retries in Healthcheck cannot be negative"},
		{`{"Test": ["SHELL", "true"]}`, "CMD, CMD-SHELL or NONE"},
	} {
		code, out := env.curl(s.Sock, "POST", "/containers/create?name=bad", fmt.Sprintf(`{"Image": %q, "Healthcheck": %s}`, img, bad.hc))
		if code != "400" || !strings.Contains(out, bad.msg) {
			t.Errorf("create with Healthcheck %s: %s %s, want 400 with %q", bad.hc, code, out, bad.msg)
		}
	}

	// The docker CLI: --health-cmd, "(health: starting)" in ps, then healthy.
	env.docker("run", "-d", "--name", "cli", "--health-cmd", "test -e /tmp/ok", "--health-interval", "1s", img, "sleep", "300")
	if out := env.docker("ps", "--filter", "name=cli", "--format", "{{.Status}}").Stdout; !strings.Contains(out, "(health: starting)") {
		t.Errorf("docker ps Status of a starting container: %q", out)
	}
	env.docker("exec", "cli", "touch", "/tmp/ok")
	waitFor(t, func() bool {
		return strings.TrimSpace(env.docker("inspect", "--format", "{{.State.Health.Status}}", "cli").Stdout) == "healthy"
	})
}

// composeHealthyFile is a project whose client starts only once the web
// service is healthy: web serves after a delay, and the client fetches
// once, without retrying.
const composeHealthyFile = `version: "2.4"
services:
  web:
    image: %[1]s
    command: ["sh", "-c", "sleep 3; mkdir -p /var/www; echo ready > /var/www/index.html; exec httpd -f -p 80 -h /var/www"]
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1/"]
      interval: 1s
      timeout: 5s
      retries: 30
  client:
    image: %[1]s
    command: ["sh", "-c", "wget -q -O- http://web/ || echo FETCH-FAILED; exec sleep 300"]
    depends_on:
      web:
        condition: service_healthy
`

// TestAPIComposeHealthy: docker-compose holds a service back until the
// one it depends on with condition: service_healthy is healthy.
func TestAPIComposeHealthy(t *testing.T) {
	needTool(t, "docker-compose")
	env, img := dockerBusybox(t)
	dir := env.Path("proj")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/docker-compose.yml", fmt.Appendf(nil, composeHealthyFile, img), 0o644); err != nil {
		t.Fatal(err)
	}
	compose := func(args ...string) Result {
		t.Helper()
		return env.Exec("docker-compose", append([]string{"--ansi", "never", "-p", "pmh", "-f", dir + "/docker-compose.yml"}, args...)...)
	}
	t.Cleanup(func() { compose("down", "-v", "-t", "0") })

	start := time.Now()
	if r := compose("up", "-d"); r.Code != 0 {
		t.Fatalf("docker-compose up -d: exit %d\n%s", r.Code, r.Stderr)
	}
	if d := time.Since(start); d < 3*time.Second {
		t.Errorf("docker-compose up -d returned after %v, before web could be healthy", d)
	}
	if st := strings.TrimSpace(env.docker("inspect", "--format", "{{.State.Health.Status}}", "pmh_web_1").Stdout); st != "healthy" {
		t.Errorf("web after up -d: %q", st)
	}
	waitFor(t, func() bool {
		out := compose("logs", "client").Stdout
		return strings.Contains(out, "ready") || strings.Contains(out, "FETCH-FAILED")
	})
	if out := compose("logs", "client").Stdout; !strings.Contains(out, "ready") {
		t.Errorf("the client started before web was healthy:\n%s", out)
	}
	if out := compose("ps").Stdout; !strings.Contains(out, "(healthy)") {
		t.Errorf("docker-compose ps:\n%s", out)
	}
	if r := compose("down", "-v", "-t", "1"); r.Code != 0 {
		t.Fatalf("docker-compose down -v: exit %d\n%s", r.Code, r.Stderr)
	}
	if out := env.docker("ps", "-aq").Stdout; out != "" {
		t.Errorf("containers left after down: %q", out)
	}
	for _, p := range listProcs() {
		if b, err := os.ReadFile("/proc/" + itoa(p.pid) + "/cmdline"); err == nil && strings.HasPrefix(string(b), "pm-healthcheck\x00") && p.hasEnv("XDG_RUNTIME_DIR="+env.RuntimeDir) {
			t.Errorf("a healthcheck scheduler is left after down: %d", p.pid)
		}
	}
}
