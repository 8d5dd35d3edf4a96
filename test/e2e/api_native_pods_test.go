package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// apiID is the answer of a pod verb.
type apiID struct {
	ID string `json:"Id"`
}

// apiPod is the part of a pod's inspect data the tests read.
type apiPod struct {
	ID          string `json:"Id"`
	Name        string
	State       string
	Labels      map[string]string
	CreateInfra bool
	InfraConfig *struct {
		PortBindings map[string][]struct{ HostIP, HostPort string }
	}
	SharedNamespaces []string
	NumContainers    int
}

// TestAPINativePods drives a pod through pm's native pod routes: create
// with a published port, list, inspect, exists, start, logs, top, stats,
// stop, restart, kill, rm and prune.
func TestAPINativePods(t *testing.T) {
	needTool(t, "curl")
	env := podEnv(t)
	s := env.startService(nil, "--time", "0")
	call := func(method, path, body, want string) string {
		t.Helper()
		code, out := env.curl(s.Sock, method, path, body)
		if code != want {
			t.Fatalf("%s %s: %s %s, want %s", method, path, code, out, want)
		}
		return out
	}
	decode := func(what, body string, v any) {
		t.Helper()
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("%s: %v\n%s", what, err, body)
		}
	}
	inspect := func(name string) apiPod {
		t.Helper()
		var p apiPod
		decode("inspect "+name, call("GET", "/v1/pm/pods/"+name+"/json", "", "200"), &p)
		return p
	}

	hp := freeHostPort(t)
	var created apiID
	decode("create", call("POST", "/v1/pm/pods/create",
		fmt.Sprintf(`{"name": "apod", "labels": {"app": "demo"}, "publish": ["127.0.0.1:%d:8080"]}`, hp), "201"), &created)
	if len(created.ID) != 64 {
		t.Fatalf("create answered Id %q", created.ID)
	}

	// The list is what pm pod ps --format json prints.
	var list []struct {
		ID         string `json:"Id"`
		Name       string
		Status     string
		Labels     map[string]string
		Containers []struct{ Names string }
	}
	decode("list", call("GET", "/v1/pm/pods/json?filter=label=app=demo&filter=name=apod", "", "200"), &list)
	if len(list) != 1 || list[0].ID != created.ID || list[0].Status != "Created" || len(list[0].Containers) != 1 {
		t.Errorf("list = %+v", list)
	}
	if body := call("GET", "/v1/pm/pods/json?filter=name=nosuch", "", "200"); strings.TrimSpace(body) != "[]" {
		t.Errorf("list with no match = %s, want []", body)
	}
	var cli []apiID
	decode("pod ps", env.PMOK("pod", "ps", "--format", "json").Stdout, &cli)
	if len(cli) != 1 || cli[0].ID != created.ID {
		t.Errorf("pm pod ps after an API create = %+v", cli)
	}

	p := inspect("apod")
	if p.ID != created.ID || p.Name != "apod" || p.Labels["app"] != "demo" || !p.CreateInfra ||
		strings.Join(p.SharedNamespaces, ",") != "net,ipc,uts" || p.InfraConfig == nil {
		t.Fatalf("inspect = %+v", p)
	}
	if b := p.InfraConfig.PortBindings["8080/tcp"]; len(b) != 1 || b[0].HostPort != fmt.Sprint(hp) || b[0].HostIP != "127.0.0.1" {
		t.Errorf("inspect port bindings = %+v", p.InfraConfig.PortBindings)
	}
	if inspect(created.ID[:12]).Name != "apod" {
		t.Errorf("inspect by short ID found another pod")
	}
	call("GET", "/v1/pm/pods/apod/exists", "", "204")
	call("GET", "/v1/pm/pods/"+created.ID+"/exists", "", "204")

	// Start runs the infra container and the member; the port reaches it.
	env.PMOK("create", "--pod", "apod", "--name", "apod-srv", "busybox",
		"sh", "-c", "echo hi; echo oops >&2; exec httpd -f -p 8080 -h /var/www")
	var started apiID
	decode("start", call("POST", "/v1/pm/pods/apod/start", "", "200"), &started)
	if started.ID != created.ID {
		t.Errorf("start answered Id %q", started.ID)
	}
	if st := inspect("apod").State; st != "Running" {
		t.Errorf("state after start = %q", st)
	}
	if body, err := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/", hp)); err != nil || body != "hello from pm\n" {
		t.Errorf("GET the pod's published port: %q, %v", body, err)
	}

	// Logs are pm pod logs' lines: prefixed by the member's name.
	env.waitFor(10*time.Second, "log lines", func() bool {
		_, out := env.curl(s.Sock, "GET", "/v1/pm/pods/apod/logs", "")
		return strings.Contains(out, "apod-srv hi\n") && strings.Contains(out, "apod-srv oops\n")
	})
	// stdout and stderr are two pipes: their lines may come in either order.
	if out := call("GET", "/v1/pm/pods/apod/logs?container=apod-srv&tail=1", "", "200"); out != "hi\n" && out != "oops\n" {
		t.Errorf("logs of one member, tail 1 = %q", out)
	}
	followed := env.Exec("curl", "-s", "-N", "-m", "2", "--unix-socket", s.Sock, "http://pm/v1/pm/pods/apod/logs?follow=1&container=apod-srv").Stdout
	if l := strings.Split(followed, "\n"); len(l) != 3 || !strings.Contains(followed, "hi\n") || !strings.Contains(followed, "oops\n") {
		t.Errorf("followed logs = %q", followed)
	}

	var top struct {
		Titles    []string
		Processes [][]string
	}
	decode("top", call("GET", "/v1/pm/pods/apod/top", "", "200"), &top)
	if !strings.Contains(strings.Join(top.Titles, " "), "PID") || len(top.Processes) < 2 {
		t.Errorf("top = %+v", top)
	}
	decode("top with descriptors", call("GET", "/v1/pm/pods/apod/top?ps_args=pid&ps_args=args", "", "200"), &top)
	if len(top.Titles) != 2 || !strings.Contains(fmt.Sprint(top.Processes), "httpd") {
		t.Errorf("top pid args = %+v", top)
	}

	// Stats: one entry per container of the pod, infra first.
	var stats []struct {
		PodID, PodName, ID, Name string
		PIDs                     uint64
	}
	decode("stats", call("GET", "/v1/pm/pods/stats?pods=apod", "", "200"), &stats)
	if len(stats) != 2 || stats[0].PodID != created.ID || stats[0].PodName != "apod" || stats[1].Name != "apod-srv" || stats[1].PIDs == 0 {
		t.Errorf("stats = %+v", stats)
	}
	decode("stats of every running pod", call("GET", "/v1/pm/pods/stats", "", "200"), &stats)
	if len(stats) != 2 {
		t.Errorf("stats of running pods = %+v", stats)
	}
	streamed := env.Exec("curl", "-s", "-N", "-m", "3", "--unix-socket", s.Sock, "http://pm/v1/pm/pods/stats?pods=apod&stream=true").Lines()
	if len(streamed) < 2 {
		t.Errorf("streamed stats: %d lines in 3s, want one a second: %q", len(streamed), streamed)
	}
	for _, l := range streamed {
		decode("streamed stats", l, &stats)
		if len(stats) != 2 {
			t.Errorf("streamed stats line = %s", l)
		}
	}

	// Stop, restart, kill.
	call("POST", "/v1/pm/pods/apod/stop?t=0", "", "200")
	if st := inspect("apod").State; st == "Running" {
		t.Errorf("state after stop = %q", st)
	}
	call("POST", "/v1/pm/pods/apod/restart?t=0", "", "200")
	if st := inspect("apod").State; st != "Running" {
		t.Errorf("state after restart = %q", st)
	}
	if code, body := env.curl(s.Sock, "POST", "/v1/pm/pods/apod/pause", ""); code == "200" {
		call("POST", "/v1/pm/pods/apod/unpause", "", "200")
	} else if code != "501" || !strings.Contains(body, "cgroup") {
		// Rootless on cgroup v1 there is no freezer of our own.
		t.Errorf("pause: %s %s, want 200, or 501 with a message about cgroups", code, body)
	}
	// A running pod is not removed without force.
	if code, body := env.curl(s.Sock, "DELETE", "/v1/pm/pods/apod", ""); code != "409" || !strings.Contains(body, "running") {
		t.Errorf("rm of a running pod: %s %s, want 409", code, body)
	}
	call("POST", "/v1/pm/pods/apod/kill?signal=SIGKILL", "", "200")
	env.waitFor(10*time.Second, "pod exited", func() bool { return inspect("apod").State == "Exited" })
	if code, body := env.curl(s.Sock, "POST", "/v1/pm/pods/apod/kill", ""); code != "409" || !strings.Contains(body, "no containers") {
		t.Errorf("kill of an exited pod: %s %s, want 409", code, body)
	}
	call("POST", "/v1/pm/pods/apod/start", "", "200")
	var removed apiID
	decode("rm", call("DELETE", "/v1/pm/pods/apod?force=true&t=0", "", "200"), &removed)
	if removed.ID != created.ID {
		t.Errorf("rm answered Id %q", removed.ID)
	}
	call("GET", "/v1/pm/pods/apod/exists", "", "404")
	if ids := env.PMOK("ps", "-aq").Stdout; ids != "" {
		t.Errorf("containers left after rm -f of the pod: %q", ids)
	}

	// A port object, a pod without infra; prune removes both.
	hp2 := freeHostPort(t)
	decode("create with a port object", call("POST", "/v1/pm/pods/create",
		fmt.Sprintf(`{"name": "bpod", "share": ["net", "pid"], "publish": [{"host_ip": "127.0.0.1", "host_port": %d, "container_port": 80}]}`, hp2), "201"), &created)
	p = inspect("bpod")
	if b := p.InfraConfig.PortBindings["80/tcp"]; len(b) != 1 || b[0].HostPort != fmt.Sprint(hp2) || strings.Join(p.SharedNamespaces, ",") != "net,pid" {
		t.Errorf("inspect of a pod with a port object = %+v", p)
	}
	call("POST", "/v1/pm/pods/create", `{"name": "cpod", "infra": false}`, "201")
	if p := inspect("cpod"); p.CreateInfra || p.NumContainers != 0 || len(p.SharedNamespaces) != 0 {
		t.Errorf("inspect of a pod without infra = %+v", p)
	}
	var pruned []apiID
	decode("prune", call("POST", "/v1/pm/pods/prune", "", "200"), &pruned)
	if len(pruned) != 2 {
		t.Errorf("prune = %+v, want 2 pods", pruned)
	}
	if body := call("GET", "/v1/pm/pods/json", "", "200"); strings.TrimSpace(body) != "[]" {
		t.Errorf("list after prune = %s", body)
	}
	env.expectNoConmon("after the API removed the pods")
}

