package e2e

import (
	"encoding/json"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestContainerLifecycle: create, start, stop, kill, restart, wait, rm.
func TestContainerLifecycle(t *testing.T) {
	env := ctrEnv(t)

	// create then start -a gives the exit code.
	res := env.PMOK("create", "--name", "c1", "busybox", "sh", "-c", "echo hi; exit 5")
	id := strings.TrimSpace(res.Stdout)
	if !ctrIDRe.MatchString(id) {
		t.Fatalf("create: stdout is not an ID: %q", res.Stdout)
	}
	if st := env.ctrField("c1", ".Status"); st != "Created" {
		t.Errorf("status after create: %q, want Created", st)
	}
	if got := env.ctrField("c1", ".State"); got != "created" {
		t.Errorf("state after create: %q", got)
	}
	res = env.PM("start", "-a", "c1")
	if res.Code != 5 || res.Stdout != "hi\n" {
		t.Errorf("start -a: want exit 5 and hi\n%s", res)
	}
	if st := env.ctrField("c1", ".Status"); !regexp.MustCompile(`^Exited \(5\) .* ago$`).MatchString(st) {
		t.Errorf("status after exit 5: %q", st)
	}
	// wait on an exited container gives its code at once.
	if res := env.PMOK("wait", "c1"); strings.TrimSpace(res.Stdout) != "5" {
		t.Errorf("wait c1: %q", res.Stdout)
	}
	// A start of an exited container runs it again.
	env.PMOK("start", "c1")
	if res := env.PMOK("wait", id); strings.TrimSpace(res.Stdout) != "5" {
		t.Errorf("wait by ID after start: %q", res.Stdout)
	}

	// stop -t 1 of a sleep: SIGTERM is ignored by PID 1, SIGKILL after 1s.
	env.runID("--name", "s", "busybox", "sleep", "100")
	if st := env.ctrField("s", ".Status"); !strings.HasPrefix(st, "Up ") || !strings.HasSuffix(st, " ago") {
		t.Errorf("status of a running container: %q", st)
	}
	start := time.Now()
	res = env.PMOK("stop", "-t", "1", "s")
	if strings.TrimSpace(res.Stdout) != "s" {
		t.Errorf("stop prints the name it was given: %q", res.Stdout)
	}
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("stop -t 1 took %v", d)
	}
	if st := env.ctrField("s", ".Status"); !regexp.MustCompile(`^Exited \((137|143)\) .*ago$`).MatchString(st) {
		t.Errorf("status after stop: %q", st)
	}
	// stop of a stopped container is fine, as in Podman.
	env.PMOK("stop", "s")
	// restart runs it again.
	env.PMOK("restart", "-t", "0", "s")
	if st := env.ctrField("s", ".State"); st != "running" {
		t.Errorf("state after restart: %q", st)
	}
	// kill -s TERM of a shell that traps it: the exit code is the trap's.
	env.runID("--name", "k", "busybox", "sh", "-c", "trap 'exit 42' TERM; echo trapped; while :; do sleep 0.1; done")
	env.waitFor(30*time.Second, "the trap to be set", func() bool { return env.PMOK("logs", "k").Stdout == "trapped\n" })
	env.PMOK("kill", "-s", "TERM", "k")
	if res := env.PMOK("wait", "k"); strings.TrimSpace(res.Stdout) != "42" {
		t.Errorf("wait after kill -s TERM: %q", res.Stdout)
	}
	// kill (KILL) of a running container: 137.
	env.PMOK("kill", "s")
	if res := env.PMOK("wait", "s"); strings.TrimSpace(res.Stdout) != "137" {
		t.Errorf("wait after kill: %q", res.Stdout)
	}
	env.PM("kill", "s").ExpectError(t, 125, "can only kill running containers")
	env.PM("kill", "-s", "NOPE", "s").ExpectError(t, 125, "NOPE")

	// wait blocks until the container exits.
	env.runID("--name", "w", "busybox", "sh", "-c", "sleep 1; exit 7")
	if res := env.PMOK("wait", "w"); strings.TrimSpace(res.Stdout) != "7" {
		t.Errorf("wait w: %q", res.Stdout)
	}

	// rm of a running container needs -f; rm -f of a running one works.
	env.runID("--name", "r", "busybox", "sleep", "100")
	env.PM("rm", "r").ExpectError(t, 2, "running")
	if res := env.PMOK("rm", "-f", "-t", "0", "r"); strings.TrimSpace(res.Stdout) != "r" {
		t.Errorf("rm -f prints the name: %q", res.Stdout)
	}
	if res := env.PM("container", "exists", "r"); res.Code != 1 || res.Stderr != "" {
		t.Errorf("container exists of a removed container: want 1 and no output\n%s", res)
	}
	if res := env.PM("container", "exists", "c1"); res.Code != 0 {
		t.Errorf("container exists c1: %s", res)
	}
	if res := env.PM("container", "exists", "nosuch"); res.Code != 1 || res.Stderr != "" || res.Stdout != "" {
		t.Errorf("container exists nosuch: want exit 1 and no output\n%s", res)
	}
	env.runID("--name", "r2", "busybox", "sleep", "100")
	env.PMOK("rm", "--all", "-f", "-t", "0")
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("rm --all -f left %q", ids)
	}
	env.expectNoConmon("after rm --all -f")
	env.expectNoStorageContainers("after rm --all -f")

	// A name is free again once its container is gone.
	env.PMOK("create", "--name", "c1", "busybox")
	env.PMOK("rm", "c1")
	env.PM("rm", "-i", "c1")
	if res := env.PM("rm", "--ignore", "nosuch"); res.Code != 0 {
		t.Errorf("rm --ignore nosuch: %s", res)
	}
}

