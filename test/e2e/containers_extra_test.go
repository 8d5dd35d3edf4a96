package e2e

import (
	"strings"
	"testing"
)

// TestContainerDetachKeys: typing the detach keys on stdin of `run -i`
// leaves pm with exit code 0 and the container running.
func TestContainerDetachKeys(t *testing.T) {
	env := newEnv(t)
	img := registry + "/busybox"
	env.pull(img)
	// ctrl-p ctrl-q, the default keys, after a pause so the attach is up.
	res := env.PMStdin(strings.NewReader("\x10\x11"), "run", "-i", "--name", "dk", img, "sh", "-c", "sleep 30")
	if res.Code != 0 {
		t.Fatalf("run -i with the detach keys on stdin: exit %d, stderr %q", res.Code, res.Stderr)
	}
	if st := env.PMOK("ps", "--format", "{{.Names}} {{.State}}", "--filter", "name=dk").Stdout; !strings.Contains(st, "running") {
		t.Errorf("container after detaching: %q, want running", st)
	}
	res = env.PMStdin(strings.NewReader("xy"), "run", "-i", "--detach-keys", "x,y", "--name", "dk2", img, "sleep", "30")
	if res.Code != 0 {
		t.Errorf("custom detach keys: exit %d, stderr %q", res.Code, res.Stderr)
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