// TestAPINativePodsBadRequests checks the statuses and messages of bad
// pod requests, that they create nothing, and that the service keeps
// serving after each.
func TestAPINativePodsBadRequests(t *testing.T) {
	needTool(t, "curl")
	env := newEnv(t)
	t.Cleanup(func() { _ = env.quietRun("pod", "rm", "-af", "-t", "0") })
	s := env.startService(nil, "--time", "0")
	ok := func() {
		t.Helper()
		if code, body := env.curl(s.Sock, "GET", "/v1/pm/_ping", ""); code != "200" || body != "OK" {
			t.Fatalf("_ping after a bad request: %s %q", code, body)
		}
	}
	if code, body := env.curl(s.Sock, "POST", "/v1/pm/pods/create", `{"name": "dup", "infra": false}`); code != "201" {
		t.Fatalf("create dup: %s %s", code, body)
	}
	cases := []struct {
		name, method, path, body string
		code, msg                string
	}{
		{"malformed JSON", "POST", "/v1/pm/pods/create", `{"name": "x",`, "400", "invalid JSON"},
		{"data after the body", "POST", "/v1/pm/pods/create", `{"name": "x"} {}`, "400", "invalid JSON"},
		{"unknown key", "POST", "/v1/pm/pods/create", `{"nmae": "x"}`, "400", "nmae"},
		{"wrong type", "POST", "/v1/pm/pods/create", `{"name": "x", "labels": 5}`, "400", "labels"},
		{"duplicate name", "POST", "/v1/pm/pods/create", `{"name": "dup", "infra": false}`, "409", "dup"},
		{"bad name", "POST", "/v1/pm/pods/create", `{"name": "a b", "infra": false}`, "400", "a b"},
		{"bogus share", "POST", "/v1/pm/pods/create", `{"name": "x", "share": "net,bogus"}`, "400", "bogus"},
		{"bogus share in a list", "POST", "/v1/pm/pods/create", `{"name": "x", "share": ["net", "bogus"]}`, "400", "bogus"},
		{"share of a wrong type", "POST", "/v1/pm/pods/create", `{"name": "x", "share": 3}`, "400", "share"},
		{"share without infra", "POST", "/v1/pm/pods/create", `{"name": "x", "infra": false, "share": "net"}`, "400", "infra"},
		{"bad port", "POST", "/v1/pm/pods/create", `{"name": "x", "publish": ["99999:80"]}`, "400", "invalid port"},
		{"bad port object", "POST", "/v1/pm/pods/create", `{"name": "x", "publish": [{"container_port": 0}]}`, "400", "invalid port"},
		{"port object out of range", "POST", "/v1/pm/pods/create", `{"name": "x", "publish": [{"container_port": 70000}]}`, "400", "container_port"},
		{"unknown key in a port object", "POST", "/v1/pm/pods/create", `{"name": "x", "publish": [{"port": 80}]}`, "400", "port"},
		{"bad protocol", "POST", "/v1/pm/pods/create", `{"name": "x", "publish": [{"container_port": 80, "protocol": "icmp"}]}`, "400", "protocol"},
		{"ports without infra", "POST", "/v1/pm/pods/create", `{"name": "x", "infra": false, "share": "none", "publish": ["80"]}`, "400", "infra"},
		{"bad exit policy", "POST", "/v1/pm/pods/create", `{"name": "x", "exit_policy": "sometimes"}`, "400", "exit policy"},
		{"bad dns", "POST", "/v1/pm/pods/create", `{"name": "x", "dns": ["not-an-ip"]}`, "400", "dns"},
		{"bad add_host", "POST", "/v1/pm/pods/create", `{"name": "x", "add_host": ["nocolon"]}`, "400", "add-host"},
		{"unknown pod", "GET", "/v1/pm/pods/nosuch/json", "", "404", "nosuch"},
		{"exists of an unknown pod", "GET", "/v1/pm/pods/nosuch/exists", "", "404", "nosuch"},
		{"start of an unknown pod", "POST", "/v1/pm/pods/nosuch/start", "", "404", "nosuch"},
		{"stop of an unknown pod", "POST", "/v1/pm/pods/nosuch/stop", "", "404", "nosuch"},
		{"kill of an unknown pod", "POST", "/v1/pm/pods/nosuch/kill", "", "404", "nosuch"},
		{"rm of an unknown pod", "DELETE", "/v1/pm/pods/nosuch", "", "404", "nosuch"},
		{"top of an unknown pod", "GET", "/v1/pm/pods/nosuch/top", "", "404", "nosuch"},
		{"logs of an unknown pod", "GET", "/v1/pm/pods/nosuch/logs?follow=1", "", "404", "nosuch"},
		{"stats of an unknown pod", "GET", "/v1/pm/pods/stats?pods=nosuch", "", "404", "nosuch"},
		{"logs of a container not in the pod", "GET", "/v1/pm/pods/dup/logs?container=nosuch", "", "404", "nosuch"},
		{"bad timeout", "POST", "/v1/pm/pods/dup/stop?t=-1", "", "400", "t"},
		{"bad signal", "POST", "/v1/pm/pods/dup/kill?signal=BOGUS", "", "400", "BOGUS"},
		{"bad force", "DELETE", "/v1/pm/pods/dup?force=maybe", "", "400", "force"},
		{"bad tail", "GET", "/v1/pm/pods/dup/logs?tail=x", "", "400", "tail"},
		{"bad filter", "GET", "/v1/pm/pods/json?filter=color=red", "", "400", "color"},
		{"stats of all and named pods", "GET", "/v1/pm/pods/stats?all=1&pods=dup", "", "400", "all"},
		{"top of a pod with nothing running", "GET", "/v1/pm/pods/dup/top", "", "409", "running"},
		{"unknown verb", "POST", "/v1/pm/pods/dup/explode", "", "404", "page not found"},
	}
	for _, tc := range cases {
		code, body := env.curl(s.Sock, tc.method, tc.path, tc.body)
		if code != tc.code || !strings.Contains(body, `"message"`) || !strings.Contains(body, tc.msg) {
			t.Errorf("%s: %s %s: got %s %s, want %s with a message containing %q", tc.name, tc.method, tc.path, code, body, tc.code, tc.msg)
		}
		ok()
	}
	// Nothing was created by the bad requests.
	if out := env.PMOK("pod", "ps", "--format", "{{.Name}}").Stdout; out != "dup\n" {
		t.Errorf("pods after the bad requests = %q, want dup only", out)
	}
	if out := env.PMOK("ps", "-aq").Stdout; out != "" {
		t.Errorf("containers after the bad requests = %q", out)
	}
	// A client that leaves a stream leaves the server serving.
	env.Exec("curl", "-s", "-m", "1", "--unix-socket", s.Sock, "http://pm/v1/pm/pods/stats?all=1&stream=1")
	ok()
	// A replace of an existing name is no conflict.
	if code, body := env.curl(s.Sock, "POST", "/v1/pm/pods/create", `{"name": "dup", "infra": false, "replace": true}`); code != "201" {
		t.Errorf("create with replace: %s %s", code, body)
	}
}