// TestContainerPs: ps options, filters, formats, status texts.
func TestContainerPs(t *testing.T) {
	env := ctrEnv(t, "busybox", "entry")
	if res := env.PMOK("ps", "-a"); len(res.Lines()) != 1 || !strings.HasPrefix(res.Stdout, "CONTAINER ID") {
		t.Errorf("ps -a on nothing: only the header\n%s", res.Stdout)
	}
	if res := env.PMOK("ps", "--format", "json"); strings.TrimSpace(res.Stdout) != "[]" {
		t.Errorf("ps --format json on nothing: %q", res.Stdout)
	}
	env.PM("run", "--name", "ex3", "-l", "k=v", "busybox", "sh", "-c", "exit 3")
	env.PMOK("run", "--name", "ex0", "entry")
	env.PMOK("create", "--name", "cr", "busybox")
	upID := env.runID("--name", "up", "-l", "k=w", "busybox", "sleep", "100")

	names := func(args ...string) []string {
		t.Helper()
		return env.PMOK(append([]string{"ps", "--format", "{{.Names}}"}, args...)...).Lines()
	}
	if got := names(); !equal(got, []string{"up"}) {
		t.Errorf("ps: %q", got)
	}
	if got := names("-a"); !equal(got, []string{"up", "cr", "ex0", "ex3"}) {
		t.Errorf("ps -a, newest first: %q", got)
	}
	if got := names("-a", "--sort", "names"); !equal(got, []string{"cr", "ex0", "ex3", "up"}) {
		t.Errorf("ps -a --sort names: %q", got)
	}
	if got := names("-l"); !equal(got, []string{"up"}) {
		t.Errorf("ps -l: %q", got)
	}
	if got := names("-n", "1"); !equal(got, []string{"up"}) {
		t.Errorf("ps -n 1: %q", got)
	}
	if got := names("-n", "2"); !equal(got, []string{"up", "cr"}) {
		t.Errorf("ps -n 2: %q", got)
	}
	filters := []struct {
		f    string
		want []string
	}{
		{"status=exited", []string{"ex0", "ex3"}},
		{"status=created", []string{"cr"}},
		{"status=running", []string{"up"}},
		{"name=ex", []string{"ex0", "ex3"}},
		{"name=^up$", []string{"up"}},
		{"ancestor=entry", []string{"ex0"}},
		{"ancestor=busybox", []string{"cr", "ex3", "up"}},
		{"label=k", []string{"ex3", "up"}},
		{"label=k=v", []string{"ex3"}},
		{"exited=3", []string{"ex3"}},
		{"exited=0", []string{"ex0"}},
		{"id=" + upID[:8], []string{"up"}},
	}
	for _, f := range filters {
		got := sortedCopy(names("-a", "--filter", f.f)...)
		if !equal(got, f.want) {
			t.Errorf("ps -a --filter %s: %q, want %q", f.f, got, f.want)
		}
	}
	if got := sortedCopy(names("-a", "--filter", "status=exited", "--filter", "status=created")...); !equal(got, []string{"cr", "ex0", "ex3"}) {
		t.Errorf("two status filters are ORed: %q", got)
	}
	if got := names("-a", "--filter", "status=exited", "--filter", "name=ex0"); !equal(got, []string{"ex0"}) {
		t.Errorf("different filters are ANDed: %q", got)
	}
	env.PM("ps", "--filter", "status=bogus").ExpectError(t, 125, "bogus")
	env.PM("ps", "--filter", "nokey").ExpectError(t, 125, "nokey")
	env.PM("ps", "--filter", "color=red").ExpectError(t, 125, "color")
	env.PM("ps", "--sort", "nope").ExpectError(t, 125, "nope")
	env.PM("ps", "-q", "--format", "{{.ID}}").ExpectError(t, 125, "")

	// -q and --no-trunc.
	q := env.PMOK("ps", "-aq").Lines()
	if len(q) != 4 || len(q[0]) != 12 || !strings.HasPrefix(upID, q[0]) {
		t.Errorf("ps -aq: %q", q)
	}
	nt := env.PMOK("ps", "-q", "--no-trunc").Lines()
	if !equal(nt, []string{upID}) {
		t.Errorf("ps -q --no-trunc: %q", nt)
	}
	// The default table.
	table := env.PMOK("ps", "-a").Lines()
	if len(table) != 5 {
		t.Fatalf("ps -a table: %q", table)
	}
	for _, h := range []string{"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"} {
		if !strings.Contains(table[0], h) {
			t.Errorf("ps header has no %s: %q", h, table[0])
		}
	}
	if !strings.Contains(table[1], upID[:12]) || !strings.Contains(table[1], "sleep 100") || !strings.HasSuffix(strings.TrimSpace(table[1]), "up") {
		t.Errorf("ps row of up: %q", table[1])
	}
	if res := env.PMOK("ps", "-a", "--noheading"); len(res.Lines()) != 4 {
		t.Errorf("ps --noheading: %q", res.Lines())
	}
	// Status texts.
	status := map[string]string{}
	for _, l := range env.PMOK("ps", "-a", "--format", "{{.Names}} {{.Status}}").Lines() {
		n, s, _ := strings.Cut(l, " ")
		status[n] = s
	}
	checks := map[string]string{
		"up":  `^Up .*( ago)?$`,
		"cr":  `^Created$`,
		"ex3": `^Exited \(3\) .* ago$`,
		"ex0": `^Exited \(0\) .* ago$`,
	}
	for n, re := range checks {
		if !regexp.MustCompile(re).MatchString(status[n]) {
			t.Errorf("status of %s: %q, want %s", n, status[n], re)
		}
	}
	// JSON parses and has Podman's fields.
	var list []struct {
		ID       string `json:"Id"`
		Names    []string
		Image    string
		ImageID  string
		Command  []string
		State    string
		ExitCode int
		Exited   bool
		Labels   map[string]string
		Created  int64
	}
	decodeJSON(t, env.PMOK("ps", "-a", "--format", "json").Stdout, &list)
	byName := map[string]int{}
	for i, c := range list {
		if len(c.Names) > 0 {
			byName[c.Names[0]] = i
		}
	}
	if len(list) != 4 {
		t.Fatalf("ps --format json: %d entries", len(list))
	}
	if c := list[byName["up"]]; c.ID != upID || c.State != "running" || c.Labels["k"] != "w" || c.ImageID != fixtureID(t, "busybox") ||
		strings.Join(c.Command, " ") != "sleep 100" || c.Created == 0 {
		t.Errorf("json of up: %+v", c)
	}
	if c := list[byName["ex3"]]; c.State != "exited" || c.ExitCode != 3 || !c.Exited {
		t.Errorf("json of ex3: %+v", c)
	}
	// A Go template with a table prefix, and a bad template.
	res := env.PMOK("ps", "-a", "--format", "table {{.Names}}\t{{.State}}")
	if lines := res.Lines(); len(lines) != 5 || !strings.Contains(lines[0], "NAMES") {
		t.Errorf("ps --format table: %q", lines)
	}
	env.PM("ps", "--format", "{{.Nope}}").ExpectError(t, 125, "Nope")

	// prune --filter removes only the stopped containers the filter
	// takes; a filter it does not know is refused and removes nothing.
	env.PM("container", "prune", "-f", "--filter", "bogus=1").ExpectError(t, 125, "invalid filter 'bogus'")
	env.PM("container", "prune", "-f", "--filter", "until=nonsense").ExpectError(t, 125, "until")
	if got := names("-a"); len(got) != 4 {
		t.Errorf("a refused prune --filter removed containers: %q", got)
	}
	res = env.PMOK("container", "prune", "-f", "--filter", "label=k=v")
	if len(res.Lines()) != 1 {
		t.Errorf("prune --filter label=k=v printed %q, want one ID", res.Stdout)
	}
	if got := sortedCopy(names("-a")...); !equal(got, []string{"cr", "ex0", "up"}) {
		t.Errorf("prune --filter label=k=v: left %q, want cr ex0 up", got)
	}
	// A stopped container made now is newer than until=1h: it stays.
	env.PMOK("run", "--name", "ex3b", "busybox", "true")
	if out := env.PMOK("container", "prune", "-f", "--filter", "until=1h").Stdout; out != "" {
		t.Errorf("prune --filter until=1h removed %q, want nothing", out)
	}
	// prune removes what is not running, and only that.
	res = env.PMOK("container", "prune", "-f")
	pruned := res.Lines()
	sort.Strings(pruned)
	if len(pruned) != 3 {
		t.Errorf("container prune -f: %q", pruned)
	}
	if got := names("-a"); !equal(got, []string{"up"}) {
		t.Errorf("after prune: %q", got)
	}
	// Without -f prune asks, and "n" keeps everything.
	env.PMOK("create", "--name", "keep", "busybox")
	env.PMStdin(strings.NewReader("n\n"), "container", "prune")
	if got := sortedCopy(names("-a")...); !equal(got, []string{"keep", "up"}) {
		t.Errorf("prune answered n removed something: %q", got)
	}
	env.PMOK("rm", "-f", "-t", "0", "up", "keep")
	env.expectNoConmon("after rm")
}

