package e2e

import (
	"regexp"
	"strings"
	"testing"
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
