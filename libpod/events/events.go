// Package events is pm's event journal: an append-only file of JSON lines
// that every pm process writes to and that `pm events` and the API's
// /events read, past and live.
//
// Each event is one write(2) of one line under 4 KiB on a file opened with
// O_APPEND, so lines of concurrent writers never interleave.
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
	"path/filepath"
	"time"
)

// Types of events.
const (
	Container = "container"
	Image     = "image"
	Network   = "network"
	Volume    = "volume"
	Pod       = "pod"
)

// maxLine keeps a line within one atomic append.
const maxLine = 4000

// Event is one line of the journal.
type Event struct {
	Type       string            `json:"type"`
	Action     string            `json:"action"`
	ID         string            `json:"id,omitempty"`
	Name       string            `json:"name,omitempty"`
	Image      string            `json:"image,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	TimeNano   int64             `json:"timeNano"`
}

// Time returns when the event happened.
func (e *Event) Time() time.Time { return time.Unix(0, e.TimeNano) }

// Journal is the event file of one pm installation.
type Journal struct {
	path string
}

// New returns the journal under dir (cfg.TmpDir/events).
func New(dir string) *Journal {
	return &Journal{path: filepath.Join(dir, "events.log")}
}

// Path is the journal's file.
func (j *Journal) Path() string { return j.path }

// Write appends ev, stamping the time when it has none. Attributes are
// dropped, largest first, until the line fits one atomic append.
func (j *Journal) Write(ev Event) error {
	if ev.TimeNano == 0 {
		ev.TimeNano = time.Now().UnixNano()
	}
	line, err := encode(ev)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(j.path), 0o700); err != nil {
		return fmt.Errorf("creating event journal directory: %w", err)
	}
	f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("opening event journal: %w", err)
	}
	defer f.Close()
	if _, err := f.Write(line); err != nil {
		return fmt.Errorf("writing event journal: %w", err)
	}
	return nil
}

func encode(ev Event) ([]byte, error) {
	for {
		b, err := json.Marshal(ev)
		if err != nil {
			return nil, fmt.Errorf("encoding event: %w", err)
		}
		if len(b) < maxLine {
			return append(b, '\n'), nil
		}
		if len(ev.Attributes) == 0 {
			ev.Name, ev.Image = trim(ev.Name), trim(ev.Image)
			if b, err = json.Marshal(ev); err == nil && len(b) < maxLine {
				return append(b, '\n'), nil
			}
			return nil, fmt.Errorf("encoding event: line of %d bytes too long", len(b))
		}
		big := ""
		for k, v := range ev.Attributes {
			if big == "" || len(k)+len(v) > len(big)+len(ev.Attributes[big]) {
				big = k
			}
		}
		attrs := make(map[string]string, len(ev.Attributes))
		for k, v := range ev.Attributes {
			if k != big {
				attrs[k] = v
			}
		}
		ev.Attributes = attrs
	}
}

func trim(s string) string {
	if len(s) > 512 {
		return s[:512]
	}
	return s
}

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
// lines until ctx ends or Until passes.
func (j *Journal) Read(ctx context.Context, o ReadOptions, send func(Event) error) error {
	if o.Poll <= 0 {
		o.Poll = 100 * time.Millisecond
	}
	var off int64
	var partial []byte
	for {
		f, err := os.Open(j.path)
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return fmt.Errorf("opening event journal: %w", err)
		default:
			n, rest, err := scan(f, off, partial, o, send)
			f.Close()
			if err != nil {
				return err
			}
			off, partial = n, rest
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

// scan reads f from off and returns the new offset and an unfinished
// last line, if any.
func scan(f *os.File, off int64, partial []byte, o ReadOptions, send func(Event) error) (int64, []byte, error) {
	if fi, err := f.Stat(); err == nil && fi.Size() < off {
		off, partial = 0, nil // the journal was rotated or removed
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return off, partial, fmt.Errorf("reading event journal: %w", err)
	}
	r := bufio.NewReader(f)
	for {
		chunk, err := r.ReadBytes('\n')
		off += int64(len(chunk))
		if err != nil {
			if errors.Is(err, io.EOF) {
				return off, append(partial, chunk...), nil
			}
			return off, partial, fmt.Errorf("reading event journal: %w", err)
		}
		line := append(partial, chunk...)
		partial = nil
		var ev Event
		if json.Unmarshal(bytes.TrimSpace(line), &ev) != nil {
			continue
		}
		t := ev.Time()
		if (!o.Since.IsZero() && t.Before(o.Since)) || (!o.Until.IsZero() && t.After(o.Until)) {
			continue
		}
		if err := send(ev); err != nil {
			return off, nil, err
		}
	}
}
