package state

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const coldHelperEnv = "PM_STATE_TEST_COLD_DB"

// coldOpen is what one pm process does first on a new user's state: open
// the database (creating and migrating it) and write one record.
func coldOpen(path, id string) error {
	db, err := Open(path, testPaths)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Update(context.Background(), func(tx *Tx) error {
		return tx.AddContainer(ctr(id, "name-"+id, ""))
	})
}

// TestHelperColdStart is a child of TestColdStartBarrier, not a test: it
// says it is ready, waits for its stdin to end (the barrier), then opens.
func TestHelperColdStart(t *testing.T) {
	path := os.Getenv(coldHelperEnv)
	if path == "" {
		t.Skip("helper process only")
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	if err := coldOpen(path, "p"+fmt.Sprint(os.Getpid())); err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(1)
	}
}

// TestColdStartBarrier starts processes and goroutines that all wait on
// one barrier, then releases them at once on a database file that does
// not exist yet: every one must open it and write.
func TestColdStartBarrier(t *testing.T) {
	const procs, goroutines = 10, 4
	for round := range 3 {
		path := filepath.Join(t.TempDir(), "state.db")
		release, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		var cmds []*exec.Cmd
		var outs []*strings.Builder
		for range procs {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperColdStart$")
			cmd.Env = append(os.Environ(), coldHelperEnv+"="+path)
			cmd.Stdin = release
			var errOut strings.Builder
			cmd.Stderr = &errOut
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until the child is at the barrier.
			if line, err := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
				t.Fatalf("helper: %q, %v\n%s", line, err, errOut.String())
			}
			cmds, outs = append(cmds, cmd), append(outs, &errOut)
		}
		release.Close()
		var wg sync.WaitGroup
		gate := make(chan struct{})
		errs := make(chan error, goroutines)
		for g := range goroutines {
			wg.Go(func() {
				<-gate
				errs <- coldOpen(path, fmt.Sprintf("g%d", g))
			})
		}
		close(gate)
		w.Close() // the barrier falls for the processes and goroutines together
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("round %d: goroutine: %v", round, err)
			}
		}
		for i, cmd := range cmds {
			if err := cmd.Wait(); err != nil {
				t.Errorf("round %d: process: %v: %s", round, err, outs[i].String())
			}
		}
		if n := countContainers(t, path); n != procs+goroutines {
			t.Errorf("round %d: %d containers, want %d", round, n, procs+goroutines)
		}
	}
}

// TestOpenSetsWALOnce: a new database is switched to WAL when it is
// created; opening it again leaves the mode alone.
func TestOpenSetsWALOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	for range 2 {
		db, err := Open(path, testPaths)
		if err != nil {
			t.Fatal(err)
		}
		var mode string
		if err := db.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" {
			t.Errorf("journal mode %q, want wal", mode)
		}
		db.Close()
	}
}

// TestOpenNotADatabase: a file that is not a database is refused with an
// error that says what was being done.
func TestOpenNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not sqlite ", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path, testPaths)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "not a database") {
		t.Fatalf("Open of a non-database: %v", err)
	}
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), "not sqlite") {
		t.Errorf("the file was changed")
	}
}
