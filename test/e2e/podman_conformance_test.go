package e2e

// Behaviours Podman's own system tests (v4.3.1, make conformance) check.

import (
	"os"
	"testing"
)

// TestRunWorkdirMissing: a --workdir that is in neither the image nor a
// mount is refused at start, with exit 126, as Podman does; one a volume
// or a mount provides is fine.
func TestRunWorkdirMissing(t *testing.T) {
	env := ctrEnv(t)
	res := env.PM("run", "--rm", "--workdir", "/i/do/not/exist", "busybox", "pwd")
	res.ExpectError(t, 126, `workdir "/i/do/not/exist" does not exist on container`)
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("run --rm with a missing workdir left containers %q", ids)
	}
	res = env.PM("run", "--name", "wdfile", "--workdir", "/etc/passwd", "busybox", "pwd")
	res.ExpectError(t, 126, `workdir "/etc/passwd" exists on container`)
	if st := env.ctrField("wdfile", ".State"); st == "running" || st == "" {
		t.Errorf("container with a file as workdir: state %q, want it created and not running", st)
	}
	// A failed start does not create it: the next start fails alike.
	env.PMOK("create", "--name", "wdmissing", "--workdir", "/not/there", "busybox", "pwd")
	for i := 0; i < 2; i++ {
		env.PM("start", "wdmissing").ExpectError(t, 125, `workdir "/not/there" does not exist on container`)
	}

	dir := env.Path("vol")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/content", []byte("in the volume\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := env.PMOK("run", "--rm", "--workdir", "/NotOnTheImage", "-v", dir+":/NotOnTheImage", "busybox", "cat", "content").Stdout; out != "in the volume\n" {
		t.Errorf("workdir on a bind mount: %q", out)
	}
	if out := env.PMOK("run", "--rm", "--workdir", "/NotOnTheImage", "-v", dir+"/content:/NotOnTheImage/foo", "busybox", "cat", "foo").Stdout; out != "in the volume\n" {
		t.Errorf("workdir above a bind mount: %q", out)
	}
	if out := env.PMOK("run", "--rm", "--workdir", "/scratch/sub", "--tmpfs", "/scratch", "busybox", "pwd").Stdout; out != "/scratch/sub\n" {
		t.Errorf("workdir in a tmpfs: %q", out)
	}
}
