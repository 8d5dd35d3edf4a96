package state

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	helperEnv = "PM_STATE_TEST_HELPER_DB"
	perWriter = 200
)

// addMany opens its own handle on path and adds perWriter containers, one
// transaction each, as separate pm commands would.
func addMany(path, prefix string) error {
	db, err := Open(path, testPaths)
	if err != nil {
		return err
	}
	defer db.Close()
	for i := range perWriter {
		err := db.Update(context.Background(), func(tx *Tx) error {
			id := fmt.Sprintf("%s%04d", prefix, i)
			return tx.AddContainer(ctr(id, "name-"+id, ""))
		})
		if err != nil {
			return fmt.Errorf("adding %d: %w", i, err)
		}
	}
	return nil
}

// TestHelperProcess is the child of TestTwoProcesses, not a test.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("helper process only")
	}
	if err := addMany(path, "child"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func countContainers(t *testing.T, path string) int {
	t.Helper()
	db, err := Open(path, testPaths)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	info, err := db.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.Containers
}

func TestTwoProcesses(t *testing.T) {
	// Neither process has created the database: both race to migrate it.
	path := filepath.Join(t.TempDir(), "state.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	parentErr := addMany(path, "parent")
	if err := cmd.Wait(); err != nil {
		t.Errorf("child: %v\n%s", err, out.String())
	}
	if parentErr != nil {
		t.Errorf("parent: %v", parentErr)
	}
	if n := countContainers(t, path); n != 2*perWriter {
		t.Errorf("%d containers, want %d", n, 2*perWriter)
	}
}

func TestConcurrentHandles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	const writers = 4
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() { errs <- addMany(path, fmt.Sprintf("w%d-", w)) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := countContainers(t, path); n != writers*perWriter {
		t.Errorf("%d containers, want %d", n, writers*perWriter)
	}
}

func BenchmarkOpenQuery(b *testing.B) {
	path := filepath.Join(b.TempDir(), "state.db")
	db, err := Open(path, testPaths)
	if err != nil {
		b.Fatal(err)
	}
	db.Close()
	b.ResetTimer()
	for b.Loop() {
		db, err := Open(path, testPaths)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Info(context.Background()); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// TestOpenTime logs how long Open and one query take on an existing
// database (run with -v to see it).
func TestOpenTime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	if n := countContainers(t, path); n != 0 {
		t.Fatal(n)
	}
	best := time.Hour
	for range 20 {
		start := time.Now()
		countContainers(t, path)
		best = min(best, time.Since(start))
	}
	t.Logf("Open + one query: %v (best of 20)", best)
}
