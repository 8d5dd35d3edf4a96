package events

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// ReadOptions select what Read sends.
type ReadOptions struct {
	Since, Until time.Time // zero: unbounded
	// Follow keeps reading new events until ctx ends or Until passes.
	Follow bool
	// Poll is how often a follower looks for new lines (default 100ms).
	Poll time.Duration
}

// Read sends the journal's events in [Since, Until] to send, in order;
// lines that do not parse are skipped. With Follow it then waits for new
// lines until ctx ends or Until passes, across rotations: it sends each
// event once, and misses only those that two rotations between two of its
// looks dropped.
func (j *Journal) Read(ctx context.Context, o ReadOptions, send func(Event) error) error {
	if j.off {
		return define.Invalidf(`cannot read events with the "none" backend`)
	}
	if o.Poll <= 0 {
		o.Poll = 100 * time.Millisecond
	}
	t := &tail{path: j.path, o: o, send: send}
	defer t.close()
	for {
		if err := t.poll(); err != nil {
			return err
		}
		if !o.Follow || (!o.Until.IsZero() && time.Now().After(o.Until)) {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(o.Poll):
		}
	}
}

// tail is a reader's place in the journal. It keeps the file it reads
// open, so that it can finish it after a rotation replaced it, and it
// remembers the last line it read, to find its place in the new file,
// which starts with the newest lines of the old one.
type tail struct {
	path string
	o    ReadOptions
	send func(Event) error

	f       *os.File
	off     int64  // bytes of f read, whole lines only
	partial []byte // bytes read past the last newline
	last    []byte // the last whole line read, newline included
}

func (t *tail) close() {
	if t.f != nil {
		t.f.Close()
	}
}

// poll sends the lines added since the last poll.
func (t *tail) poll() error {
	// Look at the path before reading: once it names another file (or
	// none), the rotation that replaced f is complete, and f holds all it
	// ever will.
	cur, statErr := os.Stat(t.path)
	if t.f != nil {
		if err := t.read(); err != nil {
			return err
		}
		if statErr == nil && t.same(cur) {
			return nil
		}
		t.f.Close()
		t.f = nil
	}
	f, err := os.Open(t.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("opening event journal: %w", err)
	}
	t.f = f
	if err := t.resume(); err != nil {
		return err
	}
	return t.read()
}

// same reports whether the path still names f, which was not truncated.
func (t *tail) same(cur os.FileInfo) bool {
	fi, err := t.f.Stat()
	return err == nil && os.SameFile(fi, cur) && fi.Size() >= t.off+int64(len(t.partial))
}

// resume places t in the newly opened f just after the last line it read.
// Without that line (nothing read yet, or the rotation dropped it) every
// line of f is new to t.
func (t *tail) resume() error {
	t.off, t.partial = 0, nil
	if t.last == nil {
		return nil
	}
	data, err := io.ReadAll(t.f)
	if err != nil {
		return fmt.Errorf("reading event journal: %w", err)
	}
	for i := 0; ; {
		k := bytes.Index(data[i:], t.last)
		if k < 0 {
			return nil
		}
		k += i
		if k == 0 || data[k-1] == '\n' {
			t.off = int64(k + len(t.last))
			return nil
		}
		i = k + 1
	}
}

// read sends the whole lines of f from t's place to its end.
func (t *tail) read() error {
	if _, err := t.f.Seek(t.off+int64(len(t.partial)), io.SeekStart); err != nil {
		return fmt.Errorf("reading event journal: %w", err)
	}
	r := bufio.NewReader(t.f)
	for {
		chunk, err := r.ReadBytes('\n')
		if err != nil {
			if errors.Is(err, io.EOF) {
				t.partial = append(t.partial, chunk...)
				return nil
			}
			return fmt.Errorf("reading event journal: %w", err)
		}
		line := chunk
		if len(t.partial) > 0 {
			line = append(t.partial, chunk...)
			t.partial = nil
		}
		t.off += int64(len(line))
		t.last = line
		var ev Event
		if json.Unmarshal(bytes.TrimSpace(line), &ev) != nil {
			continue
		}
		tm := ev.Time()
		if (!t.o.Since.IsZero() && tm.Before(t.o.Since)) || (!t.o.Until.IsZero() && tm.After(t.o.Until)) {
			continue
		}
		if err := t.send(ev); err != nil {
			return err
		}
	}
}
