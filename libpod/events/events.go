// Package events is pm's event journal: a file of JSON lines that every
// pm process appends to and that `pm events` and the API's /events read,
// past and live.
//
// Each event is one write(2) of one line under 4 KiB on a file opened with
// O_APPEND, so lines of concurrent writers never interleave. A journal with
// a size cap is rotated when an append would pass it: the newest half is
// kept, under an exclusive flock(2) of a sibling lock file that appenders
// hold shared, so no append is lost to a rotation (see rotate.go); readers
// take no lock and follow the journal across rotations (see read.go).
package events

import (
	"encoding/json"
	"errors"
	"fmt"
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
	System    = "system"
)

// Rotation is the action of the system event that marks a rotation; its
// Name is the journal's path.
const Rotation = "log-rotation"

// maxLine keeps a line within one atomic append.
const maxLine = 4000

// Event is one line of the journal, written in Podman's format (see
// record.go).
type Event struct {
	Type       string
	Action     string
	ID         string
	Name       string
	Image      string
	Attributes map[string]string
	TimeNano   int64
}

// Time returns when the event happened.
func (e *Event) Time() time.Time { return time.Unix(0, e.TimeNano) }

// DockerAction is the action as Docker's API names it. The journal keeps
// Podman's words for what Docker also records (a volume or network is
// removed), and Docker's where pm recorded them first (a container is
// destroyed, dies; an image is deleted); Docker calls every removal
// destroy, an image's delete. A health check's result is Docker's
// "health_status: healthy".
func (e *Event) DockerAction() string {
	switch {
	case e.Action == "remove" && e.Type == Image:
		return "delete"
	case e.Action == "remove":
		return "destroy"
	case e.Action == "died":
		return "die"
	case e.Action == "health_status" && e.Attributes["health_status"] != "":
		return "health_status: " + e.Attributes["health_status"]
	}
	return e.Action
}

// PodmanOnly reports whether Docker records nothing like e: the prune
// event Podman records for each volume a prune removes (Docker records
// its destroy, which pm also has, and one prune for the whole prune).
func (e *Event) PodmanOnly() bool {
	return e.Type == Volume && e.Action == "prune" && e.ID != ""
}

// PodmanAction is the action as Podman's CLI names it.
func (e *Event) PodmanAction() string {
	switch e.Action {
	case "destroy", "delete":
		return "remove"
	case "die":
		return "died"
	}
	return e.Action
}

// Journal is the event file of one pm installation.
type Journal struct {
	path string
	// maxSize is the size the file may reach before it is rotated; 0
	// means no limit.
	maxSize int64
	// off: events_logger = "none" records nothing and cannot be read.
	off bool
}

// Off returns a journal that records nothing, for events_logger "none";
// reading it is an error.
func Off() *Journal { return &Journal{off: true} }

// New returns the journal under dir (cfg.TmpDir/events), rotated when an
// append would make it larger than maxSize bytes (0: never).
func New(dir string, maxSize int64) *Journal {
	return &Journal{path: filepath.Join(dir, "events.log"), maxSize: maxSize}
}

// NewFile returns the journal at path (containers.conf's
// events_logfile_path), rotated as New's.
func NewFile(path string, maxSize int64) *Journal {
	return &Journal{path: path, maxSize: maxSize}
}

// Path is the journal's file.
func (j *Journal) Path() string { return j.path }

// Write appends ev, stamping the time when it has none, and rotates the
// journal first when the line would pass the size cap. Attributes are
// dropped, largest first, until the line fits one atomic append.
func (j *Journal) Write(ev Event) error {
	if j.off {
		return nil
	}
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
	l, err := j.lockShared()
	if err != nil {
		return err
	}
	defer l.Close()
	var rotErr error
	if j.full(int64(len(line))) {
		rotErr = j.rotate(l, int64(len(line)))
	}
	// A failed rotation still records the event.
	return errors.Join(rotErr, j.append(line))
}

// append writes line at the end of the journal; the caller holds the
// journal's lock, shared or exclusive.
func (j *Journal) append(line []byte) error {
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
