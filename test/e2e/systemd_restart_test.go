package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRestartUnit: the pm-restart.service units of contrib pass
// systemd-analyze verify (the user's with --user, the system's as root);
// run by hand, the user unit's ExecStart starts exactly the containers
// whose restart policy is always, and its ExecStop stops exactly those.
func TestRestartUnit(t *testing.T) {
	env := ctrEnv(t)
	// Each unit in a directory of its own: verify wants the file's name to
	// be the unit's.
	units := map[string]string{}
	for _, kind := range []string{"user", "system"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "contrib", "systemd", kind, "pm-restart.service"))
		if err != nil {
			t.Fatal(err)
		}
		dir := env.Path(kind + "-units")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		units[kind] = filepath.Join(dir, "pm-restart.service")
		writeFile(t, units[kind], strings.ReplaceAll(string(b), "/usr/bin/pm ", pmBinary+" "))
	}
	verifyUnits(t, env, units["user"])
	if isRoot {
		out, err := exec.Command("systemd-analyze", "verify", "--man=no", units["system"]).CombinedOutput()
		if err != nil || strings.Contains(string(out), "pm-restart.service") {
			t.Errorf("systemd-analyze verify of the system unit: %v\n%s", err, out)
		}
	}

	env.PMOK("create", "--name", "always1", "--restart", "always", "busybox", "sleep", "1000")
	env.PMOK("create", "--name", "always2", "--restart=always", "busybox", "sleep", "1000")
	env.PMOK("create", "--name", "onfail", "--restart", "on-failure", "busybox", "sleep", "1000")
	env.PMOK("create", "--name", "plain", "busybox", "sleep", "1000")
	u := readUnit(t, units["user"])
	if res := execLine(t, env, u, "ExecStart", "pm-restart.service", ""); res.Code != 0 {
		t.Fatalf("ExecStart: exit %d: %s", res.Code, res.Stderr)
	}
	state := func() map[string]string {
		out := map[string]string{}
		for _, l := range env.PMOK("ps", "-a", "--format", "{{.Names}} {{.State}}").Lines() {
			f := strings.Fields(l)
			out[f[0]] = f[1]
		}
		return out
	}
	st := state()
	for name, want := range map[string]string{"always1": "running", "always2": "running", "onfail": "created", "plain": "created"} {
		if st[name] != want {
			t.Errorf("after ExecStart, %s is %s, want %s", name, st[name], want)
		}
	}
	// Starting again (all are up) is no error.
	if res := execLine(t, env, u, "ExecStart", "pm-restart.service", ""); res.Code != 0 {
		t.Errorf("second ExecStart: exit %d: %s", res.Code, res.Stderr)
	}
	env.PMOK("start", "plain")
	if res := execLine(t, env, u, "ExecStop", "pm-restart.service", ""); res.Code != 0 {
		t.Fatalf("ExecStop: exit %d: %s", res.Code, res.Stderr)
	}
	st = state()
	for name, want := range map[string]string{"always1": "exited", "always2": "exited", "plain": "running"} {
		if st[name] != want {
			t.Errorf("after ExecStop, %s is %s, want %s", name, st[name], want)
		}
	}
	// stop --filter alone selects among the running containers; a bad
	// filter is refused.
	env.PMOK("stop", "-t", "0", "--filter", "name=^plain$")
	if s := state()["plain"]; s != "exited" {
		t.Errorf("stop --filter name=^plain$: plain is %s", s)
	}
	env.PM("stop", "--filter", "bogus=1").ExpectError(t, 125, "bogus")
	env.PM("stop", "--all", "plain").ExpectError(t, 125, "--all and a container name cannot be used together")
}
