package events

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestJournalConcurrentWritesAndRead(t *testing.T) {
	t.Parallel()
	j := New(t.TempDir())
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
	j := New(t.TempDir())
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
	j := New(t.TempDir())
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