// TestContainerRestartPolicy: on-failure:N, always and no.
func TestContainerRestartPolicy(t *testing.T) {
	env := ctrEnv(t)
	of := env.runID("--name", "of", "--restart", "on-failure:2", "busybox", "sh", "-c", "sleep 0.2; exit 1")
	al := env.runID("--name", "al", "--restart", "always", "busybox", "sh", "-c", "sleep 0.3; exit 0")
	env.runID("--name", "no", "--restart", "no", "busybox", "sh", "-c", "exit 1")
	env.runID("--name", "ok", "--restart", "on-failure", "busybox", "sh", "-c", "exit 0")
	restarts := func(name string) int {
		n, _ := strconv.Atoi(env.ctrField(name, ".Restarts"))
		return n
	}
	env.waitFor(30*time.Second, "on-failure:2 to give up after 2 restarts", func() bool {
		return restarts("of") == 2 && env.ctrField("of", ".State") == "exited"
	})
	if st := env.ctrField("of", ".Status"); !strings.HasPrefix(st, "Exited (1)") {
		t.Errorf("on-failure:2 final status: %q", st)
	}
	if !env.settled(of, 30*time.Second) {
		t.Errorf("on-failure:2 still has processes after it gave up")
	}
	if n := restarts("of"); n != 2 {
		t.Errorf("on-failure:2 restarted %d times", n)
	}
	env.waitFor(30*time.Second, "always to restart twice", func() bool { return restarts("al") >= 2 })
	if n := restarts("no"); n != 0 {
		t.Errorf("--restart no restarted %d times", n)
	}
	if st := env.ctrField("no", ".Status"); !strings.HasPrefix(st, "Exited (1)") {
		t.Errorf("--restart no: %q", st)
	}
	if n := restarts("ok"); n != 0 {
		t.Errorf("on-failure after exit 0 restarted %d times", n)
	}
	// A stopped "always" container stays stopped.
	env.PMOK("stop", "-t", "0", "al")
	n := restarts("al")
	if !env.settled(al, 30*time.Second) {
		t.Errorf("always still has processes 30 s after stop")
	}
	if st := env.ctrField("al", ".State"); st != "exited" || restarts("al") != n {
		t.Errorf("always after stop: state %q, restarts %d -> %d", st, n, restarts("al"))
	}
	env.PMOK("rm", "-af", "-t", "0")
	env.expectNoConmon("after rm -af")
}

