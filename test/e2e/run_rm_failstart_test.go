package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRunRmFailedStart: a --rm container whose command cannot start is
// removed, whichever command started it, with Podman's exit codes.
func TestRunRmFailedStart(t *testing.T) {
	env := ctrEnv(t)
	env.PM("run", "--rm", "--network", "none", "busybox", "/no/such/cmd").
		ExpectError(t, 127, "/no/such/cmd")
	env.PM("run", "--rm", "-d", "--network", "none", "busybox", "/no/such/cmd").
		ExpectError(t, 127, "/no/such/cmd")
	env.PM("run", "--rm", "--network", "none", "busybox", "/etc").
		ExpectError(t, 126, "/etc")
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("containers left by pm run --rm that could not start: %q", ids)
	}
	// create --rm, then start: the failed start removes it too.
	env.PMOK("create", "--rm", "--name", "bad", "--network", "none", "busybox", "/no/such/cmd")
	env.PM("start", "bad").ExpectError(t, 125, "/no/such/cmd")
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("a --rm container whose start failed is still there: %q", ids)
	}
	// Without --rm it stays, created, with the exit code and the error.
	env.PMOK("create", "--name", "kept", "--network", "none", "busybox", "/no/such/cmd")
	env.PM("start", "kept").ExpectError(t, 125, "/no/such/cmd")
	var st []struct {
		State struct {
			Status   string
			ExitCode int
			Error    string
		}
	}
	decodeJSON(t, env.PMOK("inspect", "kept").Stdout, &st)
	if len(st) != 1 || st[0].State.Status != "created" || st[0].State.ExitCode != 127 || !strings.Contains(st[0].State.Error, "/no/such/cmd") {
		t.Errorf("inspect after a failed start: %+v", st)
	}
	env.PMOK("rm", "kept")
	env.expectNoConmon("after the failed starts")
	env.expectNoStorageContainers("after the failed starts")
}

// TestAPIDockerRunRmFailedStart: `docker run --rm` of a command that does
// not exist ends (the container is removed, so its wait for "removed"
// returns) with Docker's exit code, and the start is answered as Docker
// answers it: 400 with the runtime's message.
func TestAPIDockerRunRmFailedStart(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	for _, detach := range []bool{false, true} {
		args := []string{"-s", "KILL", "60", "docker", "run", "--rm", "--network", "none"}
		if detach {
			args = append(args, "-d")
		}
		res := env.Exec("timeout", append(args, img, "/no/such/cmd")...)
		if res.Code == 128+9 { // killed by timeout
			t.Fatalf("docker run --rm (detach %v) of a missing command hangs", detach)
		}
		if res.Code != 127 || !strings.Contains(res.Stderr, "/no/such/cmd") {
			t.Errorf("docker run --rm (detach %v): exit %d, stderr %q; want 127 naming the command", detach, res.Code, res.Stderr)
		}
		// Its wait for "removed" ends without an error of its own.
		if strings.Contains(res.Stderr, "rror waiting for container") {
			t.Errorf("docker run --rm (detach %v): the wait failed: %q", detach, res.Stderr)
		}
		if out := strings.TrimSpace(env.docker("ps", "-aq").Stdout); out != "" {
			t.Errorf("docker run --rm (detach %v): containers left: %q", detach, out)
		}
	}
	// The start of a container that cannot start: 400 and the message.
	id := strings.TrimSpace(env.docker("create", "--network", "none", img, "/no/such/cmd").Stdout)
	sock := env.Dir + "/api.sock"
	code, body := env.curl(sock, "POST", "/v1.44/containers/"+id+"/start", "")
	var msg struct{ Message string }
	if err := json.Unmarshal([]byte(body), &msg); err != nil || code != "400" || !strings.Contains(msg.Message, "/no/such/cmd") {
		t.Errorf("start of a missing command: %s %s", code, body)
	}
	var insp []struct {
		State struct {
			Status   string
			ExitCode int
		}
	}
	decodeJSON(t, env.docker("inspect", id).Stdout, &insp)
	if len(insp) != 1 || insp[0].State.Status != "created" || insp[0].State.ExitCode != 127 {
		t.Errorf("inspect after the failed start: %+v", insp)
	}
	// Its wait answers at once with that exit code.
	code, body = env.curl(sock, "POST", "/v1.44/containers/"+id+"/wait", "")
	if code != "200" || !strings.Contains(body, `"StatusCode":127`) {
		t.Errorf("wait after the failed start: %s %s", code, body)
	}
	env.docker("rm", id)
	env.expectNoConmon("after the API's failed starts")
	env.expectNoStorageContainers("after the API's failed starts")
}
