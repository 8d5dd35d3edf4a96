package e2e

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// These tests need `pm exec` and `pm logs`, which land separately: they
// skip (with a log line) until the commands exist. Re-run them with
//
//	go test -count=1 ./test/e2e/ -run 'TestContainer(ExecTTY|LogsFollow)'

// TestContainerExecTTY: exec -it through a real pseudo-terminal (util-linux
// script) gets a /dev/pts terminal and passes the exit code back.
func TestContainerExecTTY(t *testing.T) {
	env := newEnv(t)
	if !env.hasCommand("exec") {
		t.Skip("pm exec is not a command yet")
	}
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("util-linux script is not installed")
	}
	env.pull("busybox")
	env.runID("--name", "tt", "busybox", "sleep", "100")
	res := env.Exec("script", "-qec", pmBinary+` exec -it tt sh -c "tty; test -t 0 && echo stdin-is-tty; exit 3"`, "/dev/null")
	if res.Code != 3 {
		t.Errorf("exec -it ... exit 3 through script: exit %d, want 3\n%s", res.Code, res)
	}
	if !strings.Contains(res.Stdout, "/dev/pts/") || !strings.Contains(res.Stdout, "stdin-is-tty") {
		t.Errorf("exec -it: want a /dev/pts terminal on stdin:\n%s", res.Stdout)
	}
	// Without a terminal, -t is refused or runs without one; -i alone works.
	res = env.PMStdin(strings.NewReader("piped\n"), "exec", "-i", "tt", "cat")
	if res.Code != 0 || res.Stdout != "piped\n" {
		t.Errorf("exec -i: %s", res)
	}
	res = env.PM("exec", "tt", "sh", "-c", "exit 4")
	if res.Code != 4 {
		t.Errorf("exec exit 4: %s", res)
	}
	env.PM("exec", "tt", "nosuchcmd").ExpectError(t, 127, "nosuchcmd")
	// A pm run -it through script: the container's stdin is a terminal too.
	res = env.Exec("script", "-qec", pmBinary+` run --rm -it busybox sh -c "tty; exit 5"`, "/dev/null")
	if res.Code != 5 || !strings.Contains(res.Stdout, "/dev/pts/") {
		t.Errorf("run -it through script: want exit 5 and /dev/pts\n%s", res)
	}
	env.PMOK("rm", "-f", "-t", "0", "tt")
	env.expectNoConmon("after rm")
}

// TestContainerLogsFollow: logs -f prints every line of a container that
// prints over time and ends when the container exits.
func TestContainerLogsFollow(t *testing.T) {
	env := newEnv(t)
	if !env.hasCommand("logs") {
		t.Skip("pm logs is not a command yet")
	}
	env.pull("busybox")
	env.runID("--name", "lf", "busybox", "sh", "-c", "for i in 1 2 3 4 5 6; do echo line$i; sleep 0.3; done; echo err >&2")
	start := time.Now()
	res := env.PMOK("logs", "-f", "lf")
	want := "line1\nline2\nline3\nline4\nline5\nline6\n"
	if res.Stdout != want {
		t.Errorf("logs -f stdout %q, want %q", res.Stdout, want)
	}
	if res.Stderr != "err\n" {
		t.Errorf("logs -f stderr %q, want \"err\\n\"", res.Stderr)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("logs -f took %v", d)
	}
	// After the exit, logs (and logs -f) print everything and return.
	if res := env.PMOK("logs", "lf"); res.Stdout != want {
		t.Errorf("logs after exit: %q", res.Stdout)
	}
	if res := env.PMOK("logs", "--tail", "2", "lf"); res.Stdout != "line5\nline6\n" && res.Stdout != "line6\n" {
		t.Errorf("logs --tail 2: %q", res.Stdout)
	}
	env.PMOK("rm", "lf")
}
