package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pm-project/pm/test/fswatch"
)

// storageRunRoot is storage's run root of env.
func (e *Env) storageRunRoot() string {
	e.t.Helper()
	return strings.TrimSpace(e.PMOK("info", "--format", "{{.Store.RunRoot}}").Stdout)
}

// mountRecordWrites counts storage's writes of its mount records
// (mountpoints.json, at every mount and unmount) while fn runs.
func (e *Env) mountRecordWrites(fn func()) int {
	e.t.Helper()
	created := fswatch.Created(e.t, fn, filepath.Join(e.storageRunRoot(), "overlay-layers"))
	return fswatch.RecordWrites(created)["mountpoints.json"]
}

// storageMounts returns storage's mount counts (overlay-layers/
// mountpoints.json in the run root) by layer ID.
func (e *Env) storageMounts() map[string]int {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.storageRunRoot(), "overlay-layers", "mountpoints.json"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		e.t.Fatal(err)
	}
	var entries []struct {
		ID    string `json:"id"`
		Count int    `json:"count"`
	}
	if err := json.Unmarshal(b, &entries); err != nil {
		e.t.Fatalf("mountpoints.json: %v", err)
	}
	m := map[string]int{}
	for _, en := range entries {
		m[en.ID] = en.Count
	}
	return m
}

// run keeps the mount its creation made for the spec and starts on it:
// it records two mount changes fewer than create and start (the
// creation's unmount, the start's mount). The container's layer is
// mounted once while it runs and not at all after, whether run, a later
// start, or rm ends the mount.
func TestRunTakesOverCreateMount(t *testing.T) {
	env := newEnv(t)
	env.PMOK("run", "--rm", "--network=none", "busybox", "true") // storage set up
	var id string
	byRun := env.mountRecordWrites(func() {
		id = strings.TrimSpace(env.PMOK("run", "-d", "--network=none", "--name", "r", "busybox", "sleep", "300").Stdout)
	})
	byCreateStart := env.mountRecordWrites(func() {
		env.PMOK("create", "--network=none", "--name", "r2", "busybox", "sleep", "300")
		env.PMOK("start", "r2")
	})
	if byRun != byCreateStart-2 {
		t.Errorf("mount records written by run -d: %d, by create and start: %d; want 2 fewer for run", byRun, byCreateStart)
	}
	env.PMOK("rm", "-f", "-t", "0", "r2")
	if n := env.storageMounts()[id]; n != 1 {
		t.Fatalf("mounts of the running container's layer: %d, want 1", n)
	}
	env.PMOK("stop", "-t", "0", "r")
	if n := env.storageMounts()[id]; n != 0 {
		t.Fatalf("mounts of the stopped container's layer: %d, want 0", n)
	}
	env.PMOK("start", "r")
	if n := env.storageMounts()[id]; n != 1 {
		t.Fatalf("mounts after a restart: %d, want 1", n)
	}
	env.PMOK("rm", "-f", "-t", "0", "r")

	// A creation that is not a run's leaves nothing mounted.
	id = strings.TrimSpace(env.PMOK("create", "--network=none", "--name", "c", "busybox", "true").Stdout)
	if n := env.storageMounts()[id]; n != 0 {
		t.Fatalf("mounts of a created container's layer: %d, want 0", n)
	}
	env.PMOK("start", "-a", "c")
	if n := env.storageMounts()[id]; n != 0 {
		t.Fatalf("mounts after its run: %d, want 0", n)
	}

	// A run whose start fails leaves nothing mounted either.
	res := env.PM("run", "--rm", "--network=none", "busybox", "/no/such/command")
	if res.Code == 0 {
		t.Fatalf("run of a missing command succeeded: %s", res)
	}
	for layer, n := range env.storageMounts() {
		if n != 0 {
			t.Errorf("layer %s still mounted %d times after the failed run", layer, n)
		}
	}
}
