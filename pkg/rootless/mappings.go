package rootless

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// IDMap is one line of a uid_map or gid_map.
type IDMap struct {
	ContainerID int // first id inside the namespace
	HostID      int // first id outside
	Size        int // number of ids
}

// Mappings returns the uid and gid maps of the current process, as
// /proc/self/uid_map and gid_map list them.
func Mappings() (uid, gid []IDMap, err error) {
	if uid, err = readIDMap("/proc/self/uid_map"); err != nil {
		return nil, nil, err
	}
	if gid, err = readIDMap("/proc/self/gid_map"); err != nil {
		return nil, nil, err
	}
	return uid, gid, nil
}

// SingleMapping reports whether pm runs in a namespace that maps only the
// user's own id (no subordinate ids in /etc/subuid): images owned by other
// ids cannot be unpacked faithfully there.
func SingleMapping() bool {
	if !Joined() {
		return false
	}
	m, err := readIDMap("/proc/self/uid_map")
	return err == nil && len(m) == 1 && m[0].Size == 1
}

func readIDMap(path string) ([]IDMap, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var out []IDMap
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("reading %s: bad line %q", path, line)
		}
		var v [3]int
		for i := range f {
			n, err := strconv.ParseUint(f[i], 10, 32)
			if err != nil {
				return nil, fmt.Errorf("reading %s: bad line %q", path, line)
			}
			v[i] = int(n)
		}
		out = append(out, IDMap{ContainerID: v[0], HostID: v[1], Size: v[2]})
	}
	return out, nil
}
