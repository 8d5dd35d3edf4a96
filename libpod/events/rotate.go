package events

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// lockShared opens the journal's lock file and takes its flock(2) shared;
// closing the file releases it. Appenders hold it from before they open
// the journal until their line is written; a rotation holds it
// exclusively, so it never replaces the file under an append that would
// then be lost.
func (j *Journal) lockShared() (*os.File, error) {
	f, err := os.OpenFile(j.path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening event journal lock: %w", err)
	}
	if err := flock(f, unix.LOCK_SH); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func flock(f *os.File, how int) error {
	for {
		err := unix.Flock(int(f.Fd()), how)
		if !errors.Is(err, unix.EINTR) {
			if err != nil {
				return fmt.Errorf("locking event journal: %w", err)
			}
			return nil
		}
	}
}

// full reports whether appending n bytes would pass the size cap.
func (j *Journal) full(n int64) bool {
	if j.maxSize <= 0 {
		return false
	}
	fi, err := os.Stat(j.path)
	return err == nil && fi.Size()+n > j.maxSize
}

// rotate replaces the journal with the events of its newer half, whole
// lines only, followed by a log-rotation event. It turns the caller's shared lock l
// into an exclusive one first; flock(2) drops the shared lock before it
// waits, so another writer may have rotated meanwhile: rotate does nothing
// unless appending n bytes would still pass the cap. The new file is
// written aside and renamed over the journal, so readers see either file
// whole.
func (j *Journal) rotate(l *os.File, n int64) (retErr error) {
	if err := flock(l, unix.LOCK_EX); err != nil {
		return err
	}
	if !j.full(n) {
		return nil
	}
	data, err := os.ReadFile(j.path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("rotating event journal: %w", err)
	}
	// As Podman: the events that start past the file's middle (a line
	// that starts right at it goes too).
	start := len(data)
	if i := bytes.IndexByte(data[len(data)/2:], '\n'); i >= 0 {
		start = len(data)/2 + i + 1
	}
	mark, err := encode(Event{Type: System, Action: Rotation, Name: j.path, TimeNano: time.Now().UnixNano()})
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(j.path), ".events.log-rotate-*")
	if err != nil {
		return fmt.Errorf("rotating event journal: %w", err)
	}
	defer func() {
		if retErr != nil {
			os.Remove(tmp.Name())
		}
	}()
	_, err = tmp.Write(append(data[start:len(data):len(data)], mark...))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("rotating event journal: %w", err)
	}
	if err := os.Rename(tmp.Name(), j.path); err != nil {
		return fmt.Errorf("rotating event journal: %w", err)
	}
	return nil
}
