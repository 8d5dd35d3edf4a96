package e2e

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// healthInspect is the healthcheck part of pm inspect.
type healthInspect struct {
	State struct {
		Status string
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
	Config struct {
		Healthcheck *struct {
			Test                           []string
			Interval, Timeout, StartPeriod time.Duration
			Retries                        int
		}
		HealthcheckOnFailureAction string
	}
}

func (e *Env) health(name string) healthInspect {
	e.t.Helper()
	var out []healthInspect
	decodeJSON(e.t, e.PMOK("container", "inspect", name).Stdout, &out)
	if len(out) != 1 {
		e.t.Fatalf("inspect %s: %d results", name, len(out))
	}
	return out[0]
}

func (e *Env) healthStatus(name string) string {
	e.t.Helper()
	h := e.health(name).State.Health
	if h == nil {
		return ""
	}
	return h.Status
}

// schedulers returns the pids of the health schedulers of container id.
func schedulers(id string) []int {
	var out []int
	for _, p := range listProcs() {
		b, err := os.ReadFile("/proc/" + itoa(p.pid) + "/cmdline")
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
		if len(args) > 1 && args[0] == "pm-healthcheck" && args[len(args)-1] == id {
			if st, err := os.ReadFile("/proc/" + itoa(p.pid) + "/stat"); err == nil && bytes.Contains(st, []byte(") Z ")) {
				continue
			}
			out = append(out, p.pid)
		}
	}
	return out
}

// TestHealthcheckScheduler: a passing check with a 1s interval turns
// the container healthy on its own; inspect, ps, ps --filter health and
// the events show it; one scheduler runs, a restart leaves one, and rm -f
// leaves none.
func TestHealthcheckScheduler(t *testing.T) {
	env := ctrEnv(t)
	id := env.runID("--name", "ok", "--health-cmd", "echo checked", "--health-interval", "1s", "busybox", "sleep", "300")
	env.runID("--name", "plain", "busybox", "sleep", "300")

	h := env.health("ok")
	if hc := h.Config.Healthcheck; hc == nil || strings.Join(hc.Test, "|") != "CMD-SHELL|echo checked" ||
		hc.Interval != time.Second || hc.Timeout != 30*time.Second || hc.StartPeriod != 0 || hc.Retries != 3 {
		t.Errorf("Config.Healthcheck: %+v", hc)
	}
	if h.Config.HealthcheckOnFailureAction != "none" {
		t.Errorf("Config.HealthcheckOnFailureAction: %q", h.Config.HealthcheckOnFailureAction)
	}
	if p := env.health("plain"); p.State.Health != nil || p.Config.Healthcheck != nil {
		t.Errorf("a container without a healthcheck has State.Health %+v, Config.Healthcheck %+v", p.State.Health, p.Config.Healthcheck)
	}
	env.waitFor(20*time.Second, "ok to turn healthy", func() bool { return env.healthStatus("ok") == "healthy" })
	h = env.health("ok")
	if hs := h.State.Health; hs.FailingStreak != 0 || len(hs.Log) == 0 || hs.Log[0].ExitCode != 0 || hs.Log[0].Output != "checked" ||
		hs.Log[0].End.Before(hs.Log[0].Start) {
		t.Errorf("State.Health: %+v", hs)
	}
	if st := env.ctrField("ok", ".Status"); !strings.HasPrefix(st, "Up ") || !strings.HasSuffix(st, " (healthy)") {
		t.Errorf("ps STATUS of a healthy container: %q", st)
	}
	if st := env.ctrField("plain", ".Status"); strings.Contains(st, "(") {
		t.Errorf("ps STATUS of a container without a healthcheck: %q", st)
	}
	for filter, want := range map[string]string{"healthy": "ok", "none": "plain", "unhealthy": "", "starting": ""} {
		got := strings.Join(env.PMOK("ps", "--filter", "health="+filter, "--format", "{{.Names}}").Lines(), ",")
		if got != want {
			t.Errorf("ps --filter health=%s: %q, want %q", filter, got, want)
		}
	}
	env.PM("ps", "--filter", "health=sick").ExpectError(t, 125, "health")
	ev := env.PMOK("events", "--stream=false", "--filter", "event=health_status", "--filter", "container=ok").Stdout
	if !strings.Contains(ev, "health_status=healthy") {
		t.Errorf("no health_status event with health_status=healthy:\n%s", ev)
	}

	if pids := schedulers(id); len(pids) != 1 {
		t.Fatalf("schedulers of a running container: %v, want one", pids)
	}
	// A restart starts over: starting again, one scheduler.
	env.PMOK("restart", "-t", "0", "ok")
	if st := env.healthStatus("ok"); st != "starting" && st != "healthy" {
		t.Errorf("health after restart: %q", st)
	}
	env.waitFor(20*time.Second, "ok to turn healthy after restart", func() bool { return env.healthStatus("ok") == "healthy" })
	if pids := schedulers(id); len(pids) != 1 {
		t.Errorf("schedulers after restart: %v, want one", pids)
	}
	// stop ends the scheduler; start brings one back; rm -f ends it.
	env.PMOK("stop", "-t", "0", "ok")
	if pids := schedulers(id); len(pids) != 0 {
		t.Errorf("schedulers after stop: %v", pids)
	}
	env.PMOK("start", "ok")
	if pids := schedulers(id); len(pids) != 1 {
		t.Errorf("schedulers after start: %v, want one", pids)
	}
	env.PMOK("rm", "-f", "-t", "0", "ok")
	if pids := schedulers(id); len(pids) != 0 {
		t.Errorf("schedulers after rm -f: %v", pids)
	}
}

// TestHealthcheckRun: pm healthcheck run runs the check once and records
// it, with the status rules; --health-interval disable starts no
// scheduler.
func TestHealthcheckRun(t *testing.T) {
	env := ctrEnv(t)
	id := env.runID("--name", "m", "--health-cmd", "echo out; echo err >&2; test -e /tmp/ok", "--health-interval", "disable",
		"--health-retries", "2", "busybox", "sleep", "300")
	if pids := schedulers(id); len(pids) != 0 {
		t.Errorf("--health-interval disable started schedulers: %v", pids)
	}
	if st := env.healthStatus("m"); st != "starting" {
		t.Errorf("health before any check: %q", st)
	}
	if st := env.ctrField("m", ".Status"); !strings.HasSuffix(st, " (starting)") {
		t.Errorf("ps STATUS before any check: %q", st)
	}
	res := env.PM("healthcheck", "run", "m")
	if res.Code != 1 || res.Stdout != "unhealthy\n" {
		t.Errorf("healthcheck run of a failing check: want exit 1 and unhealthy\n%s", res)
	}
	h := env.health("m").State.Health
	if h.Status != "starting" || h.FailingStreak != 1 || len(h.Log) != 1 || h.Log[0].ExitCode != 1 || h.Log[0].Output != "out\nerr" {
		t.Errorf("after one failure of two allowed: %+v", h)
	}
	env.PM("healthcheck", "run", "m")
	if h := env.health("m").State.Health; h.Status != "unhealthy" || h.FailingStreak != 2 {
		t.Errorf("after two failures of two allowed: %+v", h)
	}
	if got := env.PMOK("ps", "--filter", "health=unhealthy", "--format", "{{.Names}} {{.Status}}").Stdout; !strings.HasPrefix(got, "m Up") || !strings.Contains(got, "(unhealthy)") {
		t.Errorf("ps --filter health=unhealthy: %q", got)
	}
	env.PMOK("exec", "m", "touch", "/tmp/ok")
	res = env.PM("healthcheck", "run", "m")
	if res.Code != 0 || res.Stdout != "" {
		t.Errorf("healthcheck run of a passing check: want exit 0, no output\n%s", res)
	}
	if h := env.health("m").State.Health; h.Status != "healthy" || h.FailingStreak != 0 || len(h.Log) != 3 {
		t.Errorf("after a success: %+v", h)
	}
	for i := 0; i < 4; i++ {
		env.PMOK("healthcheck", "run", "m")
	}
	if h := env.health("m").State.Health; len(h.Log) != 5 || h.Log[4].ExitCode != 0 {
		t.Errorf("the log keeps the last 5 results: %+v", h.Log)
	}
	ev := env.PMOK("events", "--stream=false", "--filter", "event=health_status", "--filter", "container=m").Lines()
	// Each event carries the container's status after the check.
	if len(ev) != 7 || !strings.Contains(ev[0], "health_status=starting") || !strings.Contains(ev[1], "health_status=unhealthy") ||
		!strings.Contains(ev[6], "health_status=healthy") {
		t.Errorf("health_status events of 7 checks:\n%s", strings.Join(ev, "\n"))
	}

	// Output is kept up to 4 KiB.
	env.runID("--name", "big", "--health-cmd", "head -c 10000 /dev/zero | tr '\\0' x", "--health-interval", "disable", "busybox", "sleep", "300")
	env.PMOK("healthcheck", "run", "big")
	if h := env.health("big").State.Health; len(h.Log) != 1 || len(h.Log[0].Output) != 4096 {
		t.Errorf("output of 10000 bytes kept as %d bytes", len(h.Log[0].Output))
	}

	// A JSON array runs without a shell.
	env.runID("--name", "arr", "--health-cmd", `["sh", "-c", "exit 3"]`, "--health-interval", "disable", "busybox", "sleep", "300")
	if hc := env.health("arr").Config.Healthcheck; hc == nil || strings.Join(hc.Test, "|") != "CMD|sh|-c|exit 3" {
		t.Errorf("Test of a JSON --health-cmd: %+v", hc)
	}
	env.PM("healthcheck", "run", "arr")
	if h := env.health("arr").State.Health; len(h.Log) != 1 || h.Log[0].ExitCode != 3 {
		t.Errorf("exit code of a CMD check: %+v", h)
	}
	// A missing command is a failed check, not pm's error.
	env.runID("--name", "missing", "--health-cmd", `["/nonexistent"]`, "--health-interval", "disable", "--health-retries", "1", "busybox", "sleep", "300")
	if res := env.PM("healthcheck", "run", "missing"); res.Code != 1 {
		t.Errorf("healthcheck run of a missing command: %s", res)
	}
	if h := env.health("missing").State.Health; h.Status != "unhealthy" || len(h.Log) != 1 || h.Log[0].ExitCode != 127 {
		t.Errorf("after a missing command: %+v", h)
	}
}

// TestHealthcheckRunErrors: no healthcheck, not running, no such
// container: 125 and one line.
func TestHealthcheckRunErrors(t *testing.T) {
	env := ctrEnv(t)
	env.runID("--name", "nocheck", "busybox", "sleep", "300")
	env.PM("healthcheck", "run", "nocheck").ExpectError(t, 125, "has no defined healthcheck")
	env.PMOK("create", "--name", "created", "--health-cmd", "true", "busybox", "sleep", "300")
	env.PM("healthcheck", "run", "created").ExpectError(t, 125, "not running")
	env.PM("healthcheck", "run", "nosuch").ExpectError(t, 125, "no container")
	env.PM("healthcheck", "run").ExpectError(t, 125, "requires exactly 1")
	// --no-healthcheck and --health-cmd none leave no healthcheck.
	env.runID("--name", "off", "--no-healthcheck", "busybox", "sleep", "300")
	env.PM("healthcheck", "run", "off").ExpectError(t, 125, "has no defined healthcheck")
	env.runID("--name", "none", "--health-cmd", "none", "busybox", "sleep", "300")
	env.PM("healthcheck", "run", "none").ExpectError(t, 125, "has no defined healthcheck")
}

// TestHealthcheckUnhealthy: a failing check turns the container
// unhealthy after --health-retries failures, through the scheduler.
func TestHealthcheckUnhealthy(t *testing.T) {
	env := ctrEnv(t)
	env.runID("--name", "bad", "--health-cmd", "false", "--health-interval", "1s", "--health-retries", "2", "busybox", "sleep", "300")
	env.waitFor(30*time.Second, "bad to turn unhealthy", func() bool { return env.healthStatus("bad") == "unhealthy" })
	h := env.health("bad").State.Health
	if h.FailingStreak < 2 || len(h.Log) < 2 {
		t.Errorf("unhealthy with %+v", h)
	}
	if st := env.ctrField("bad", ".Status"); !strings.HasSuffix(st, " (unhealthy)") {
		t.Errorf("ps STATUS: %q", st)
	}
	// --health-on-failure none: it keeps running.
	if st := env.ctrField("bad", ".State"); st != "running" {
		t.Errorf("state of an unhealthy container without an action: %q", st)
	}
}

// TestHealthcheckOnFailureKill: --health-on-failure=kill kills the
// container once it turns unhealthy; its scheduler ends with it.
func TestHealthcheckOnFailureKill(t *testing.T) {
	env := ctrEnv(t)
	id := env.runID("--name", "k", "--health-cmd", "false", "--health-interval", "1s", "--health-retries", "1",
		"--health-on-failure", "kill", "busybox", "sleep", "300")
	if a := env.health("k").Config.HealthcheckOnFailureAction; a != "kill" {
		t.Errorf("HealthcheckOnFailureAction: %q", a)
	}
	env.waitFor(30*time.Second, "k to be killed", func() bool { return env.ctrField("k", ".State") == "exited" })
	if st := env.healthStatus("k"); st != "unhealthy" {
		t.Errorf("health of the killed container: %q", st)
	}
	env.waitFor(5*time.Second, "the scheduler of k to exit", func() bool { return len(schedulers(id)) == 0 })

	// Manually, with stop.
	env.runID("--name", "s", "--health-cmd", "false", "--health-interval", "disable", "--health-retries", "1",
		"--health-on-failure", "stop", "--stop-timeout", "1", "busybox", "sleep", "300")
	if res := env.PM("healthcheck", "run", "s"); res.Code != 1 {
		t.Errorf("healthcheck run: %s", res)
	}
	if st := env.ctrField("s", ".State"); st != "exited" {
		t.Errorf("state after --health-on-failure=stop: %q", st)
	}
}

// TestHealthcheckStartPeriod: failures in the start period do not count;
// a success in it counts.
func TestHealthcheckStartPeriod(t *testing.T) {
	env := ctrEnv(t)
	env.runID("--name", "sp", "--health-cmd", "test -e /tmp/ok", "--health-interval", "disable", "--health-retries", "1",
		"--health-start-period", "1h", "busybox", "sleep", "300")
	if hc := env.health("sp").Config.Healthcheck; hc == nil || hc.StartPeriod != time.Hour {
		t.Errorf("Config.Healthcheck: %+v", hc)
	}
	env.PM("healthcheck", "run", "sp")
	env.PM("healthcheck", "run", "sp")
	if h := env.health("sp").State.Health; h.Status != "starting" || h.FailingStreak != 0 || len(h.Log) != 2 {
		t.Errorf("failures in the start period: %+v", h)
	}
	env.PMOK("exec", "sp", "touch", "/tmp/ok")
	env.PMOK("healthcheck", "run", "sp")
	if st := env.healthStatus("sp"); st != "healthy" {
		t.Errorf("a success in the start period: %q", st)
	}
	// Once healthy, a failure counts even in the start period.
	env.PMOK("exec", "sp", "rm", "/tmp/ok")
	env.PM("healthcheck", "run", "sp")
	if h := env.health("sp").State.Health; h.Status != "unhealthy" || h.FailingStreak != 1 {
		t.Errorf("a failure after a success in the start period: %+v", h)
	}

	// Without a start period the first failure counts.
	env.runID("--name", "nosp", "--health-cmd", "false", "--health-interval", "disable", "--health-retries", "1", "busybox", "sleep", "300")
	env.PM("healthcheck", "run", "nosp")
	if st := env.healthStatus("nosp"); st != "unhealthy" {
		t.Errorf("a failure without a start period: %q", st)
	}
}

// TestHealthcheckTimeout: a check that runs past its timeout is killed
// and counts as a failure.
func TestHealthcheckTimeout(t *testing.T) {
	env := ctrEnv(t)
	env.runID("--name", "slow", "--health-cmd", "sleep 31; true", "--health-timeout", "1s", "--health-interval", "disable",
		"--health-retries", "1", "busybox", "sleep", "300")
	start := time.Now()
	res := env.PM("healthcheck", "run", "slow")
	if res.Code != 1 {
		t.Errorf("healthcheck run of a check that times out: %s", res)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("a check with a 1s timeout took %v", d)
	}
	h := env.health("slow").State.Health
	if h.Status != "unhealthy" || len(h.Log) != 1 || h.Log[0].ExitCode != -1 || !strings.Contains(h.Log[0].Output, "timeout") {
		t.Errorf("after a timeout: %+v", h)
	}
	// The check's processes are gone.
	if ps := env.PMOK("exec", "slow", "ps", "-o", "args").Stdout; strings.Contains(ps, "sleep 31") {
		t.Errorf("the timed-out check still runs:\n%s", ps)
	}
}

// TestHealthcheckBadFlags: bad values are one-line errors, exit 125, and
// create nothing.
func TestHealthcheckBadFlags(t *testing.T) {
	env := ctrEnv(t)
	before := env.psIDs()
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--health-cmd", "true", "--health-interval", "often"}, "--health-interval"},
		{[]string{"--health-cmd", "true", "--health-interval", "-1s"}, "--health-interval"},
		{[]string{"--health-cmd", "true", "--health-timeout", "0s"}, "--health-timeout"},
		{[]string{"--health-cmd", "true", "--health-timeout", "5"}, "--health-timeout"},
		{[]string{"--health-cmd", "true", "--health-start-period", "-5s"}, "--health-start-period"},
		{[]string{"--health-cmd", "true", "--health-retries", "0"}, "--health-retries"},
		{[]string{"--health-cmd", "true", "--health-retries", "many"}, "health-retries"},
		{[]string{"--health-cmd", "true", "--health-on-failure", "reboot"}, "--health-on-failure"},
		{[]string{"--health-cmd", "[\"sh\""}, "--health-cmd"},
		{[]string{"--health-cmd", "[]"}, "--health-cmd"},
		{[]string{"--health-cmd", ""}, "--health-cmd"},
		{[]string{"--health-cmd", "true", "--no-healthcheck"}, "--no-healthcheck"},
	} {
		for _, verb := range []string{"create", "run"} {
			args := append(append([]string{verb}, c.args...), "busybox", "true")
			if verb == "run" {
				args = append([]string{"run", "-d"}, args[1:]...)
			}
			env.PM(args...).ExpectError(t, 125, c.msg)
		}
	}
	env.expectNoNewContainers(before, "bad healthcheck flags")
}

