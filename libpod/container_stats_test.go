package libpod

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestReadProcStatSelf(t *testing.T) {
	t.Parallel()
	p, err := readProcStat(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if p.pid != os.Getpid() || p.ppid != os.Getppid() || p.threads < 1 {
		t.Errorf("readProcStat(self) = %+v", p)
	}
}

func TestStatFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	r, w := blkioV1(write("blkio", "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 1\n8:16 Read 1\nTotal 12289\n"))
	if r != 4097 || w != 8192 {
		t.Errorf("blkioV1 = %d, %d", r, w)
	}
	r, w = ioStatV2(write("io.stat", "8:0 rbytes=100 wbytes=200 rios=1 wios=2\n8:16 rbytes=1 wbytes=2\n"))
	if r != 101 || w != 202 {
		t.Errorf("ioStatV2 = %d, %d", r, w)
	}
	if m := readKeyed(write("memory.stat", "cache 10\ntotal_inactive_file 7\nbad\n")); m["total_inactive_file"] != 7 || m["cache"] != 10 {
		t.Errorf("readKeyed = %v", m)
	}
	if got := subtractCache(100, 30); got != 70 {
		t.Errorf("subtractCache(100, 30) = %d", got)
	}
	if got := subtractCache(10, 30); got != 10 {
		t.Errorf("subtractCache(10, 30) = %d", got)
	}
	if got := parseKiB("  2048 kB"); got != 2048*1024 {
		t.Errorf("parseKiB = %d", got)
	}
}

func TestCgroupMountResolve(t *testing.T) {
	t.Parallel()
	tests := []struct {
		m    cgroupMount
		path string
		want string
	}{
		{cgroupMount{"/", "/sys/fs/cgroup/cpu"}, "/pm/abc", "/sys/fs/cgroup/cpu/pm/abc"},
		{cgroupMount{"/outer", "/sys/fs/cgroup/memory"}, "/outer/pm/abc", "/sys/fs/cgroup/memory/pm/abc"},
		{cgroupMount{"/", "/sys/fs/cgroup"}, "/user.slice/pm-abc.scope", "/sys/fs/cgroup/user.slice/pm-abc.scope"},
	}
	for _, tt := range tests {
		if got := tt.m.resolve(tt.path); got != tt.want {
			t.Errorf("%+v.resolve(%q) = %q, want %q", tt.m, tt.path, got, tt.want)
		}
	}
}

func TestPercent(t *testing.T) {
	t.Parallel()
	if got := percent(uint64(500*time.Millisecond), time.Second); got != 50 {
		t.Errorf("percent = %v, want 50", got)
	}
	if got := percent(1, 0); got != 0 {
		t.Errorf("percent over no time = %v", got)
	}
}

// TestProcUsageSelf sums this test process: it has used CPU, holds
// memory and runs threads.
func TestProcUsageSelf(t *testing.T) {
	t.Parallel()
	st, err := containerProcesses(os.Getpid())
	if err != nil || len(st) == 0 || st[0].pid != os.Getpid() {
		t.Fatalf("containerProcesses(self) = %v, %v", st, err)
	}
	if m := procMemory(os.Getpid()); m == 0 {
		t.Error("procMemory(self) = 0")
	}
	if h := hostCPUNano(); h == 0 {
		t.Error("hostCPUNano() = 0")
	}
}
