package libpod

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pm-project/pm/test/fswatch"
	"go.podman.io/storage"
	stypes "go.podman.io/storage/types"
)

// testStore opens a real store (vfs) in a temporary directory with a base
// layer and n containers on it; it returns the store and the containers'
// IDs.
func testStore(t *testing.T, n int) (storage.Store, []string) {
	t.Helper()
	dir := t.TempDir()
	st, err := storage.GetStore(stypes.StoreOptions{
		RunRoot: filepath.Join(dir, "run"), GraphRoot: filepath.Join(dir, "graph"), GraphDriverName: "vfs",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Shutdown(true) })
	base, err := st.CreateLayer("", "", nil, "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	img, err := st.CreateImage("", []string{"base"}, base.ID, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range n {
		c, err := st.CreateContainer("", []string{fmt.Sprintf("c%d", i)}, img.ID, "", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	return st, ids
}

func TestDeleteContainers(t *testing.T) {
	st, ids := testStore(t, 5)
	multi, ok := st.(containersDeleter)
	if !ok {
		t.Fatal("this build's storage has no DeleteContainers: build with the Makefile (hack/storage-overlay.sh)")
	}
	if _, err := st.Mount(ids[1], ""); err != nil {
		t.Fatal(err)
	}
	victims := []string{ids[0], "c1", "no-such-container", ids[3], ids[3]}
	var errs map[string]error
	writes := fswatch.RecordWrites(fswatch.Created(t, func() { errs = multi.DeleteContainers(victims) },
		filepath.Join(st.GraphRoot(), "vfs-layers"), filepath.Join(st.GraphRoot(), "vfs-containers")))

	for _, id := range []string{ids[0], "c1", ids[3]} {
		if errs[id] != nil {
			t.Errorf("deleting %s: %v", id, errs[id])
		}
	}
	if !errors.Is(errs["no-such-container"], stypes.ErrNotAContainer) {
		t.Errorf("deleting a container that does not exist: %v, want ErrNotAContainer", errs["no-such-container"])
	}
	var left []string
	cs, err := st.Containers()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		left = append(left, c.Names[0])
		if _, err := st.Layer(c.LayerID); err != nil {
			t.Errorf("layer of %s, which stays: %v", c.Names[0], err)
		}
	}
	sort.Strings(left)
	if strings.Join(left, " ") != "c2 c4" {
		t.Errorf("containers left: %v, want c2 c4", left)
	}
	layers, err := st.Layers()
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 3 { // the base and those of c2 and c4
		t.Errorf("%d layers left, want 3", len(layers))
	}
	if n, err := st.Mounted(ids[1]); err == nil || n != 0 {
		t.Errorf("the mounted container after its deletion: %d mounts, %v", n, err)
	}
	// Once for the layers' marks, once for their deletion, once for the
	// containers: DeleteContainer would write 2 and 1 a container.
	if writes["layers.json"] != 2 || writes["containers.json"] != 1 {
		t.Errorf("records written: %v, want layers.json twice and containers.json once", writes)
	}
	// A later store sees the same.
	st2, err := storage.GetStore(stypes.StoreOptions{RunRoot: st.RunRoot(), GraphRoot: st.GraphRoot(), GraphDriverName: "vfs"})
	if err != nil {
		t.Fatal(err)
	}
	if cs, err := st2.Containers(); err != nil || len(cs) != 2 {
		t.Errorf("containers in the reloaded store: %d, %v", len(cs), err)
	}
}

// Deletions asked for while one runs are made together in the next batch,
// and each asker gets its own container's result.
func TestDeleteBatcher(t *testing.T) {
	st, ids := testStore(t, 7)
	gate := make(chan struct{})
	rec := &recordingDeleter{Store: st, gate: gate}
	var b deleteBatcher
	var wg sync.WaitGroup
	results := make([]error, 8)
	ask := func(i int, id string) {
		defer wg.Done()
		results[i] = b.delete(rec, id)
	}
	wg.Add(1)
	go ask(0, ids[0])
	rec.waitCalls(t, 1) // the first batch runs (held at the gate)
	for i := 1; i < 7; i++ {
		wg.Add(1)
		go ask(i, ids[i])
	}
	wg.Add(1)
	go ask(7, "no-such-container")
	waitFor(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return len(b.pending) == 7 })
	close(gate)
	wg.Wait()

	if got := rec.batchSizes(); fmt.Sprint(got) != "[1 7]" {
		t.Errorf("batches: %v, want [1 7]", got)
	}
	for i := 0; i < 7; i++ {
		if results[i] != nil {
			t.Errorf("deleting %s: %v", ids[i], results[i])
		}
	}
	if !errors.Is(results[7], stypes.ErrNotAContainer) {
		t.Errorf("deleting a container that does not exist: %v", results[7])
	}
	if cs, _ := st.Containers(); len(cs) != 0 {
		t.Errorf("%d containers left", len(cs))
	}
	if b.busy || len(b.pending) != 0 {
		t.Errorf("batcher after the batches: busy %v, %d pending", b.busy, len(b.pending))
	}
}

// recordingDeleter is the real store; it records the batches it gets and
// holds each at gate until the gate is closed.
type recordingDeleter struct {
	storage.Store
	gate    chan struct{}
	mu      sync.Mutex
	batches [][]string
}

func (d *recordingDeleter) DeleteContainers(ids []string) map[string]error {
	d.mu.Lock()
	d.batches = append(d.batches, ids)
	d.mu.Unlock()
	<-d.gate
	return d.Store.(containersDeleter).DeleteContainers(ids)
}

func (d *recordingDeleter) batchSizes() []int {
	d.mu.Lock()
	defer d.mu.Unlock()
	var n []int
	for _, b := range d.batches {
		n = append(n, len(b))
	}
	return n
}

func (d *recordingDeleter) waitCalls(t *testing.T, n int) {
	waitFor(t, func() bool { d.mu.Lock(); defer d.mu.Unlock(); return len(d.batches) >= n })
}

// waitFor waits for cond, which other goroutines make true.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}
