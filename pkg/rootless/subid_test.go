package rootless

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseSubIDs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		file    string
		user    string
		id      int
		want    []IDRange
		wantErr string
	}{
		{name: "empty", file: "", user: "alice", id: 1000},
		{name: "by name", file: "alice:100000:65536\n", user: "alice", id: 1000,
			want: []IDRange{{100000, 65536}}},
		{name: "by uid", file: "1000:200000:1000\n", user: "alice", id: 1000,
			want: []IDRange{{200000, 1000}}},
		{name: "several lines, other users skipped",
			file: "# comment\nbob:100000:65536\n\nalice:165536:65536\n1000:300000:10\ncarol:1:2\n",
			user: "alice", id: 1000,
			want: []IDRange{{165536, 65536}, {300000, 10}}},
		{name: "other users only", file: "bob:100000:65536\n", user: "alice", id: 1000},
		{name: "no name known", file: "alice:1:2\n1000:5:6\n", user: "", id: 1000,
			want: []IDRange{{5, 6}}},
		{name: "name prefix is not a match", file: "alice2:1:2\n10000:5:6\n", user: "alice", id: 1000},
		{name: "spaces and CRLF", file: "  alice:100000:65536  \r\n", user: "alice", id: 1000,
			want: []IDRange{{100000, 65536}}},
		{name: "zero count skipped", file: "alice:100000:0\n", user: "alice", id: 1000},
		{name: "malformed line of ours", file: "alice:100000\n", user: "alice", id: 1000,
			wantErr: "line 1"},
		{name: "bad number", file: "x:1:1\nalice:abc:10\n", user: "alice", id: 1000,
			wantErr: "line 2"},
		{name: "malformed line of others ignored", file: "bob:junk\nalice:1:2\n", user: "alice", id: 1000,
			want: []IDRange{{1, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "subuid")
			if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := ReadSubIDs(path, tt.user, tt.id)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReadSubIDsMissingFile(t *testing.T) {
	t.Parallel()
	got, err := ReadSubIDs(filepath.Join(t.TempDir(), "nope"), "alice", 1000)
	if err != nil || got != nil {
		t.Fatalf("got %v, %v; want no ranges and no error", got, err)
	}
}

func TestReadSubIDsUnreadable(t *testing.T) {
	t.Parallel()
	// A directory cannot be read as a file, whoever runs the test.
	_, err := ReadSubIDs(t.TempDir(), "alice", 1000)
	if err == nil || !strings.Contains(err.Error(), "reading ") {
		t.Fatalf("err = %v, want a reading error", err)
	}
}

func TestMapArgs(t *testing.T) {
	t.Parallel()
	got := mapArgs(42, 1000, []IDRange{{100000, 65536}, {300000, 10}})
	want := []string{"42", "0", "1000", "1", "1", "100000", "65536", "65537", "300000", "10"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestReadIDMap(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "uid_map")
	data := "         0       1001          1\n         1     300000      65536\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readIDMap(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []IDMap{{0, 1001, 1}, {1, 300000, 65536}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
