package e2e

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// parallel runs n pm commands at once (args(i) gives the i-th) and returns
// their results in order.
func (e *Env) parallel(n int, args func(i int) []string) []Result {
	out := make([]Result, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			out[i] = e.pmAsync(args(i)...)
		}(i)
	}
	close(start)
	wg.Wait()
	return out
}

// TestContainerConcurrentRun: 30 parallel run -d of distinct names.
func TestContainerConcurrentRun(t *testing.T) {
	env := ctrEnv(t)
	const n = 30
	res := env.parallel(n, func(i int) []string {
		return []string{"run", "-d", "--name", fmt.Sprintf("par%02d", i), "busybox", "sleep", "100"}
	})
	for _, r := range res {
		if r.Code != 0 || !ctrIDRe.MatchString(strings.TrimSpace(r.Stdout)) {
			t.Errorf("%s", r)
		}
	}
	if ids := env.psIDs(); len(ids) != n {
		t.Errorf("ps -aq lists %d containers, want %d", len(ids), n)
	}
	if got := env.PMOK("ps", "-q", "--filter", "status=running").Lines(); len(got) != n {
		t.Errorf("%d running, want %d", len(got), n)
	}
	env.PMOK("rm", "-af", "-t", "0")
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("rm -af left %q", ids)
	}
	env.expectNoConmon("after rm -af")
	env.expectNoStorageContainers("after rm -af")
}

// TestContainerConcurrentSameName: 20 parallel creates of one name, one wins.
func TestContainerConcurrentSameName(t *testing.T) {
	env := ctrEnv(t)
	const n = 20
	res := env.parallel(n, func(int) []string { return []string{"create", "--name", "same", "busybox"} })
	ok := 0
	for _, r := range res {
		switch {
		case r.Code == 0:
			ok++
		case r.Code == 125 && strings.Contains(r.Stderr, "in use") && strings.Count(strings.TrimSpace(r.Stderr), "\n") == 0:
		default:
			t.Errorf("want success or a one-line \"in use\" error: %s", r)
		}
	}
	if ok != 1 {
		t.Errorf("%d creates of one name succeeded, want 1", ok)
	}
	if ids := env.psIDs(); len(ids) != 1 {
		t.Errorf("ps -aq lists %d containers, want 1", len(ids))
	}
	env.PMOK("rm", "same")
	// The losers left no storage behind.
	env.expectNoStorageContainers("after the name race")
}

// TestContainerConcurrentRm: two rm -f of one running container.
func TestContainerConcurrentRm(t *testing.T) {
	env := ctrEnv(t)
	for round := 0; round < 3; round++ {
		env.runID("--name", "victim", "busybox", "sleep", "100")
		res := env.parallel(2, func(int) []string { return []string{"rm", "-f", "-t", "0", "victim"} })
		ok := 0
		for _, r := range res {
			switch {
			case r.Code == 0:
				ok++
			case r.Code == 1 && strings.Contains(strings.ToLower(r.Stderr), "no container with name or id"):
			default:
				t.Errorf("round %d: %s", round, r)
			}
		}
		if ok == 0 {
			t.Errorf("round %d: neither rm -f succeeded", round)
		}
		if ids := env.psIDs(); len(ids) != 0 {
			t.Fatalf("round %d: left %q", round, ids)
		}
	}
	env.expectNoConmon("after the rm race")
	env.expectNoStorageContainers("after the rm race")
}

