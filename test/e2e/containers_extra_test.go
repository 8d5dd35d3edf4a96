package e2e

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestContainerDetachKeys: typing the detach keys into `run -it` leaves pm
// with exit code 0 and the container running; without a terminal the same
// bytes are data.
func TestContainerDetachKeys(t *testing.T) {
	env := newEnv(t)
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("util-linux script is not installed")
	}
	img := registry + "/busybox"
	env.pull(img)
	// Detach keys act on a terminal: ctrl-p ctrl-q, the default keys, typed
	// into run -it (through script's pseudo-terminal) after a pause.
	typed := func(keys, args string) Result {
		return env.Exec("sh", "-c", "(sleep 2; printf '"+keys+"') | script -qec '"+pmBinary+" "+args+"' /dev/null")
	}
	if res := typed(`\020\021`, "run -it --name dk "+img+" sleep 30"); res.Code != 0 {
		t.Fatalf("run -it with the detach keys typed: %s", res)
	}
	if st := env.PMOK("ps", "--format", "{{.Names}} {{.State}}", "--filter", "name=dk").Stdout; !strings.Contains(st, "running") {
		t.Errorf("container after detaching: %q, want running", st)
	}
	if res := typed("xy", "run -it --detach-keys x,y --name dk2 "+img+" sleep 30"); res.Code != 0 {
		t.Errorf("custom detach keys: %s", res)
	}
	if st := env.PMOK("ps", "--format", "{{.Names}}", "--filter", "name=dk2").Stdout; st != "dk2\n" {
		t.Errorf("container after custom detach keys: %q", st)
	}
	// Without a terminal, stdin is data: the same bytes reach the container.
	if res := env.PMStdin(strings.NewReader("\x10\x11"), "run", "--rm", "-i", img, "wc", "-c"); strings.TrimSpace(res.Stdout) != "2" {
		t.Errorf("run -i with ctrl-p ctrl-q as data: %s", res)
	}
	env.PM("run", "--rm", "-i", "--detach-keys", "ctrl-bogus", img, "true").ExpectError(t, 125, "detach key")
	env.PMOK("rm", "-f", "dk", "dk2")
}

// TestContainerPsSize: ps -s shows the writable layer and the virtual size.
func TestContainerPsSize(t *testing.T) {
	env := newEnv(t)
	img := registry + "/busybox"
	env.pull(img)
	env.PMOK("run", "--name", "big", img, "sh", "-c", "dd if=/dev/zero of=/f bs=1k count=300 2>/dev/null")
	out := env.PMOK("ps", "-a", "-s").Stdout
	if !strings.Contains(out, "SIZE") || !strings.Contains(out, "(virtual ") {
		t.Errorf("ps -s:\n%s", out)
	}
	row := env.PMOK("ps", "-a", "--format", "{{.Size}}").Stdout
	if !strings.HasPrefix(row, "30") || !strings.Contains(row, "kB (virtual") {
		t.Errorf("{{.Size}} = %q, want about 307 kB written", row)
	}
	env.PMOK("rm", "big")
}

// TestContainerRmDepend: a container whose network namespace another one
// joined is not removed without --depend, and with it both go.
func TestContainerRmDepend(t *testing.T) {
	env := newEnv(t)
	img := registry + "/busybox"
	env.pull(img)
	env.PMOK("run", "-d", "--name", "base", img, "sleep", "100")
	env.PMOK("run", "-d", "--name", "leaf", "--network", "container:base", img, "sleep", "100")
	env.PM("rm", "-f", "base").ExpectError(t, 125, "dependent containers")
	if n := len(env.PMOK("ps", "-aq").Lines()); n != 2 {
		t.Fatalf("refused rm left %d containers, want 2", n)
	}
	env.PMOK("rm", "-f", "--depend", "base")
	if out := strings.TrimSpace(env.PMOK("ps", "-aq").Stdout); out != "" {
		t.Errorf("containers left after rm --depend: %q", out)
	}
}

// TestContainerStopping: while stop waits for a container that ignores
// its stop signal, ps and inspect say "stopping" (Docker's API: running);
// then it is exited.
func TestContainerStopping(t *testing.T) {
	env := ctrEnv(t)
	// PID 1 has no default action for SIGTERM: sh ignores it.
	env.runID("--name", "slow", "busybox", "sh", "-c", "while :; do sleep 0.2; done")
	done := make(chan Result, 1)
	go func() { done <- env.pmAsync("stop", "-t", "4", "slow") }()
	var st string
	for i := 0; i < 60 && st != "stopping"; i++ {
		time.Sleep(50 * time.Millisecond)
		st = strings.TrimSpace(env.PMOK("inspect", "--format", "{{.State.Status}}", "slow").Stdout)
	}
	if st != "stopping" {
		t.Errorf("inspect while stop waits = %q, want stopping", st)
	}
	if ps := env.PMOK("ps", "--filter", "status=stopping", "--format", "{{.Names}} {{.Status}}").Stdout; ps != "slow Stopping\n" {
		t.Errorf("ps while stop waits = %q", ps)
	}
	if r := <-done; r.Code != 0 {
		t.Fatalf("stop: %s", r)
	}
	if st := env.PMOK("inspect", "--format", "{{.State.Status}}", "slow").Stdout; st != "exited\n" {
		t.Errorf("inspect after stop = %q", st)
	}
}
