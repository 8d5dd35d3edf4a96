package lock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

func TestLockFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "locks")
	m := New(dir)
	l, err := m.Lock(context.Background(), "ctr-abc")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	for p, want := range map[string]os.FileMode{dir: os.ModeDir | 0o700, filepath.Join(dir, "ctr-abc.lock"): 0o600} {
		if st, err := os.Stat(p); err != nil || st.Mode() != want {
			t.Errorf("%s: %v, %v; want mode %v", p, st, err, want)
		}
	}
}

func TestInvalidNames(t *testing.T) {
	m := New(t.TempDir())
	for _, name := range []string{"", ".", "..", "a/b", "../x", "a\x00"} {
		if _, err := m.TryLock(name); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("TryLock(%q) err = %v", name, err)
		}
	}
}

func TestExclusiveAndShared(t *testing.T) {
	m := New(t.TempDir())
	ctx := context.Background()
	tests := []struct {
		name          string
		first, second func() (*Lock, error)
		wantLocked    bool
	}{
		{"exclusive excludes exclusive", func() (*Lock, error) { return m.Lock(ctx, "a") }, func() (*Lock, error) { return m.TryLock("a") }, true},
		{"exclusive excludes shared", func() (*Lock, error) { return m.Lock(ctx, "b") }, func() (*Lock, error) { return m.TryRLock("b") }, true},
		{"shared excludes exclusive", func() (*Lock, error) { return m.RLock(ctx, "c") }, func() (*Lock, error) { return m.TryLock("c") }, true},
		{"shared shares", func() (*Lock, error) { return m.RLock(ctx, "d") }, func() (*Lock, error) { return m.TryRLock("d") }, false},
		{"names are independent", func() (*Lock, error) { return m.Lock(ctx, "e") }, func() (*Lock, error) { return m.TryLock("f") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l1, err := tt.first()
			if err != nil {
				t.Fatal(err)
			}
			l2, err := tt.second()
			if tt.wantLocked {
				if !errors.Is(err, ErrLocked) || !errors.Is(err, define.ErrConflict) {
					t.Fatalf("second lock: %v, want ErrLocked", err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else {
				l2.Unlock()
			}
			if err := l1.Unlock(); err != nil {
				t.Fatal(err)
			}
			if err := l1.Unlock(); err == nil {
				t.Error("second Unlock succeeded")
			}
			// Released: free for an exclusive holder again.
			l3, err := tt.second()
			if err != nil {
				t.Fatalf("after unlock: %v", err)
			}
			l3.Unlock()
		})
	}
}

func TestLockWaitsAndCancels(t *testing.T) {
	m := New(t.TempDir())
	held, err := m.Lock(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := m.Lock(ctx, "x"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("cancelled wait took %v", d)
	}

	// A waiter gets the lock once it is released.
	got := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		l, err := m.Lock(ctx, "x")
		if err == nil {
			err = l.Unlock()
		}
		got <- err
	}()
	time.Sleep(30 * time.Millisecond)
	held.Unlock()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}

func TestRemove(t *testing.T) {
	dir := t.TempDir()
	m := New(dir)
	l, err := m.Lock(context.Background(), "gone")
	if err != nil {
		t.Fatal(err)
	}
	// A waiter opened the old file before it was removed.
	got := make(chan *Lock, 1)
	go func() {
		w, err := m.Lock(context.Background(), "gone")
		if err != nil {
			t.Error(err)
		}
		got <- w
	}()
	time.Sleep(20 * time.Millisecond)
	if err := l.Remove(); err != nil {
		t.Fatal(err)
	}
	w := <-got
	// The waiter holds the lock on the file now at the path, so a new
	// locker is excluded.
	if _, err := m.TryLock("gone"); !errors.Is(err, ErrLocked) {
		t.Errorf("TryLock after Remove: %v, want ErrLocked", err)
	}
	w.Unlock()
	r, err := m.RLock(context.Background(), "gone")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Remove(); err == nil {
		t.Error("Remove of a shared lock succeeded")
	}
	r.Unlock()
}

const (
	helperEnv = "PM_LOCK_TEST_HELPER_DIR"
	rounds    = 100
)

// increment adds one to the counter file under the lock, rounds times,
// with a pause between read and write that would lose updates without it.
func increment(m *Manager, ctx context.Context, counter string) error {
	for range rounds {
		l, err := m.Lock(ctx, "counter")
		if err != nil {
			return err
		}
		data, err := os.ReadFile(counter)
		if err != nil {
			l.Unlock()
			return err
		}
		n, _ := strconv.Atoi(strings.TrimSpace(string(data)))
		time.Sleep(time.Millisecond)
		if err := os.WriteFile(counter, []byte(strconv.Itoa(n+1)), 0o600); err != nil {
			l.Unlock()
			return err
		}
		if err := l.Unlock(); err != nil {
			return err
		}
	}
	return nil
}

// TestHelperProcess is the child of TestTwoProcesses, not a test.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("helper process only")
	}
	// The child waits with a cancellable context: the polling path.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := increment(New(dir), ctx, filepath.Join(dir, "counter")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func TestTwoProcesses(t *testing.T) {
	dir := t.TempDir()
	counter := filepath.Join(dir, "counter")
	if err := os.WriteFile(counter, []byte("0"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The parent blocks in the kernel.
	parentErr := increment(New(dir), context.Background(), counter)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v\n%s", err, out.String())
	}
	if parentErr != nil {
		t.Fatal(parentErr)
	}
	data, _ := os.ReadFile(counter)
	if string(data) != strconv.Itoa(2*rounds) {
		t.Errorf("counter = %s, want %d: updates were lost", data, 2*rounds)
	}
}

// TestWaitNotInherited: the descriptor a cancellable wait blocks on is not
// inherited by a program started meanwhile (one that kept it would hold
// the lock's open file, and with it the lock, as long as it runs).
func TestWaitNotInherited(t *testing.T) {
	dir := t.TempDir()
	m := New(dir)
	held, err := m.Lock(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan error, 1)
	go func() {
		l, err := m.Lock(ctx, "x")
		if err == nil {
			l.Unlock()
		}
		got <- err
	}()
	path := filepath.Join(dir, "x.lock")
	opened := func() int {
		ents, _ := os.ReadDir("/proc/self/fd")
		n := 0
		for _, e := range ents {
			if l, _ := os.Readlink("/proc/self/fd/" + e.Name()); l == path {
				n++
			}
		}
		return n
	}
	// The holder's, the waiter's and the waiting goroutine's duplicate.
	deadline := time.Now().Add(10 * time.Second)
	for opened() < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := opened(); n < 3 {
		t.Fatalf("%d descriptors of the lock file open, want 3", n)
	}
	out, err := exec.Command("ls", "-l", "/proc/self/fd").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), path) {
		t.Errorf("a child inherited the lock file:\n%s", out)
	}
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v", err)
	}
	held.Unlock()
}
