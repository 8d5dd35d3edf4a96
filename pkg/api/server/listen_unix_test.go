package server

import (
	"net"
	"os"
	"path/filepath"
	"testing"
)

// TestListenUnix: the socket appears at its path already listening (it
// is bound under another name and moved there), with mode 0600, leaves
// no temporary name behind, reports its path, and is removed on close.
func TestListenUnix(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "api.sock")
	l, err := Listen("unix://" + path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket %s: %v %v", path, fi, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("files beside the socket: %v", ents)
	}
	if got := l.Addr().String(); got != path {
		t.Errorf("Addr %q, want %q", got, path)
	}
	go func() {
		if c, err := l.Accept(); err == nil {
			c.Close()
		}
	}()
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	c.Close()
	l.Close()
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("socket left after close: %v", err)
	}
}
