package rootless

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnsurePrivateDir(t *testing.T) {
	t.Parallel()
	me := os.Geteuid()
	tests := []struct {
		name    string
		setup   func(t *testing.T, path string)
		uid     int
		wantErr string
	}{
		{name: "created", setup: func(*testing.T, string) {}, uid: me},
		{name: "existing, ours, mode fixed", uid: me, setup: func(t *testing.T, p string) {
			mustNil(t, os.Mkdir(p, 0o755))
		}},
		{name: "owned by someone else", uid: me + 1, wantErr: "owned by uid", setup: func(t *testing.T, p string) {
			mustNil(t, os.Mkdir(p, 0o700))
		}},
		{name: "symlink", uid: me, wantErr: "symlink", setup: func(t *testing.T, p string) {
			mustNil(t, os.Symlink(t.TempDir(), p))
		}},
		{name: "regular file", uid: me, wantErr: "not a directory", setup: func(t *testing.T, p string) {
			mustNil(t, os.WriteFile(p, nil, 0o600))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := filepath.Join(t.TempDir(), "pm-run")
			tt.setup(t, p)
			err := ensurePrivateDir(p, tt.uid)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			mustNil(t, err)
			fi, err := os.Lstat(p)
			mustNil(t, err)
			if !fi.IsDir() || fi.Mode().Perm() != 0o700 {
				t.Errorf("mode = %v, want a 0700 directory", fi.Mode())
			}
		})
	}
}

func TestCheckXDGDir(t *testing.T) {
	t.Parallel()
	me := os.Geteuid()
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	mustNil(t, os.WriteFile(file, nil, 0o600))
	tests := []struct {
		name, path string
		uid        int
		wantErr    string
	}{
		{"ok", dir, me, ""},
		{"relative", "run/user", me, "absolute"},
		{"missing", filepath.Join(dir, "nope"), me, "no such file"},
		{"file", file, me, "not a directory"},
		{"other owner", dir, me + 1, "owned by uid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := checkXDGDir(tt.path, tt.uid)
			if tt.wantErr == "" {
				mustNil(t, err)
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
