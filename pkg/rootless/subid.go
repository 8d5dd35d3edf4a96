package rootless

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// IDRange is a range of subordinate ids from /etc/subuid or /etc/subgid.
type IDRange struct {
	Start int // first host id
	Count int // number of ids
}

// ReadSubIDs returns the ranges of path (/etc/subuid or /etc/subgid) that
// belong to the user called name or numbered id. A missing file has no
// ranges; an unreadable one is an error.
func ReadSubIDs(path, name string, id int) ([]IDRange, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	r, err := ParseSubIDs(f, name, id)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return r, nil
}

// ParseSubIDs parses lines "user:start:count", where user is a name or a
// numeric id, and returns the ranges of name or id in file order. Blank
// lines, comments and lines of other users are skipped; a malformed line of
// this user is an error.
func ParseSubIDs(r io.Reader, name string, id int) ([]IDRange, error) {
	var out []IDRange
	sc := bufio.NewScanner(r)
	idStr := strconv.Itoa(id)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ":")
		if f[0] != idStr && (name == "" || f[0] != name) {
			continue
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("line %d: want user:start:count, got %q", n, line)
		}
		start, err1 := strconv.ParseUint(f[1], 10, 32)
		count, err2 := strconv.ParseUint(f[2], 10, 32)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("line %d: bad start or count in %q", n, line)
		}
		if count == 0 {
			continue
		}
		out = append(out, IDRange{Start: int(start), Count: int(count)})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
