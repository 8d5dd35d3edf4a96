// Package fswatch tells tests which files a step creates (inotify), and
// how many times go.podman.io/storage wrote each of its record files.
package fswatch

import (
	"errors"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Created returns the names of the files created in dirs while fn runs,
// in order.
func Created(t testing.TB, fn func(), dirs ...string) []string {
	t.Helper()
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	for _, d := range dirs {
		if _, err := unix.InotifyAddWatch(fd, d, unix.IN_CREATE); err != nil {
			t.Fatal(err)
		}
	}
	fn()
	var names []string
	buf := make([]byte, 64<<10)
	for {
		n, err := unix.Read(fd, buf)
		if errors.Is(err, unix.EAGAIN) {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		for off := 0; off < n; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(ev.Len)]
			names = append(names, strings.TrimRight(string(name), "\x00"))
			off += unix.SizeofInotifyEvent + int(ev.Len)
		}
	}
}

// RecordWrites counts, by record file, storage's writes among created
// names: storage writes a record file NAME to a new temporary file
// (".tmp-NAME" and digits) and renames that to NAME.
func RecordWrites(created []string) map[string]int {
	counts := map[string]int{}
	for _, name := range created {
		if rest, ok := strings.CutPrefix(name, ".tmp-"); ok {
			counts[strings.TrimRight(rest, "0123456789")]++
		}
	}
	return counts
}
