package fscopy

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// mkroot builds a small tree: /etc/passwd, /dir/f, /evil -> /etc/passwd,
// /up -> ../../.., /abs -> /etc.
func mkroot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	must(os.MkdirAll(filepath.Join(root, "dir", "sub"), 0o750))
	must(os.WriteFile(filepath.Join(root, "etc", "passwd"), []byte("root:x:0:0::/root:/bin/sh\n"), 0o644))
	must(os.WriteFile(filepath.Join(root, "dir", "f"), []byte("f"), 0o600))
	must(os.WriteFile(filepath.Join(root, "dir", "sub", "g"), []byte("gg"), 0o755))
	must(os.Symlink("/etc/passwd", filepath.Join(root, "evil")))
	must(os.Symlink("../../..", filepath.Join(root, "up")))
	must(os.Symlink("/etc", filepath.Join(root, "abs")))
	return root
}

func TestResolve(t *testing.T) {
	t.Parallel()
	root := mkroot(t)
	tests := []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"etc/passwd", "/etc/passwd"},
		{"../../etc/passwd", "/etc/passwd"},
		{"/evil", "/etc/passwd"},
		{"/up/etc", "/etc"},
		{"/abs/passwd", "/etc/passwd"},
		{"/abs/../x", "/x"},
		{"/missing/a", "/missing/a"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Resolve(root, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Resolve(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// entries lists a tar stream as name -> typeflag+content.
func entries(t *testing.T, b []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		out[h.Name] = string(h.Typeflag) + string(data) + h.Linkname
	}
}

func TestArchive(t *testing.T) {
	t.Parallel()
	root := mkroot(t)
	tests := []struct {
		path   string
		follow bool
		want   map[string]string
	}{
		{"/evil", true, map[string]string{"evil": "0root:x:0:0::/root:/bin/sh\n"}},
		{"/evil", false, map[string]string{"evil": "2/etc/passwd"}},
		{"/up", false, map[string]string{"up": "2../../.."}},
		{"/up/etc/passwd", true, map[string]string{"passwd": "0root:x:0:0::/root:/bin/sh\n"}},
		{"/dir", true, map[string]string{"dir/": "5", "dir/f": "0f", "dir/sub/": "5", "dir/sub/g": "0gg"}},
		{"/dir/.", true, map[string]string{"f": "0f", "sub/": "5", "sub/g": "0gg"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Archive(&buf, Location{Root: root, Path: tt.path, Where: "test"}, tt.follow); err != nil {
				t.Fatal(err)
			}
			got := entries(t, buf.Bytes())
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("entry %q = %q, want %q", k, got[k], v)
				}
			}
		})
	}
	if err := Archive(io.Discard, Location{Root: root, Path: "/nope", Where: "container c"}, true); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing source: got %v", err)
	}
}

func mktar(t *testing.T, hdrs ...tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range hdrs {
		data := h.Linkname
		if h.Typeflag == tar.TypeReg {
			h.Size, h.Linkname = int64(len(data)), ""
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(data))
		}
	}
	tw.Close()
	return buf.Bytes()
}

func TestExtractStaysInRoot(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	tests := []struct {
		name string
		hdrs []tar.Header
		want string // a file that must exist inside root
	}{
		{"dotdot", []tar.Header{{Name: "../../x", Typeflag: tar.TypeReg, Mode: 0o644, Linkname: "x"}}, "x"},
		{"symlink then through it", []tar.Header{
			{Name: "l", Typeflag: tar.TypeSymlink, Linkname: outside},
			{Name: "l/y", Typeflag: tar.TypeReg, Mode: 0o644, Linkname: "y"},
		}, ""}, // refused: the link dangles inside root
		{"relative escape link", []tar.Header{
			{Name: "r", Typeflag: tar.TypeSymlink, Linkname: "../../../../../../"},
			{Name: "r/z", Typeflag: tar.TypeReg, Mode: 0o644, Linkname: "z"},
		}, "z"},
		{"hardlink outside", []tar.Header{
			{Name: "h", Typeflag: tar.TypeLink, Linkname: "../../../../etc/hostname"},
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if err := Extract(bytes.NewReader(mktar(t, tt.hdrs...)), root, "/", ExtractOptions{}); err != nil {
				t.Logf("extract: %v", err)
			}
			if tt.want != "" {
				if _, err := os.Stat(filepath.Join(root, tt.want)); err != nil {
					t.Errorf("%s not inside root: %v", tt.want, err)
				}
			}
			left, _ := os.ReadDir(outside)
			if len(left) != 0 {
				t.Errorf("extraction wrote outside root: %v", left)
			}
		})
	}
}

func TestCopy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		src, dst string
		want     []string // files under the destination root afterwards
		wantErr  bool
	}{
		{"file to new name", "/dir/f", "/new", []string{"/new"}, false},
		{"file into dir", "/dir/f", "/etc", []string{"/etc/f"}, false},
		{"dir into dir", "/dir", "/etc", []string{"/etc/dir/f", "/etc/dir/sub/g"}, false},
		{"dir to new name", "/dir", "/d2", []string{"/d2/f", "/d2/sub/g"}, false},
		{"dir contents", "/dir/.", "/etc", []string{"/etc/f", "/etc/sub/g"}, false},
		{"through symlink", "/evil", "/out", []string{"/out"}, false},
		{"escape dest", "/dir/f", "../../x", []string{"/x"}, false},
		{"dest via abs link", "/dir/f", "/abs/", []string{"/etc/f"}, false},
		{"missing source", "/nope", "/x", nil, true},
		{"missing parent", "/dir/f", "/a/b/c", nil, true},
		{"dir onto file", "/dir", "/etc/passwd", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, dst := mkroot(t), mkroot(t)
			err := Copy(Location{Root: src, Path: tt.src, Where: "src"}, Location{Root: dst, Path: tt.dst, Where: "dst"},
				CopyOptions{Follow: true})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			for _, f := range tt.want {
				if _, err := os.Lstat(filepath.Join(dst, f)); err != nil {
					t.Errorf("missing %s: %v", f, err)
				}
			}
		})
	}
}

func TestRoundTripKeepsModes(t *testing.T) {
	t.Parallel()
	src := mkroot(t)
	var buf bytes.Buffer
	if err := WriteTar(&buf, src, "/", "", false); err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	if err := Extract(&buf, dst, "/", ExtractOptions{}); err != nil {
		t.Fatal(err)
	}
	var names []string
	filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		rel, _ := filepath.Rel(src, p)
		names = append(names, rel)
		gi, err := os.Lstat(filepath.Join(dst, rel))
		if err != nil {
			t.Errorf("%s missing after round trip", rel)
			return nil
		}
		if rel != "." && gi.Mode() != fi.Mode() {
			t.Errorf("%s: mode %v, want %v", rel, gi.Mode(), fi.Mode())
		}
		return nil
	})
	sort.Strings(names)
	if len(names) < 8 {
		t.Errorf("walked too little: %v", names)
	}
}
