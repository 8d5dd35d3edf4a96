package libpod

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDpkgPackageOf(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	status := "Package: conmon-doc\nStatus: install ok installed\nVersion: 9\n\n" +
		"Package: conmon\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.1.6+ds1-1\nDescription: x\n continued: line\n\n" +
		"Package: runc\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 1.1\n"
	if err := os.WriteFile(filepath.Join(dir, "status"), []byte(status), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "info"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, list := range map[string]string{"conmon.list": "/.\n/usr/bin\n/usr/bin/conmon\n", "runc.list": "/usr/sbin/runc\n"} {
		if err := os.WriteFile(filepath.Join(dir, "info", name), []byte(list), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for path, want := range map[string]string{
		"/usr/bin/conmon":       "conmon_2.1.6+ds1-1_amd64",
		"/usr/local/bin/conmon": unknownPackage, // not the package's file
		"/usr/sbin/runc":        unknownPackage, // removed
		"/opt/crun":             unknownPackage,
	} {
		if got := dpkgPackageOf(dir, path); got != want {
			t.Errorf("dpkgPackageOf(%s) = %q, want %q", path, got, want)
		}
	}
}
