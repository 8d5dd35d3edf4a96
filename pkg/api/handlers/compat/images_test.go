package compat

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pm-project/pm/pkg/api/handlers"
)

// TestProgressLinesConcurrent writes whole lines from many goroutines at
// once, as the image library's layer copies do: each must come out once,
// as one message, and nothing may panic.
func TestProgressLinesConcurrent(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	p := &progressLines{out: handlers.JSONLines{W: &buf}}
	const writers, lines = 16, 300
	var wg sync.WaitGroup
	for g := 0; g < writers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < lines; i++ {
				fmt.Fprintf(p, "Copying blob g%d-%d\n", g, i)
			}
		}()
	}
	wg.Wait()
	seen := map[string]int{}
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m struct{ Status string }
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON message: %q", l)
		}
		seen[m.Status]++
	}
	for g := 0; g < writers; g++ {
		for i := 0; i < lines; i++ {
			if s := fmt.Sprintf("Copying blob g%d-%d", g, i); seen[s] != 1 {
				t.Fatalf("%q sent %d times", s, seen[s])
			}
		}
	}
	if len(seen) != writers*lines {
		t.Errorf("%d distinct messages, want %d", len(seen), writers*lines)
	}
}
