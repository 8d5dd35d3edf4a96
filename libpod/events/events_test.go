package events

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestJournalConcurrentWritesAndRead(t *testing.T) {
	t.Parallel()
	j := New(t.TempDir(), 0)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if err := j.Write(Event{Type: Container, Action: "start", Name: "c", Attributes: map[string]string{"pad": strings.Repeat("x", 1000)}}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	n := 0
	if err := j.Read(context.Background(), ReadOptions{}, func(Event) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 400 {
		t.Errorf("read %d events, want 400", n)
	}
}

func TestJournalLongEventFits(t *testing.T) {
	t.Parallel()
	j := New(t.TempDir(), 0)
	if err := j.Write(Event{Type: Container, Action: "create", Attributes: map[string]string{"big": strings.Repeat("y", 10000), "small": "s"}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(j.Path())
	if err != nil {
		t.Fatal(err)
	}
	if len(b) >= maxLine || !strings.Contains(string(b), `"small":"s"`) {
		t.Errorf("line of %d bytes: %s", len(b), b)
	}
}

func TestJournalSinceUntilFollow(t *testing.T) {
	t.Parallel()
	j := New(t.TempDir(), 0)
	base := time.Now().Add(-time.Hour)
	for i := 0; i < 3; i++ {
		if err := j.Write(Event{Type: Image, Action: "pull", Name: string(rune('a' + i)), TimeNano: base.Add(time.Duration(i) * time.Minute).UnixNano()}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	o := ReadOptions{Since: base.Add(30 * time.Second), Until: base.Add(90 * time.Second)}
	if err := j.Read(context.Background(), o, func(e Event) error { got = append(got, e.Name); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "") != "b" {
		t.Errorf("since/until: %v, want [b]", got)
	}
	// Follow sees an event written after the read began, and stops at until.
	got = nil
	o = ReadOptions{Since: time.Now(), Until: time.Now().Add(500 * time.Millisecond), Follow: true, Poll: 10 * time.Millisecond}
	go func() {
		time.Sleep(100 * time.Millisecond)
		j.Write(Event{Type: Volume, Action: "create", Name: "live"})
	}()
	if err := j.Read(context.Background(), o, func(e Event) error { got = append(got, e.Name); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "live" {
		t.Errorf("follow: %v, want [live]", got)
	}
}

// lines returns the journal's lines.
func lines(t *testing.T, j *Journal) []string {
	t.Helper()
	b, err := os.ReadFile(j.Path())
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestJournalRotationKeepsNewestHalf(t *testing.T) {
	t.Parallel()
	const max = 2000
	j := New(t.TempDir(), max)
	base := time.Now()
	var written []string
	for i := 0; len(written) == 0 || !strings.Contains(strings.Join(lines(t, j), ""), `"log-rotation"`); i++ {
		name := fmt.Sprintf("v%03d", i)
		if err := j.Write(Event{Type: Volume, Action: "create", Name: name, TimeNano: base.Add(time.Duration(i)).UnixNano()}); err != nil {
			t.Fatal(err)
		}
		written = append(written, name)
	}
	got := lines(t, j)
	fi, _ := os.Stat(j.Path())
	if fi.Size() > max {
		t.Errorf("journal of %d bytes after rotation, cap %d", fi.Size(), max)
	}
	// Whole lines, oldest dropped, the newest kept in order, the rotation
	// marked just before the event that caused it.
	var names []string
	for _, l := range got {
		var ev Event
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		names = append(names, ev.Name)
	}
	n := len(names)
	if n < 3 || names[n-2] != j.Path() || names[n-1] != written[len(written)-1] {
		t.Fatalf("after rotation: %v", names)
	}
	kept := names[:n-2]
	if want := written[len(written)-1-len(kept) : len(written)-1]; strings.Join(kept, ",") != strings.Join(want, ",") {
		t.Errorf("kept %v, want the newest %v", kept, want)
	}
	if len(kept)*2 < len(written)-1-2 || len(kept) >= len(written)-1 {
		t.Errorf("kept %d of %d events, want about half", len(kept), len(written)-1)
	}
	// Read sees the marker as a system event.
	var rot []Event
	j.Read(context.Background(), ReadOptions{}, func(e Event) error {
		if e.Type == System {
			rot = append(rot, e)
		}
		return nil
	})
	if len(rot) != 1 || rot[0].Action != Rotation || rot[0].Name != j.Path() {
		t.Errorf("rotation events: %+v", rot)
	}
}

// TestJournalRotationOversized: a journal already past its cap (the cap
// was lowered, or another program wrote it) keeps, as Podman's, the
// events that start past its middle; one starting right at it goes too.
func TestJournalRotationOversized(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var b strings.Builder
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, `{"Name":"busybox","Status":"pull","Time":"2022-04-06T11:26:42.7236679%02d+02:00","Type":"image"}`+"\n", i)
	}
	path := filepath.Join(dir, "events.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	j := NewFile(path, int64(b.Len()/2))
	if err := j.Write(Event{Type: Container, Action: "remove", Name: "c"}); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := j.Read(context.Background(), ReadOptions{}, func(e Event) error {
		got = append(got, e.Name+" "+e.Action)
		if e.Type == Image {
			got[len(got)-1] += e.Time().Format(" .000000000")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := 51; i < 100; i++ {
		want = append(want, fmt.Sprintf("busybox pull .7236679%02d", i))
	}
	want = append(want, path+" "+Rotation, "c remove")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after rotation:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestJournalNoCapNoRotation(t *testing.T) {
	t.Parallel()
	j := New(t.TempDir(), 0)
	for i := 0; i < 200; i++ {
		if err := j.Write(Event{Type: Image, Action: "pull", Name: strings.Repeat("n", 100)}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(lines(t, j)); n != 200 {
		t.Errorf("%d lines, want 200", n)
	}
}

// TestJournalRotationConcurrentWriters: appenders racing with each
// other's rotations tear no line, and rotations drop only the oldest
// lines: what is kept of each writer is its newest events, without gaps.
func TestJournalRotationConcurrentWriters(t *testing.T) {
	t.Parallel()
	const max, writers, each = 16 << 10, 8, 300
	j := New(t.TempDir(), max)
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				ev := Event{Type: Container, Action: "start", Name: fmt.Sprintf("w%d", w), Attributes: map[string]string{"seq": fmt.Sprint(i)}}
				if err := j.Write(ev); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	fi, err := os.Stat(j.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > max {
		t.Errorf("journal of %d bytes, cap %d", fi.Size(), max)
	}
	last := map[string]int{}
	rotations := 0
	for _, l := range lines(t, j) {
		var ev Event
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("torn line %q: %v", l, err)
		}
		if ev.Type == System {
			rotations++
			continue
		}
		var seq int
		fmt.Sscan(ev.Attributes["seq"], &seq)
		if prev, ok := last[ev.Name]; ok && seq != prev+1 {
			t.Errorf("%s: seq %d after %d", ev.Name, seq, prev)
		}
		last[ev.Name] = seq
	}
	if rotations == 0 {
		t.Errorf("no rotation marker in the journal")
	}
	if len(last) == 0 {
		t.Errorf("no event kept")
	}
	for w, n := range last {
		if n != each-1 {
			t.Errorf("%s: newest kept seq %d, want %d", w, n, each-1)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(j.Path()), ".events.log-rotate-*")); len(m) > 0 {
		t.Errorf("rotation left %v", m)
	}
}

// TestJournalFollowAcrossRotations: a follower sees every event exactly
// once while concurrent writers rotate the journal many times, as long as
// it looks at least once per rotation.
func TestJournalFollowAcrossRotations(t *testing.T) {
	t.Parallel()
	const max, writers, batches, perBatch = 8 << 10, 4, 30, 5
	j := New(t.TempDir(), max)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := map[string]int{}
	var mu sync.Mutex
	progress := make(chan struct{}, 1)
	rotations := 0
	done := make(chan error, 1)
	go func() {
		done <- j.Read(ctx, ReadOptions{Follow: true, Poll: time.Millisecond}, func(e Event) error {
			mu.Lock()
			if e.Type == System {
				rotations++
			} else {
				seen[e.Name]++
			}
			mu.Unlock()
			select {
			case progress <- struct{}{}:
			default:
			}
			return nil
		})
	}()
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(seen)
	}
	for b := 0; b < batches; b++ {
		// One batch is far below half the cap, so at most one rotation
		// happens between two looks of the follower, which waits for it.
		var wg sync.WaitGroup
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < perBatch; i++ {
					name := fmt.Sprintf("b%d-w%d-%d", b, w, i)
					if err := j.Write(Event{Type: Volume, Action: "create", Name: name, Attributes: map[string]string{"pad": strings.Repeat("p", 50)}}); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		want := (b + 1) * writers * perBatch
		deadline := time.After(10 * time.Second)
		for count() < want {
			select {
			case <-progress:
			case <-time.After(10 * time.Millisecond):
			case <-deadline:
				t.Fatalf("batch %d: follower saw %d events, want %d", b, count(), want)
			}
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != batches*writers*perBatch {
		t.Errorf("saw %d distinct events, want %d", len(seen), batches*writers*perBatch)
	}
	for n, c := range seen {
		if c != 1 {
			t.Errorf("%s seen %d times", n, c)
		}
	}
	if rotations < 3 {
		t.Errorf("follower saw %d rotations, want several", rotations)
	}
}

// TestJournalFollowAfterRemoval: a follower whose journal is removed
// (pm system reset) reads the new one from its start.
func TestJournalFollowAfterRemoval(t *testing.T) {
	t.Parallel()
	j := New(t.TempDir(), 0)
	j.Write(Event{Type: Pod, Action: "create", Name: "old"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan string, 10)
	go j.Read(ctx, ReadOptions{Follow: true, Poll: 5 * time.Millisecond}, func(e Event) error { got <- e.Name; return nil })
	if n := <-got; n != "old" {
		t.Fatalf("first event %q", n)
	}
	time.Sleep(20 * time.Millisecond)
	os.Remove(j.Path())
	time.Sleep(20 * time.Millisecond)
	j.Write(Event{Type: Pod, Action: "create", Name: "new"})
	select {
	case n := <-got:
		if n != "new" {
			t.Errorf("after removal: %q, want new", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("follower saw nothing after the journal was recreated")
	}
}

func TestPodmanOnly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		ev   Event
		want bool
	}{
		{Event{Type: Volume, Action: "prune", ID: "v1", Name: "v1"}, true},
		{Event{Type: Volume, Action: "prune", Attributes: map[string]string{"reclaimed": "0"}}, false},
		{Event{Type: Volume, Action: "remove", ID: "v1"}, false},
		{Event{Type: Container, Action: "prune"}, false},
	} {
		if got := c.ev.PodmanOnly(); got != c.want {
			t.Errorf("PodmanOnly(%+v) = %v, want %v", c.ev, got, c.want)
		}
	}
}

func TestActionNames(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ typ, action, docker, podman string }{
		{Volume, "remove", "destroy", "remove"},
		{Network, "remove", "destroy", "remove"},
		{Pod, "remove", "destroy", "remove"},
		{Container, "destroy", "destroy", "remove"},
		{Container, "health_status", "health_status", "health_status"},
		{Container, "die", "die", "died"},
		{Image, "delete", "delete", "remove"},
		{Volume, "prune", "prune", "prune"},
		{Container, "start", "start", "start"},
	} {
		ev := Event{Type: c.typ, Action: c.action}
		if d, p := ev.DockerAction(), ev.PodmanAction(); d != c.docker || p != c.podman {
			t.Errorf("%s %s: docker %q podman %q, want %q %q", c.typ, c.action, d, p, c.docker, c.podman)
		}
	}
}

func TestDockerHealthAction(t *testing.T) {
	t.Parallel()
	ev := Event{Type: Container, Action: "health_status", Attributes: map[string]string{"health_status": "healthy"}}
	if got := ev.DockerAction(); got != "health_status: healthy" {
		t.Errorf("DockerAction = %q", got)
	}
}
