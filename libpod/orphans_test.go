package libpod

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/pm-project/pm/libpod/lock"
	"github.com/pm-project/pm/pkg/config"
	"go.podman.io/storage"
)

// vfsRuntime is a Runtime over a real vfs store and state database in a
// temporary directory.
func vfsRuntime(t *testing.T) *Runtime {
	t.Helper()
	root := t.TempDir()
	cfg := &config.Config{
		DatabasePath: filepath.Join(root, "graph", "pm", "state.db"),
		VolumePath:   filepath.Join(root, "graph", "volumes"),
		TmpDir:       filepath.Join(root, "tmp"),
	}
	cfg.Storage.GraphRoot = filepath.Join(root, "graph")
	cfg.Storage.RunRoot = filepath.Join(root, "run")
	cfg.Storage.Driver = "vfs"
	r := &Runtime{cfg: cfg, locks: lock.New(filepath.Join(cfg.TmpDir, "locks"))}
	t.Cleanup(func() { r.Shutdown(true) })
	return r
}

func layerIDs(t *testing.T, st storage.Store) []string {
	t.Helper()
	ls, err := st.Layers()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range ls {
		ids = append(ids, l.ID)
	}
	sort.Strings(ids)
	return ids
}

// TestReclaimOrphans: layers nothing refers to (a pull killed before its
// image, a create killed before its storage container) and storage
// containers of pm's with no record go, with their layers; what an image or a container of
// another tool uses stays, and so do their parents.
func TestReclaimOrphans(t *testing.T) {
	r := vfsRuntime(t)
	ctx := context.Background()
	st, err := r.Store()
	if err != nil {
		t.Skipf("no vfs store here: %v", err)
	}
	mk := func(id, parent string) {
		t.Helper()
		if _, err := st.CreateLayer(id, parent, nil, "", true, nil); err != nil {
			t.Fatal(err)
		}
	}
	mk("base", "")
	mk("top", "base") // an image's
	if _, err := st.CreateImage("img", []string{"example/img"}, "top", "", nil); err != nil {
		t.Fatal(err)
	}
	// An image a killed writer left without its manifest, no container's.
	mk("halftop", "base")
	if _, err := st.CreateImage("half", nil, "halftop", "", nil); err != nil {
		t.Fatal(err)
	}
	mk("pulled1", "base") // a pull killed before its image: a chain
	mk("pulled2", "pulled1")
	mk("lonely", "") // a create killed before its storage container
	// A container of another tool, and one of pm's whose record is gone.
	if _, err := st.CreateContainer("theirs", nil, "img", "", "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateContainer("ours", nil, "img", "", storageMetadata, nil); err != nil {
		t.Fatal(err)
	}
	theirs, _ := st.Container("theirs")
	rep, err := r.ReclaimOrphans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Containers, []string{"ours"}) {
		t.Errorf("orphan containers reclaimed: %q", rep.Containers)
	}
	// img has no manifest either, but containers use it.
	if !slices.Equal(rep.Images, []string{"half"}) {
		t.Errorf("incomplete images removed: %q, want [half]", rep.Images)
	}
	got := rep.Layers
	sort.Strings(got)
	if !slices.Equal(got, []string{"lonely", "pulled1", "pulled2"}) {
		t.Errorf("orphan layers reclaimed: %q", got)
	}
	want := []string{"base", theirs.LayerID, "top"}
	sort.Strings(want)
	if left := layerIDs(t, st); !slices.Equal(left, want) {
		t.Errorf("layers left: %q, want %q", left, want)
	}
	if _, err := st.Container("theirs"); err != nil {
		t.Errorf("another tool's container was removed: %v", err)
	}
}

// TestRemoveStorageLayerOnly: a container whose storage is only its
// read-write layer (pm killed between the two) is cleaned up by rm.
func TestRemoveStorageLayerOnly(t *testing.T) {
	r := vfsRuntime(t)
	st, err := r.Store()
	if err != nil {
		t.Skipf("no vfs store here: %v", err)
	}
	id := NewID()
	if _, err := st.CreateLayer(id, "", nil, "", true, nil); err != nil {
		t.Fatal(err)
	}
	if err := r.removeStorage(id); err != nil {
		t.Fatal(err)
	}
	if left := layerIDs(t, st); len(left) != 0 {
		t.Errorf("layers left: %q", left)
	}
	if err := r.removeStorage(id); err != nil {
		t.Errorf("removing storage that is gone: %v", err)
	}
}

// TestSweepScratch: the scratch directory is emptied when no one holds
// it, and left alone while someone does.
func TestSweepScratch(t *testing.T) {
	r := vfsRuntime(t)
	ctx := context.Background()
	dir, release, err := r.HoldScratch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "container_images_storage1"), []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := r.SweepScratch(ctx, false, nil); err != nil || n != 0 {
		t.Errorf("sweep while held: %d bytes, %v", n, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("a held scratch directory was emptied: %d entries", len(ents))
	}
	release()
	if n, err := r.SweepScratch(ctx, false, nil); err != nil || n != 10 {
		t.Errorf("sweep: %d bytes, %v; want 10", n, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("scratch directory after the sweep: %d entries", len(ents))
	}
}
