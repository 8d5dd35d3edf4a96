package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestAPIDockerNetworksVolumes drives the docker CLI's network and
// volume commands, run with --network, -v NAME:/path and -p, container
// update and events through pm system service.
func TestAPIDockerNetworksVolumes(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0", "--log-level", "info")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })
	start := time.Now().Add(-time.Second).Unix()
	port, err := freePortBelowEphemeral()
	if err != nil {
		t.Fatal(err)
	}

	env.docker("network", "create", "--label", "team=api", "apinet")
	defer env.Exec("docker", "network", "rm", "apinet")
	if out := env.docker("network", "ls", "--format", "{{.Name}} {{.Driver}}").Stdout; !strings.Contains(out, "apinet bridge") {
		t.Errorf("docker network ls: %q", out)
	}
	if out := env.docker("network", "inspect", "--format", "{{.Name}} {{index .Labels \"team\"}} {{len .IPAM.Config}}", "apinet").Stdout; out != "apinet api 1\n" {
		t.Errorf("docker network inspect: %q", out)
	}
	if r := env.Exec("docker", "network", "create", "apinet"); r.Code == 0 || !strings.Contains(r.Stderr, "already exists") {
		t.Errorf("duplicate network create: exit %d, %s", r.Code, r.Stderr)
	}
	env.docker("volume", "create", "--label", "team=api", "apivol")
	defer env.Exec("docker", "volume", "rm", "-f", "apivol")
	if out := env.docker("volume", "ls", "-q").Stdout; !strings.Contains(out, "apivol\n") {
		t.Errorf("docker volume ls: %q", out)
	}
	if out := env.docker("volume", "inspect", "--format", "{{.Name}} {{.Driver}} {{.Labels.team}}", "apivol").Stdout; out != "apivol local api\n" && out != "apivol  api\n" {
		t.Errorf("docker volume inspect: %q", out)
	}

	// Ports are published on the default network: rootless bridge
	// networks cannot publish yet.
	env.docker("run", "-d", "--name", "pubweb", "-v", "apivol:/data",
		"-p", fmt.Sprintf("127.0.0.1:%d:80", port), img,
		"sh", "-c", "echo kept > /data/f; mkdir -p /www; echo hello-pub > /www/index.html; exec httpd -f -p 80 -h /www")
	defer env.Exec("docker", "rm", "-f", "pubweb")
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	if body, err := httpGet(t, url); body != "hello-pub\n" {
		t.Errorf("GET %s: %q, %v", url, body, err)
	}
	if out := env.docker("ps", "--format", "{{.Names}} {{.Ports}}").Stdout; !strings.Contains(out, fmt.Sprintf("pubweb 127.0.0.1:%d->80/tcp", port)) {
		t.Errorf("docker ps ports: %q", out)
	}
	if out := env.docker("port", "pubweb", "80").Stdout; !strings.Contains(out, fmt.Sprintf("127.0.0.1:%d", port)) {
		t.Errorf("docker port: %q", out)
	}
	env.docker("run", "-d", "--name", "web", "--network", "apinet", img,
		"sh", "-c", "mkdir -p /www; echo hello-web > /www/index.html; exec httpd -f -p 80 -h /www")
	defer env.Exec("docker", "rm", "-f", "web")
	ip := strings.TrimSpace(env.docker("inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "web").Stdout)
	if ip == "" {
		t.Fatalf("docker inspect: no IP address on apinet")
	}
	env.waitListening("web", 80)
	if r := env.Exec("docker", "run", "--rm", "--network", "apinet", img, "wget", "-qO-", "http://"+ip+"/"); r.Stdout != "hello-web\n" {
		t.Errorf("fetch by IP on apinet: %q (exit %d, %s)", r.Stdout, r.Code, r.Stderr)
	}
	if r := env.Exec("docker", "run", "--rm", "--network", "apinet", img, "wget", "-qO-", "http://web/"); r.Stdout != "hello-web\n" {
		t.Errorf("fetch by name on apinet: %q (exit %d, %s)", r.Stdout, r.Code, r.Stderr)
	}
	if out := env.docker("run", "--rm", "-v", "apivol:/v", img, "cat", "/v/f").Stdout; out != "kept\n" {
		t.Errorf("named volume content: %q", out)
	}
	if r := env.Exec("docker", "volume", "rm", "apivol"); r.Code == 0 {
		t.Errorf("docker volume rm of a volume in use succeeded")
	}

	env.docker("update", "--restart", "always", "web")
	if out := env.docker("inspect", "--format", "{{.HostConfig.RestartPolicy.Name}}", "web").Stdout; out != "always\n" {
		t.Errorf("restart policy after update: %q", out)
	}
	env.docker("update", "--restart", "no", "web")
	if r := env.Exec("docker", "update", "--restart", "sometimes", "web"); r.Code == 0 {
		t.Errorf("docker update with a bad restart policy succeeded")
	}
	// Limits go through pm update: applied, or (rootless on cgroup v1)
	// warned about; a field pm cannot change is refused.
	code, body := env.curl(svc.Sock, "POST", "/v1.44/containers/web/update", `{"Memory":67108864,"PidsLimit":50,"KernelMemory":0}`)
	switch {
	case code != "200":
		t.Errorf("update of Memory and PidsLimit: %s %s", code, body)
	case cgroupV1() && !isRootEnv(env):
		if !strings.Contains(body, "Resource limits are not supported and ignored on cgroups V1 rootless systems") {
			t.Errorf("update without cgroups: no warning in %s", body)
		}
	default:
		if out := env.docker("inspect", "--format", "{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}", "web").Stdout; out != "67108864 50\n" {
			t.Errorf("limits after update: %q", out)
		}
	}
	if code, body := env.curl(svc.Sock, "POST", "/v1.44/containers/web/update", `{"Memory":1,"Ulimits":[{"Name":"nofile","Soft":1,"Hard":1}]}`); code != "400" || !strings.Contains(body, "cannot change Ulimits") {
		t.Errorf("update of Ulimits: %s %s, want 400", code, body)
	}

	if r := env.Exec("docker", "run", "--name", "dier", img, "sh", "-c", "exit 3"); r.Code != 3 {
		t.Errorf("docker run exit 3: %d %s", r.Code, r.Stderr)
	}
	env.docker("rm", "dier")
	env.docker("rm", "-f", "web", "pubweb")
	env.docker("volume", "rm", "apivol")
	env.docker("network", "rm", "apinet")
	if out := env.docker("network", "ls", "-q", "--filter", "name=apinet").Stdout; out != "" {
		t.Errorf("network left after rm: %q", out)
	}
	if out := env.docker("volume", "ls", "-q").Stdout; strings.Contains(out, "apivol") {
		t.Errorf("volume left after rm: %q", out)
	}

	until := fmt.Sprint(time.Now().Unix() + 1)
	since := fmt.Sprint(start)
	evs := env.docker("events", "--since", since, "--until", until, "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}").Stdout
	for _, want := range []string{"network create apinet", "volume create apivol", "container create web", "container start web",
		"container die dier 3", "container destroy web", "container update web", "volume destroy apivol", "network destroy apinet"} {
		if !strings.Contains(evs, want) {
			t.Errorf("docker events: no %q in\n%s", want, evs)
		}
	}
	filtered := env.docker("events", "--since", since, "--until", until, "--filter", "event=die", "--filter", "container=dier", "--format", "{{.Action}} {{.Actor.Attributes.name}}").Stdout
	if strings.TrimSpace(filtered) != "die dier" {
		t.Errorf("docker events filtered: %q", filtered)
	}
}

// TestAPIEvents: pm events shows the journal the CLI writes, with
// filters and formats; GET /events streams live events to docker events.
func TestAPIEvents(t *testing.T) {
	needTool(t, "docker")
	env := ctrEnv(t)
	if r := env.PM("run", "--name", "ev1", "--label", "team=ev", "busybox", "sh", "-c", "exit 7"); r.Code != 7 {
		t.Fatalf("pm run exit 7: %s", r)
	}
	env.PMOK("rename", "ev1", "ev2")
	env.PMOK("rm", "ev2")
	out := env.PMOK("events", "--stream=false", "--filter", "type=container", "--format", "{{.Status}} {{.Name}} {{index .Attributes \"exitCode\"}}").Stdout
	for _, want := range []string{"create ev1 \n", "start ev1 \n", "died ev1 7\n", "rename ev2 \n", "remove ev2 \n"} {
		if !strings.Contains(out, want) {
			t.Errorf("pm events: no %q in\n%s", want, out)
		}
	}
	if out := env.PMOK("events", "--stream=false", "--filter", "label=team=ev", "--filter", "event=die", "--format", "{{.Name}}").Stdout; out != "ev1\n" {
		t.Errorf("pm events label+event filter: %q", out)
	}
	if out := env.PMOK("events", "--stream=false", "--since", "1h", "--filter", "type=image").Stdout; !strings.Contains(out, "image pull") {
		t.Errorf("pm events image pull: %q", out)
	}
	if out := env.PMOK("events", "--stream=false", "--until", "2000-01-01").Stdout; out != "" {
		t.Errorf("pm events --until 2000: %q", out)
	}
	env.PM("events", "--filter", "bogus=1").ExpectError(t, 125, "bogus")
	env.PM("events", "--since", "yesterday-ish").ExpectError(t, 125, "--since")

	env.startService(nil, "--time", "0", "--log-level", "info")
	// A stream from a moment before the run: whether docker events gets
	// there before or after the container starts, the event is sent once,
	// and the stream stays open.
	live, stop := env.background("docker", "events", "--since", unixNano(time.Now()), "--filter", "event=start",
		"--filter", "container=live", "--format", "{{.Actor.Attributes.name}}")
	env.PMOK("run", "--rm", "--name", "live", "busybox", "true")
	env.waitFor(30*time.Second, "docker events to stream the start", func() bool { return live.String() != "" })
	stop()
	if got := live.String(); got != "live\n" {
		t.Errorf("docker events live: %q", got)
	}
	if r := env.Exec("docker", "events", "--filter", "bogus=1"); r.Code == 0 || !strings.Contains(r.Stderr, "bogus") {
		t.Errorf("docker events bad filter: exit %d %s", r.Code, r.Stderr)
	}
}

// TestAPINetworkVolumeBadRequests: malformed bodies and unknown names on
// the network, volume, update and events routes get Docker's statuses
// and messages, and the server keeps serving.
func TestAPINetworkVolumeBadRequests(t *testing.T) {
	needTool(t, "curl")
	env := newEnv(t)
	s := env.startService(nil, "--time", "0")
	cases := []struct {
		name, method, path, body string
		code, msg                string
	}{
		{"network malformed JSON", "POST", "/networks/create", `{"Name": "x",`, "400", "invalid JSON"},
		{"network wrong type", "POST", "/networks/create", `{"Name": 5}`, "400", "Name"},
		{"network no name", "POST", "/networks/create", `{}`, "400", "name is required"},
		// The module decodes Subnet as a prefix: the message names the value.
		{"network bad subnet", "POST", "/networks/create", `{"Name": "x", "IPAM": {"Config": [{"Subnet": "bogus"}]}}`, "400", `ParsePrefix(\"bogus\")`},
		{"network bad driver", "POST", "/networks/create", `{"Name": "x", "Driver": "overlay"}`, "400", "driver"},
		{"network unknown", "GET", "/networks/nosuch", "", "404", "network nosuch not found"},
		{"network rm unknown", "DELETE", "/networks/nosuch", "", "404", "not found"},
		{"network default rm", "DELETE", "/networks/bridge", "", "403", "default network"},
		{"connect no container", "POST", "/networks/bridge/connect", `{}`, "400", "Container"},
		{"connect unknown container", "POST", "/networks/bridge/connect", `{"Container": "nosuch"}`, "404", "No such container"},
		{"volume malformed JSON", "POST", "/volumes/create", `[`, "400", "invalid JSON"},
		{"volume bad name", "POST", "/volumes/create", `{"Name": "../x"}`, "400", ""},
		{"volume unknown", "GET", "/volumes/nosuch", "", "404", "no such volume"},
		{"volume rm unknown", "DELETE", "/volumes/nosuch", "", "404", "no such volume"},
		{"volume bad filter", "GET", "/volumes?filters=%7B%22x%22%3A%5B%221%22%5D%7D", "", "400", "invalid filter"},
		{"update unknown", "POST", "/containers/nosuch/update", `{"RestartPolicy": {"Name": "always"}}`, "404", "No such container"},
		{"update malformed", "POST", "/containers/nosuch/update", `{"RestartPolicy": 5}`, "400", "RestartPolicy"},
		{"events bad since", "GET", "/events?since=soon", "", "400", "since"},
		{"events bad filter", "GET", "/events?filters=%7B%22x%22%3A%5B%221%22%5D%7D", "", "400", "invalid filter"},
	}
	for _, tc := range cases {
		code, body := env.curl(s.Sock, tc.method, tc.path, tc.body)
		if code != tc.code || !strings.Contains(body, `"message"`) || !strings.Contains(body, tc.msg) {
			t.Errorf("%s: %s %s: got %s %s, want %s with a message containing %q", tc.name, tc.method, tc.path, code, body, tc.code, tc.msg)
		}
		if code, body := env.curl(s.Sock, "GET", "/_ping", ""); code != "200" || body != "OK" {
			t.Fatalf("_ping after %s: %s %q", tc.name, code, body)
		}
	}
	if out := env.PMOK("network", "ls", "-q").Stdout; out != "pm\n" {
		t.Errorf("bad requests made networks: %q", out)
	}
}
