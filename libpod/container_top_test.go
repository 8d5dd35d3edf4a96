package libpod

import (
	"reflect"
	"testing"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

func TestTopRows(t *testing.T) {
	procs := []ProcInfo{
		{HostPID: 4242, PID: 1, PPID: 0, UID: 0, GID: 0, TTY: "?", Args: []string{"sleep", "100"}, Comm: "sleep",
			Elapsed: 10 * time.Second, CPUTime: time.Second},
		{HostPID: 4250, PID: 7, PPID: 1, UID: 65534, GID: 65534, TTY: "pts/0", Comm: "kworker", Elapsed: time.Second},
	}
	users := map[int]string{0: "root"}
	rows := TopRows(procs, TopDefault, users, map[int]string{})
	want := [][]string{
		{"USER", "PID", "PPID", "%CPU", "ELAPSED", "TTY", "TIME", "COMMAND"},
		{"root", "1", "0", "10.000", "10s", "?", "1s", "sleep 100"},
		{"65534", "7", "1", "0.000", "1s", "pts/0", "0s", "[kworker]"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got %q\nwant %q", rows, want)
	}
	rows = TopRows(procs[:1], []string{"hpid", "comm", "group"}, users, map[int]string{0: "root"})
	if !reflect.DeepEqual(rows[1], []string{"4242", "sleep", "root"}) || rows[0][0] != "HPID" {
		t.Errorf("got %q", rows)
	}
	if TopDescriptorsKnown([]string{"pid", "-ef"}) || !TopDescriptorsKnown([]string{"pid", "args"}) {
		t.Error("TopDescriptorsKnown")
	}
}

func TestTTYName(t *testing.T) {
	for nr, want := range map[int64]string{0: "?", 136<<8 | 3: "pts/3", 4<<8 | 1: "tty1", 137<<8 | 2: "pts/258"} {
		if got := ttyName(nr); got != want {
			t.Errorf("ttyName(%d) = %q, want %q", nr, got, want)
		}
	}
}

func TestTopIDMaps(t *testing.T) {
	t.Parallel()
	// pm's namespace: its 0 is the host's 1005, 1..65536 are 365536....
	self := []define.IDMap{{ContainerID: 0, HostID: 1005, Size: 1}, {ContainerID: 1, HostID: 365536, Size: 65536}}
	// a container of its own namespace: its 0..1023 are pm's 2048....
	ctr := []define.IDMap{{ContainerID: 0, HostID: 2048, Size: 1024}}
	for _, tc := range []struct {
		m           []define.IDMap
		id, out, in int
	}{
		{self, 0, 1005, overflowID},
		{self, 100, 365635, overflowID},
		{self, 1005, 366540, 0},
		{self, 365636, 365636, 101},
		{nil, 7, 7, overflowID},
		{ctr, 2048, 2048, 0},
		{ctr, 2050, 2050, 2},
		{ctr, 5, 2053, overflowID},
	} {
		if got := toOuterID(tc.m, tc.id); got != tc.out {
			t.Errorf("toOuterID(%v, %d) = %d, want %d", tc.m, tc.id, got, tc.out)
		}
		if got := toInnerID(tc.m, tc.id); got != tc.in {
			t.Errorf("toInnerID(%v, %d) = %d, want %d", tc.m, tc.id, got, tc.in)
		}
	}
}