// writeHealthImage writes a docker-archive of the test rootfs whose
// config has a HEALTHCHECK, as a Docker build makes it.
func writeHealthImage(t *testing.T, path, name string) {
	t.Helper()
	layer, err := os.ReadFile(Fixture("rootfs.tar"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(layer)
	cfg, _ := json.Marshal(map[string]any{
		"architecture": runtime.GOARCH,
		"os":           "linux",
		"created":      "2024-01-02T03:04:05Z",
		"config": map[string]any{
			"Env": []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
			"Cmd": []string{"sleep", "300"},
			"Healthcheck": map[string]any{
				"Test": []string{"CMD-SHELL", "echo from-image"}, "Interval": int64(2 * time.Second),
				"Timeout": int64(5 * time.Second), "Retries": 4,
			},
		},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{"sha256:" + hex.EncodeToString(sum[:])}},
	})
	cfgSum := sha256.Sum256(cfg)
	cfgName := hex.EncodeToString(cfgSum[:]) + ".json"
	manifest, _ := json.Marshal([]map[string]any{{"Config": cfgName, "RepoTags": []string{name}, "Layers": []string{"layer.tar"}}})
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []struct {
		name string
		data []byte
	}{{"layer.tar", layer}, {cfgName, cfg}, {"manifest.json", manifest}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(f.data)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHealthcheckFromImage: a container inherits the image's
// HEALTHCHECK; flags override it field by field; --no-healthcheck drops it.
func TestHealthcheckFromImage(t *testing.T) {
	env := ctrEnv(t)
	archive := env.Path("hc.tar")
	writeHealthImage(t, archive, "localhost/hcimage:latest")
	env.PMOK("load", "-q", "-i", archive)
	var imgs []struct {
		Healthcheck *struct{ Test []string }
	}
	decodeJSON(t, env.PMOK("image", "inspect", "localhost/hcimage").Stdout, &imgs)
	if len(imgs) != 1 || imgs[0].Healthcheck == nil || strings.Join(imgs[0].Healthcheck.Test, "|") != "CMD-SHELL|echo from-image" {
		t.Errorf("image inspect Healthcheck: %+v", imgs)
	}

	env.runID("--name", "inherit", "localhost/hcimage")
	hc := env.health("inherit").Config.Healthcheck
	if hc == nil || strings.Join(hc.Test, "|") != "CMD-SHELL|echo from-image" || hc.Interval != 2*time.Second ||
		hc.Timeout != 5*time.Second || hc.Retries != 4 {
		t.Errorf("inherited Config.Healthcheck: %+v", hc)
	}
	env.waitFor(20*time.Second, "inherit to turn healthy", func() bool { return env.healthStatus("inherit") == "healthy" })

	env.runID("--name", "override", "--health-cmd", "echo mine", "--health-interval", "disable", "localhost/hcimage")
	hc = env.health("override").Config.Healthcheck
	if hc == nil || strings.Join(hc.Test, "|") != "CMD-SHELL|echo mine" || hc.Interval != 0 || hc.Retries != 4 {
		t.Errorf("overridden Config.Healthcheck: %+v", hc)
	}
	env.PMOK("healthcheck", "run", "override")
	if h := env.health("override").State.Health; len(h.Log) != 1 || h.Log[0].Output != "mine" {
		t.Errorf("the overriding check ran: %+v", h)
	}

	env.runID("--name", "off", "--no-healthcheck", "localhost/hcimage")
	if h := env.health("off"); h.Config.Healthcheck != nil || h.State.Health != nil {
		t.Errorf("--no-healthcheck: %+v", h)
	}
	env.PM("healthcheck", "run", "off").ExpectError(t, 125, "has no defined healthcheck")
}

// TestHealthOnFailureNeedsCheck: --health-on-failure without a health
// check is refused, as Podman refuses it, and nothing is created.
func TestHealthOnFailureNeedsCheck(t *testing.T) {
	env := ctrEnv(t)
	env.PM("create", "--health-on-failure=kill", "busybox").ExpectError(t, 125, "without a health check")
	if ids := env.PMOK("ps", "-aq").Stdout; ids != "" {
		t.Errorf("containers after a refused create: %q", ids)
	}
}
