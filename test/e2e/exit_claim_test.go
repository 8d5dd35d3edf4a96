package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A pm waiting for its container (foreground run, wait) claims its
// cleanup, so that conmon's exit command leaves the cleanup to it; if that
// pm dies, the exit command cleans up as before.

// untilGo is a container command that exits (with code) once /tmp/go
// exists in it.
func untilGo(code string) []string {
	return []string{"sh", "-c", "while [ ! -e /tmp/go ]; do sleep 0.1; done; exit " + code}
}

// claims lists the environment's cleanup claim files.
func (e *Env) claims() []string {
	var out []string
	for _, f := range e.runtimeFiles() {
		if strings.Contains(f, "exit-claims/") {
			out = append(out, f)
		}
	}
	return out
}

// TestExitClaimKilledWaiter: a foreground run --rm killed while its
// container runs leaves the cleanup to the exit command, which removes
// the container when it exits, claim file included.
func TestExitClaimKilledWaiter(t *testing.T) {
	env := newEnv(t)
	env.pull("busybox")
	cmd := env.command(append([]string{"run", "--rm", "--name", "fg", "busybox"}, untilGo("0")...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := false
	defer func() {
		if !done {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	env.waitFor(30*time.Second, "fg running, its cleanup claimed", func() bool {
		return strings.HasPrefix(env.ctrField("fg", ".Status"), "Up") && len(env.claims()) == 1
	})
	cmd.Process.Kill()
	cmd.Wait()
	done = true
	env.PMOK("exec", "fg", "touch", "/tmp/go")
	env.waitFor(30*time.Second, "the exit command to remove fg", func() bool {
		return strings.TrimSpace(env.PMOK("ps", "-aq", "--filter", "name=^fg$").Stdout) == ""
	})
	if c := env.claims(); len(c) > 0 {
		t.Errorf("claim files left behind: %v", c)
	}
}

// TestExitClaimWait: pm wait claims the cleanup, records the exit itself
// (the container is Exited with its code, not left running in the
// state), and lets go of its claim.
func TestExitClaimWait(t *testing.T) {
	env := newEnv(t)
	env.pull("busybox")
	env.PMOK(append([]string{"run", "-d", "--name", "w", "busybox"}, untilGo("3")...)...)
	cmd := env.command("wait", "w")
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := false
	defer func() {
		if !waited {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	env.waitFor(30*time.Second, "pm wait to claim the cleanup of w", func() bool { return len(env.claims()) == 1 })
	env.PMOK("exec", "w", "touch", "/tmp/go")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("pm wait w: %v", err)
	}
	waited = true
	if got := strings.TrimSpace(out.String()); got != "3" {
		t.Errorf("pm wait w printed %q, want 3", got)
	}
	if st := env.ctrField("w", ".Status"); !strings.HasPrefix(st, "Exited (3)") {
		t.Errorf("status of w after pm wait = %q, want Exited (3)", st)
	}
	if c := env.claims(); len(c) > 0 {
		t.Errorf("claim files left behind: %v", c)
	}
	env.PMOK("rm", "w")
}

// TestExitClaimAfterRemoval: conmon's exit command that comes after its
// claimant removed the container (run --rm) and the claim file with it has
// nothing to do and succeeds; a user's cleanup of a name that does not
// exist is still an error.
func TestExitClaimAfterRemoval(t *testing.T) {
	env := newEnv(t)
	env.pull("busybox")
	id := strings.TrimSpace(env.PMOK("create", "--network", "none", "busybox", "true").Stdout)
	env.PMOK("rm", id)
	gone := env.Path("exit-claims-" + id)
	env.PMOK("container", "cleanup", "--exit-claim", gone, id)
	env.PM("container", "cleanup", id).ExpectError(t, 125, "no container with name or ID")
}

// TestExitClaimDoneSkipsGo: the exit command of a container whose waiting
// pm made the cleanup ("done" in its claim file) ends in pm's C
// constructor, before the Go runtime starts (GODEBUG=inittrace=1 would
// have the runtime report its package inits); without "done" the Go
// command runs and takes the claim file away.
func TestExitClaimDoneSkipsGo(t *testing.T) {
	env := newEnv(t)
	dir := filepath.Join(env.Dir, "claims")
	claim := func(name, content string) string {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if isRoot && !env.root {
			for _, f := range []string{dir, p} {
				if err := os.Chown(f, env.User.UID, env.User.GID); err != nil {
					t.Fatal(err)
				}
			}
		}
		return p
	}
	exitCommand := func(claimFile string) string {
		cmd := env.command("container", "cleanup", "--exit-claim", claimFile, strings.Repeat("ab", 32))
		cmd.Env = append(cmd.Env, "GODEBUG=inittrace=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("exit command with claim %s: %v: %s", claimFile, err, stderr.String())
		}
		return stderr.String()
	}

	done := claim("done", "done")
	if out := exitCommand(done); strings.Contains(out, "init ") {
		t.Errorf("the exit command of a made cleanup started the Go runtime:\n%s", out)
	}
	if _, err := os.Stat(done); err != nil {
		t.Errorf("the claim file after the exit command (its claimant removes it): %v", err)
	}

	open := claim("open", "")
	if out := exitCommand(open); !strings.Contains(out, "init ") {
		t.Errorf("the exit command of a cleanup not made did not run pm's Go command: %q", out)
	}
	if _, err := os.Stat(open); !os.IsNotExist(err) {
		t.Errorf("the claim file of a cleanup not made after the exit command: %v", err)
	}
}
