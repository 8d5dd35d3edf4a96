package e2e

import (
	"os"
	"strings"
	"testing"
)

// TestRunCIDFileAndLatest: --cidfile holds the new container's ID and is
// never overwritten; -l stands for the latest container in rm, stop and
// the other verbs.
func TestRunCIDFileAndLatest(t *testing.T) {
	env := ctrEnv(t)
	cidfile := env.Path("cid")
	id := env.runID("--cidfile", cidfile, "busybox", "sleep", "100")
	b, err := os.ReadFile(cidfile)
	if err != nil || string(b) != id {
		t.Fatalf("cidfile holds %q (%v), want %s", b, err, id)
	}
	before := env.PMOK("ps", "-aq").Stdout
	env.PM("run", "--cidfile", cidfile, "busybox", "true").ExpectError(t, 125, "container id file exists")
	if after := env.PMOK("ps", "-aq").Stdout; after != before {
		t.Errorf("a refused --cidfile created a container: %q, was %q", after, before)
	}
	if b, _ := os.ReadFile(cidfile); string(b) != id {
		t.Errorf("cidfile overwritten: %q", b)
	}

	env.PMOK("stop", "-l", "-t", "0")
	if st := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.State.Status}}", id).Stdout); st != "exited" {
		t.Errorf("after stop -l: state %q", st)
	}
	env.PM("rm", "-l", "other").ExpectError(t, 125, "--latest and containers cannot be used together")
	if out := strings.TrimSpace(env.PMOK("rm", "-l").Stdout); out != id {
		t.Errorf("rm -l printed %q, want %s", out, id)
	}
	if ids := env.PMOK("ps", "-aq").Stdout; ids != "" {
		t.Errorf("containers after rm -l: %q", ids)
	}
}

// TestRmForceMissing: rm --force of a container that does not exist is
// silent and succeeds, as Podman's; without --force it exits 1.
func TestRmForceMissing(t *testing.T) {
	env := newEnv(t)
	if res := env.PMOK("rm", "--force", "bogus"); res.Stdout != "" || res.Stderr != "" {
		t.Errorf("rm --force bogus: %s", res)
	}
	env.PM("container", "rm", "bogus").ExpectError(t, 1, `no container with name or ID "bogus" found: no such container`)
}
