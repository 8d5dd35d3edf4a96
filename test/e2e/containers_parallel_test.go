package e2e

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// rm, stop and kill work on their containers side by side; these tests
// check what they leave, not how fast.

// TestParallelRmAll: rm -fa removes running and created containers at
// once, a container that joined another's network namespace before that
// one, and reports each one it removed.
func TestParallelRmAll(t *testing.T) {
	env := ctrEnv(t)
	var want []string
	for i := 0; i < 6; i++ {
		want = append(want, env.runID("--name", fmt.Sprintf("run%d", i), "busybox", "sleep", "100"))
	}
	for i := 0; i < 6; i++ {
		id := strings.TrimSpace(env.PMOK("create", "--name", fmt.Sprintf("new%d", i), "busybox", "true").Stdout)
		want = append(want, id)
	}
	// dep joined run0's network: it must go first, or run0's removal is
	// refused for its dependent.
	want = append(want, env.runID("--name", "dep", "--network", "container:run0", "busybox", "sleep", "100"))
	sort.Strings(want)

	res := env.PMOK("rm", "-fa", "-t", "0")
	got := res.Lines()
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rm -fa printed\n%v\nwant the IDs\n%v", got, want)
	}
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("left after rm -fa: %q", ids)
	}
	env.expectNoConmon("after rm -fa")
	env.expectNoStorageContainers("after rm -fa")
}

// TestParallelErrorsPerContainer: stop and rm of several names act on
// every one that exists and report each missing one, the last as the
// command's error (exit 125 for stop, 1 for rm), as Podman does.
func TestParallelErrorsPerContainer(t *testing.T) {
	env := ctrEnv(t)
	for _, n := range []string{"a", "b", "c"} {
		env.runID("--name", n, "busybox", "sleep", "100")
	}
	res := env.PM("stop", "-t", "0", "a", "nosuch1", "b", "c", "nosuch2")
	if res.Code != 125 {
		t.Errorf("stop with missing names: want exit 125\n%s", res)
	}
	if got := strings.Join(res.Lines(), " "); got != "a b c" {
		t.Errorf("stop printed %q, want \"a b c\" in the order given", got)
	}
	for _, n := range []string{"nosuch1", "nosuch2"} {
		if strings.Count(res.Stderr, n) != 1 {
			t.Errorf("stop: stderr should name %s once:\n%s", n, res.Stderr)
		}
	}
	for _, n := range []string{"a", "b", "c"} {
		if st := env.ctrField(n, ".Status"); !strings.HasPrefix(st, "Exited") {
			t.Errorf("status of %s after stop = %q, want Exited", n, st)
		}
	}
	res = env.PM("rm", "nosuch1", "a", "b", "nosuch2", "c")
	if res.Code != 1 {
		t.Errorf("rm with missing names: want exit 1 (Podman's for a missing container)\n%s", res)
	}
	for _, n := range []string{"nosuch1", "nosuch2"} {
		if strings.Count(res.Stderr, n) != 1 {
			t.Errorf("rm: stderr should name %s once:\n%s", n, res.Stderr)
		}
	}
	if got := strings.Join(res.Lines(), " "); got != "a b c" {
		t.Errorf("rm printed %q, want \"a b c\" in the order given", got)
	}
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("left after rm: %q", ids)
	}
	env.expectNoConmon("after rm")
	env.expectNoStorageContainers("after rm")
}
