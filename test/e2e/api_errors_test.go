package e2e

import (
	"strings"
	"testing"
	"time"
)

// waitFor polls cond for up to 10 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met after 10s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestAPIBadRequests checks statuses and messages of bad requests, and
// that the service keeps serving after each.
func TestAPIBadRequests(t *testing.T) {
	needTool(t, "curl")
	env := newEnv(t)
	s := env.startService(nil, "--time", "0")
	env.PMOK("pull", "busybox")
	ok := func() {
		t.Helper()
		if code, body := env.curl(s.Sock, "GET", "/_ping", ""); code != "200" || body != "OK" {
			t.Fatalf("_ping after a bad request: %s %q", code, body)
		}
	}
	cases := []struct {
		name, method, path, body string
		code, msg                string
	}{
		{"malformed JSON", "POST", "/v1.44/containers/create", `{"Image": "busybox",`, "400", "invalid JSON"},
		{"wrong type", "POST", "/v1.44/containers/create", `{"Image": 5}`, "400", "Image"},
		{"no image", "POST", "/containers/create", `{}`, "400", "no image"},
		{"unknown container", "GET", "/v1.44/containers/nosuch/json", "", "404", "No such container: nosuch"},
		{"unknown image", "GET", "/v1.44/images/nosuch:1/json", "", "404", "No such image"},
		{"create of a missing image", "POST", "/containers/create", `{"Image": "nosuch:1"}`, "404", "No such image"},
		{"bad port binding", "POST", "/containers/create", `{"Image": "busybox", "HostConfig": {"PortBindings": {"80/tcp": [{"HostPort": "99999"}]}}}`, "400", "invalid port"},
		{"too new version", "GET", "/v9.99/_ping", "", "400", "too new"},
		{"too old version", "GET", "/v1.12/version", "", "400", "too old"},
		{"bad query", "GET", "/containers/json?all=maybe", "", "400", "invalid boolean"},
		{"bad filters", "GET", "/containers/json?filters=%7Bx", "", "400", "invalid filters"},
		{"unknown route", "GET", "/nosuch", "", "404", "page not found"},
		{"kill unknown exec", "GET", "/exec/nosuch/json", "", "404", "No such exec"},
	}
	for _, tc := range cases {
		code, body := env.curl(s.Sock, tc.method, tc.path, tc.body)
		if code != tc.code || !strings.Contains(body, `"message"`) || !strings.Contains(body, tc.msg) {
			t.Errorf("%s: %s %s: got %s %s, want %s with a message containing %q", tc.name, tc.method, tc.path, code, body, tc.code, tc.msg)
		}
		ok()
	}

	// A name in use is a conflict.
	code, body := env.curl(s.Sock, "POST", "/containers/create?name=dup", `{"Image": "busybox", "Cmd": ["true"]}`)
	if code != "201" {
		t.Fatalf("create dup: %s %s", code, body)
	}
	code, body = env.curl(s.Sock, "POST", "/containers/create?name=dup", `{"Image": "busybox", "Cmd": ["true"]}`)
	if code != "409" || !strings.Contains(body, "already in use") {
		t.Errorf("second create of dup: %s %s, want 409 already in use", code, body)
	}
	if code, _ := env.curl(s.Sock, "POST", "/containers/dup/stop", ""); code != "304" {
		t.Errorf("stop of a created container: %s, want 304", code)
	}
	if code, body := env.curl(s.Sock, "POST", "/containers/dup/kill", ""); code != "409" {
		t.Errorf("kill of a created container: %s %s, want 409", code, body)
	}
	if code, body := env.curl(s.Sock, "DELETE", "/containers/dup", ""); code != "204" {
		t.Errorf("delete dup: %s %s", code, body)
	}
	// A client that goes away mid-stream leaves the server serving.
	env.Exec("curl", "-s", "-m", "1", "--unix-socket", s.Sock, "http://pm/events")
	ok()
	if code, body := env.curl(s.Sock, "GET", "/v1/pm/containers/dup/exists", ""); code != "404" {
		t.Errorf("native exists of a removed container: %s %s", code, body)
	}
}

// TestAPIIdleExit checks that the service exits after --time seconds
// without connections.
func TestAPIIdleExit(t *testing.T) {
	needTool(t, "curl")
	env := newEnv(t)
	sock := env.Path("api.sock")
	s := env.startService(nil, "--time", "2")
	if code, _ := env.curl(sock, "GET", "/_ping", ""); code != "200" {
		t.Fatalf("_ping: %s", code)
	}
	if !s.waitExit(15 * time.Second) {
		t.Fatalf("service still running 15s after its last request with --time 2")
	}
}

// TestAPISocketActivation starts the service the way systemd does and
// talks to it with the docker CLI.
func TestAPISocketActivation(t *testing.T) {
	needTool(t, "systemd-socket-activate")
	needTool(t, "docker")
	env := newEnv(t)
	// systemd-socket-activate gives the service a clean environment: pass
	// the test's on, or pm falls back to /tmp/pm-run-$UID and the user's
	// real home.
	prefix := []string{"systemd-socket-activate", "-l", "SOCK"}
	for _, kv := range env.environ() {
		prefix = append(prefix, "-E", kv)
	}
	env.startService(prefix, "--time", "0")
	if out := env.docker("version", "--format", "{{.Server.Version}}").Stdout; strings.TrimSpace(out) == "" {
		t.Errorf("docker version over an activated socket: %q", out)
	}
	if pid := env.PausePID(); pid <= 0 || !alive(pid) {
		t.Errorf("the activated service has no pause process in the test's runtime directory %s", env.RuntimeDir)
	}
}
