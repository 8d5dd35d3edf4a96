package engine

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestIgnored(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ignore := "# comment\n\nnode_modules\n*.log\n!keep.log\n**/secret.txt\n/docs/*.md\n"
	if err := os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte(ignore), 0o644); err != nil {
		t.Fatal(err)
	}
	rules, err := readIgnore(dir, "")
	if err != nil || len(rules) != 5 {
		t.Fatalf("readIgnore = %d rules, %v", len(rules), err)
	}
	for rel, want := range map[string]bool{
		"node_modules":        true,
		"node_modules/x/y.js": true,
		"src/node_modules":    false,
		"a.log":               true,
		"keep.log":            false,
		"sub/a.log":           false,
		"secret.txt":          true,
		"deep/er/secret.txt":  true,
		"docs/readme.md":      true,
		"docs/sub/readme.md":  false,
		"main.go":             false,
		"docs":                false,
	} {
		if got := ignored(rules, rel); got != want {
			t.Errorf("ignored(%q) = %v, want %v", rel, got, want)
		}
	}
}

func TestFilteredContext(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, data := range map[string]string{
		".containerignore": "build\n*.tmp\n", "x.tmp": "root", "Containerfile": "FROM x\n", "app/main.go": "package main\n",
		"app/x.tmp": "t", "build/out": "o",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink("app/main.go", filepath.Join(dir, "link"))
	out, got := filterContext(t, dir, "", false)
	if want := ".containerignore Containerfile app app/main.go app/x.tmp link"; strings.Join(got, " ") != want {
		t.Errorf("filtered context = %q, want %q", strings.Join(got, " "), want)
	}
	if l, err := os.Readlink(filepath.Join(out, "link")); err != nil || l != "app/main.go" {
		t.Errorf("symlink = %q, %v", l, err)
	}
}

// TestFilteredContextExceptionInIgnoredDir: an ignored directory is looked
// into only when an exception's text begins with it; "!*/sub1*" brings
// back sub1 from subdir1 (which "!subdir1/sub3*" opens) but not from
// subdir2, as with Docker and Buildah.
func TestFilteredContextExceptionInIgnoredDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := []string{"test1", "test2", "subdir1/sub1", "subdir1/sub2", "subdir1/sub3", "subdir2/sub1", "subdir2/sub2", "other"}
	for _, name := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ignore := filepath.Join(t.TempDir(), "ignore")
	if err := os.WriteFile(ignore, []byte("test*\n!test2*\nsubdir1\nsubdir2\n!*/sub1*\n!subdir1/sub3*\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, got := filterContext(t, dir, ignore, true)
	if want := "other subdir1/sub1 subdir1/sub3 test2"; strings.Join(got, " ") != want {
		t.Errorf("filtered context = %q, want %q", strings.Join(got, " "), want)
	}
}

// filterContext copies dir as a build would with the ignore file (""
// for the context's own) and returns the copy and its paths, sorted
// (regular files and links only with filesOnly).
func filterContext(t *testing.T, dir, ignore string, filesOnly bool) (string, []string) {
	t.Helper()
	rules, err := readIgnore(dir, ignore)
	if err != nil {
		t.Fatal(err)
	}
	out, err := filteredContext(dir, t.TempDir(), rules)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	filepath.Walk(out, func(p string, info os.FileInfo, err error) error {
		if rel, _ := filepath.Rel(out, p); rel != "." && !(filesOnly && info.IsDir()) {
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(got)
	return out, got
}
