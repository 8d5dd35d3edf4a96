package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestAPIStatusWords: docker ps says a container's status in Docker's
// words, and start answers with Docker's HTTP statuses, from which the
// docker CLI takes its exit codes.
func TestAPIStatusWords(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })

	env.docker("run", "-d", "--name", "up", img, "sleep", "300")
	defer env.Exec("docker", "rm", "-f", "up")
	defer env.Exec("docker", "rm", "-f", "done")
	if r := env.Exec("docker", "run", "--name", "done", img, "sh", "-c", "exit 3"); r.Code != 3 {
		t.Fatalf("docker run exit 3: %s", r)
	}
	env.docker("create", "--name", "fresh", img, "true")
	defer env.Exec("docker", "rm", "-f", "fresh")
	want := map[string]*regexp.Regexp{
		"up":    regexp.MustCompile(`^Up (Less than a second|1 second|[0-9]+ seconds|About a minute)$`),
		"done":  regexp.MustCompile(`^Exited \(3\) (Less than a second|1 second|[0-9]+ seconds|About a minute) ago$`),
		"fresh": regexp.MustCompile(`^Created$`),
	}
	out := env.docker("ps", "-a", "--format", "{{.Names}}\t{{.Status}}").Stdout
	got := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		name, status, _ := strings.Cut(l, "\t")
		got[name] = status
	}
	for name, re := range want {
		if !re.MatchString(got[name]) {
			t.Errorf("docker ps status of %s: %q, want %s", name, got[name], re)
		}
	}

	// Start: 404 for no such container, 304 for one that runs, 400 for a
	// command that cannot run, with the runtime's words.
	env.docker("create", "--name", "nocmd", img, "nosuchcmd")
	defer env.Exec("docker", "rm", "-f", "nocmd")
	env.docker("create", "--name", "dircmd", img, "/etc")
	defer env.Exec("docker", "rm", "-f", "dircmd")
	for _, c := range []struct {
		ctr, code, msg string
	}{
		{"nosuch", "404", "No such container: nosuch"},
		{"up", "304", ""},
		{"nocmd", "400", "nosuchcmd"},
		{"dircmd", "400", "permission denied"},
	} {
		code, body := env.curl(svc.Sock, "POST", "/v1.44/containers/"+c.ctr+"/start", "")
		if code != c.code || !strings.Contains(body, c.msg) {
			t.Errorf("start %s: %s %q, want %s with %q", c.ctr, code, body, c.code, c.msg)
		}
	}
	// The CLI's wait for the removal of a --rm container that cannot
	// start gets an answer, not an error.
	for _, c := range []struct {
		cmd  string
		code int
	}{{"nosuchcmd", 127}, {"/nosuch/cmd", 127}, {"/etc", 126}} {
		if r := env.Exec("docker", "run", "--rm", img, c.cmd); r.Code != c.code || strings.Contains(r.Stderr, "Error waiting") {
			t.Errorf("docker run --rm %s: exit %d, %s; want %d", c.cmd, r.Code, r.Stderr, c.code)
		}
	}
	if r := env.Exec("docker", "start", "nosuch"); r.Code == 0 || !strings.Contains(r.Stderr, "No such container: nosuch") {
		t.Errorf("docker start nosuch: exit %d, %s", r.Code, r.Stderr)
	}
	if out := env.docker("ps", "-a", "--format", "{{.Names}}").Stdout; strings.Count(out, "\n") != 5 {
		t.Errorf("containers after the failed starts: %q, want up, done, fresh, nocmd, dircmd", out)
	}
	env.docker("rm", "-f", "up", "done", "fresh", "nocmd", "dircmd")
}

// TestAPIObjectEvents: volume, network and pod events, and one event per
// prune with the bytes reclaimed, reach docker events in Docker's
// Type/Action/Actor shape, and pm events shows them too.
func TestAPIObjectEvents(t *testing.T) {
	env, img := dockerBusybox(t)
	since := unixNano(time.Now().Add(-time.Second))

	env.docker("volume", "create", "ev1")
	env.docker("volume", "rm", "ev1")
	env.docker("volume", "create", "ev2")
	env.docker("network", "create", "evnet")
	env.docker("network", "prune", "-f")
	env.docker("volume", "prune", "-af")
	defer env.Exec("docker", "rm", "-f", "evc")
	env.docker("run", "--name", "evc", img, "dd", "if=/dev/zero", "of=/big", "bs=1024", "count=100")
	env.docker("container", "prune", "-f")
	env.docker("image", "prune", "-f")
	env.PMOK("pod", "create", "--name", "evpod")
	defer env.PM("pod", "rm", "-f", "evpod")
	env.PMOK("pod", "rm", "evpod")
	until := unixNano(time.Now().Add(time.Second))

	out := env.docker("events", "--since", since, "--until", until, "--format",
		`{{.Type}} {{.Action}} {{.Actor.ID}} {{index .Actor.Attributes "name"}} {{index .Actor.Attributes "reclaimed"}}`).Lines()
	for _, want := range []string{"volume create ev1 ev1 ", "volume destroy ev1 ev1 ", "volume create ev2 ev2 ",
		"volume destroy ev2 ev2 ", "network destroy", "network prune   0", "volume prune   ", "container destroy",
		"container prune   ", "image prune   0", "pod create", "pod destroy"} {
		found := false
		for _, l := range out {
			found = found || strings.HasPrefix(l, want)
		}
		if !found {
			t.Errorf("docker events: no %q in\n%s", want, strings.Join(out, "\n"))
		}
	}
	for _, l := range out {
		if strings.HasPrefix(l, "volume prune ev2") {
			t.Errorf("docker events has Podman's prune event of each volume: %q", l)
		}
		if !strings.HasPrefix(l, "container prune") {
			continue
		}
		if n, err := strconv.Atoi(l[strings.LastIndex(l, " ")+1:]); err != nil || n < 100*1024 {
			t.Errorf("container prune reclaimed %q, want at least the 100 KiB evc wrote", l)
		}
	}
	pm := env.PMOK("events", "--stream=false", "--since", since, "--filter", "event=prune", "--format", "{{.Type}} {{.Status}}").Lines()
	if strings.Join(pm, ",") != "network prune,volume prune,volume prune,container prune,image prune" {
		t.Errorf("pm events --filter event=prune: %q", pm)
	}
}
