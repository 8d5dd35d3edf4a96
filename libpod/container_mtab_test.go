package libpod

import (
	"os"
	"path/filepath"
	"testing"
)

func TestEnsureMtab(t *testing.T) {
	t.Parallel()
	uid, gid := os.Getuid(), os.Getgid()

	bare := t.TempDir() // no /etc at all
	if err := ensureMtab(bare, uid, gid); err != nil {
		t.Fatal(err)
	}
	if l, err := os.Readlink(filepath.Join(bare, "etc", "mtab")); err != nil || l != "/proc/mounts" {
		t.Errorf("/etc/mtab -> %q, %v; want /proc/mounts", l, err)
	}
	if err := ensureMtab(bare, uid, gid); err != nil { // twice is fine
		t.Fatal(err)
	}

	own := t.TempDir() // the image's own mtab stays
	if err := os.MkdirAll(filepath.Join(own, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(own, "etc", "mtab"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ensureMtab(own, uid, gid); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(own, "etc", "mtab")); err != nil || string(b) != "x" {
		t.Errorf("image's /etc/mtab changed: %q, %v", b, err)
	}

	// An /etc that escapes the rootfs resolves inside it.
	esc := t.TempDir()
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(esc, "etc")); err != nil {
		t.Fatal(err)
	}
	if err := ensureMtab(esc, uid, gid); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(outside, "mtab")); err == nil {
		t.Error("mtab written outside the rootfs")
	}
}