// TestContainerPsWhileCreating: ps never fails while containers come and go.
func TestContainerPsWhileCreating(t *testing.T) {
	env := ctrEnv(t)
	var stop atomic.Bool
	var psRuns, psErrs atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			r := env.pmAsync("ps", "-a")
			psRuns.Add(1)
			if r.Code != 0 || r.Stderr != "" {
				psErrs.Add(1)
				firstErr.CompareAndSwap(nil, r.String())
			}
		}
	}()
	res := env.parallel(10, func(i int) []string {
		if i%2 == 0 {
			return []string{"run", "-d", "--name", fmt.Sprintf("c%d", i), "busybox", "sleep", "100"}
		}
		return []string{"create", "--name", fmt.Sprintf("c%d", i), "busybox"}
	})
	for _, r := range res {
		if r.Code != 0 {
			t.Errorf("%s", r)
		}
	}
	rm := env.parallel(10, func(i int) []string { return []string{"rm", "-f", "-t", "0", fmt.Sprintf("c%d", i)} })
	for _, r := range rm {
		if r.Code != 0 {
			t.Errorf("%s", r)
		}
	}
	stop.Store(true)
	wg.Wait()
	t.Logf("%d ps runs, %d errors", psRuns.Load(), psErrs.Load())
	if psErrs.Load() > 0 {
		t.Errorf("ps failed %d of %d times; first: %v", psErrs.Load(), psRuns.Load(), firstErr.Load())
	}
	env.expectNoConmon("after rm")
}

// TestContainerSIGKILL: pm killed at any point of run -d or rm -f leaves
// state that ps, rm -af and a new run can use, and no conmon or storage.
func TestContainerSIGKILL(t *testing.T) {
	env := ctrEnv(t)
	killAfter := func(d time.Duration, args ...string) {
		t.Helper()
		cmd := env.command(args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(d)
		_ = syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}
	check := func(what string) {
		t.Helper()
		if res := env.PM("ps", "-a"); res.Code != 0 || res.Stderr != "" {
			t.Errorf("%s: ps -a: %s", what, res)
		}
		if res := env.PM("rm", "-af", "-t", "0"); res.Code != 0 {
			t.Errorf("%s: rm -af: %s", what, res)
		}
		if ids := env.psIDs(); len(ids) != 0 {
			t.Errorf("%s: rm -af left %q", what, ids)
		}
		env.expectNoConmon(what)
		env.expectNoStorageContainers(what)
		// The name is free.
		env.runID("--name", "k", "busybox", "sleep", "100")
		env.PMOK("rm", "-f", "-t", "0", "k")
	}
	for _, d := range []time.Duration{0, 50 * time.Millisecond, 150 * time.Millisecond, 400 * time.Millisecond} {
		what := fmt.Sprintf("run -d killed after %v", d)
		killAfter(d, "run", "-d", "--name", "k", "busybox", "sleep", "100")
		check(what)
	}
	for _, d := range []time.Duration{0, 30 * time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond} {
		what := fmt.Sprintf("rm -f killed after %v", d)
		env.runID("--name", "k", "busybox", "sleep", "100")
		killAfter(d, "rm", "-f", "-t", "0", "k")
		check(what)
	}
}

// TestContainerRootSmoke: pm as real root with its own storage.
func TestContainerRootSmoke(t *testing.T) {
	env := newEnv(t)
	root := env.Root()
	root.pull("busybox")
	if res := root.PM("run", "--rm", "busybox", "sh", "-c", "exit 3"); res.Code != 3 {
		t.Errorf("root run --rm exit 3: %s", res)
	}
	res := root.PMOK("run", "--rm", "busybox", "cat", "/proc/self/status")
	if !strings.Contains(res.Stdout, "CapEff:\t00000000800405fb") {
		t.Errorf("root: default capabilities:\n%s", res.Stdout)
	}
	id := root.runID("--name", "rt", "busybox", "sleep", "100")
	if got := root.PMOK("ps", "-q", "--no-trunc").Lines(); !equal(got, []string{id}) {
		t.Errorf("root ps -q: %q, want %s", got, id)
	}
	root.PMOK("rm", "-f", "-t", "0", "rt")
	if got := root.PMOK("ps", "-aq").Lines(); len(got) != 0 {
		t.Errorf("root ps -aq after rm: %q", got)
	}
	root.expectNoConmon("root, after rm -f")
	// The rootless environment of the same test saw none of it.
	if got := env.PMOK("ps", "-aq").Lines(); len(got) != 0 {
		t.Errorf("rootless ps -aq sees root's containers: %q", got)
	}
}