// TestContainerUnknown: every verb on an unknown container is one line
// and 125; verbs that are not there yet are logged and skipped.
func TestContainerUnknown(t *testing.T) {
	env := newEnv(t)
	cases := [][]string{
		{"start", "nosuch"}, {"stop", "nosuch"}, {"kill", "nosuch"}, {"restart", "nosuch"}, {"rm", "nosuch"},
		{"wait", "nosuch"}, {"container", "cleanup", "nosuch"}, {"start", "-a", "nosuch"},
		{"logs", "nosuch"}, {"inspect", "nosuch"}, {"container", "inspect", "nosuch"},
		{"exec", "nosuch", "true"}, {"attach", "nosuch"}, {"top", "nosuch"}, {"port", "nosuch"},
		{"rename", "nosuch", "newname"}, {"cp", "nosuch:/etc/hosts", "/tmp/pm-never"},
		{"export", "-o", "/tmp/pm-never.tar", "nosuch"}, {"commit", "nosuch", "img"}, {"diff", "nosuch"},
		{"pause", "nosuch"}, {"unpause", "nosuch"}, {"init", "nosuch"}, {"mount", "nosuch"}, {"unmount", "nosuch"},
		{"container", "init", "nosuch"}, {"container", "mount", "nosuch"}, {"container", "diff", "nosuch"},
	}
	for _, args := range cases {
		verb := args[0]
		if verb == "container" {
			verb += " " + args[1]
		}
		if !env.hasCommand(verb) {
			t.Logf("pm %s: not a command yet, skipped", verb)
			continue
		}
		want := "nosuch"
		if strings.HasSuffix(verb, "mount") && !env.root {
			// As in Podman, rootless mount needs `pm unshare` first.
			want = "unshare"
		}
		code := 125
		if verb == "rm" {
			code = 1 // Podman's rm: a missing container is exit 1
		}
		env.PM(args...).ExpectError(t, code, want)
	}
	env.PM("inspect", "nosuch").ExpectError(t, 125, `inspecting object: no such object: "nosuch"`) // Podman's words
	// Several names: the known ones are acted on, the error is the unknown one.
	env.pull("busybox")
	env.PMOK("create", "--name", "real", "busybox")
	res := env.PM("rm", "real", "nosuch")
	if res.Code != 1 || strings.TrimSpace(res.Stdout) != "real" || !strings.Contains(res.Stderr, "nosuch") {
		t.Errorf("rm real nosuch: %s", res)
	}
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("rm real nosuch left %q", ids)
	}
	env.PM("rm").ExpectError(t, 125, "")
	env.PM("stop").ExpectError(t, 125, "")
	env.PM("wait").ExpectError(t, 125, "")
}

// psJSON is the part of `pm ps --format json` the tests read.
type psJSON struct {
	ID       string `json:"Id"`
	Names    []string
	State    string
	Restarts int
}

func (e *Env) psList() []psJSON {
	e.t.Helper()
	var out []psJSON
	if err := json.Unmarshal([]byte(e.PMOK("ps", "-a", "--format", "json").Stdout), &out); err != nil {
		e.t.Fatalf("ps --format json: %v", err)
	}
	return out
}
