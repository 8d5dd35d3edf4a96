package e2e

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// dockerInfo is the part of /info the test checks.
type dockerInfo struct {
	LoggingDriver   string
	IPv4Forwarding  bool
	InitBinary      string
	InitCommit      struct{ ID string }
	RuncCommit      struct{ ID string }
	CgroupDriver    string
	CgroupVersion   string
	MemoryLimit     bool
	CpuCfsQuota     bool
	Runtimes        map[string]struct{ Path string }
	DefaultRuntime  string
	SecurityOptions []string
	NEventsListener int
	NFd             int
	Warnings        []string
}

// TestAPIInfo: /info reports what pm uses: containers.conf's log driver
// and init_path, the host's IPv4 forwarding, the cgroup driver and
// version, the runtimes, the seccomp profile and the event listeners.
func TestAPIInfo(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	initPath := "/usr/bin/catatonit"
	if _, err := os.Stat(initPath); err != nil {
		t.Skipf("no %s: hack/install-deps.sh installs catatonit", initPath)
	}
	conf := filepath.Join(env.ConfigHome, "containers", "containers.conf")
	if err := os.WriteFile(conf, []byte("[containers]\nlog_driver = \"journald\"\ninit_path = \""+initPath+"\"\nseccomp_profile = \"/etc/pm-test-seccomp.json\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	svc := env.startService(nil, "--time", "0")
	info := func() dockerInfo {
		code, body := env.curl(svc.Sock, "GET", "/v1.44/info", "")
		if code != "200" {
			t.Fatalf("GET /info: %s %s", code, body)
		}
		var in dockerInfo
		decodeJSON(t, body, &in)
		return in
	}
	in := info()
	if in.LoggingDriver != "journald" {
		t.Errorf("LoggingDriver %q, want containers.conf's journald", in.LoggingDriver)
	}
	fwd, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSpace(string(fwd)) == "1"; in.IPv4Forwarding != want {
		t.Errorf("IPv4Forwarding %v, /proc/sys/net/ipv4/ip_forward says %s", in.IPv4Forwarding, fwd)
	}
	if in.InitBinary != initPath || !strings.Contains(in.InitCommit.ID, "catatonit") {
		t.Errorf("InitBinary %q (%q), want %s", in.InitBinary, in.InitCommit.ID, initPath)
	}
	pmInfo := env.PMOK("info", "--format", "{{.Host.OCIRuntime.Name}} {{.Host.CgroupsVersion}} {{.Host.OCIRuntime.Version}}").Stdout
	f := strings.SplitN(strings.TrimSpace(pmInfo), " ", 3)
	if in.DefaultRuntime != f[0] || in.Runtimes[f[0]].Path == "" || in.RuncCommit.ID != f[2] {
		t.Errorf("DefaultRuntime %q, Runtimes %v, RuncCommit %q; pm info says %q", in.DefaultRuntime, in.Runtimes, in.RuncCommit.ID, pmInfo)
	}
	if in.CgroupVersion != strings.TrimPrefix(f[1], "v") {
		t.Errorf("CgroupVersion %q, pm info says %s", in.CgroupVersion, f[1])
	}
	if cgroupV1() && (in.CgroupDriver != "none" || in.MemoryLimit || in.CpuCfsQuota || len(in.Warnings) == 0) {
		t.Errorf("rootless on cgroup v1: CgroupDriver %q MemoryLimit %v CpuCfsQuota %v Warnings %q, want none, no limits and a warning",
			in.CgroupDriver, in.MemoryLimit, in.CpuCfsQuota, in.Warnings)
	}
	if !slices.Contains(in.SecurityOptions, "name=seccomp,profile=/etc/pm-test-seccomp.json") || !slices.Contains(in.SecurityOptions, "name=rootless") {
		t.Errorf("SecurityOptions %q", in.SecurityOptions)
	}
	if in.NEventsListener != 0 || in.NFd == 0 {
		t.Errorf("NEventsListener %d, NFd %d", in.NEventsListener, in.NFd)
	}
	// An /events stream open counts as a listener.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", svc.Sock)
	}}}
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://pm/v1.44/events", nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if n := info().NEventsListener; n != 1 {
		t.Errorf("NEventsListener with a stream open: %d", n)
	}
	if out := env.docker("info", "--format", "{{.LoggingDriver}} {{.CgroupDriver}} {{.InitBinary}}").Stdout; !strings.HasPrefix(out, "journald ") || !strings.HasSuffix(out, " "+initPath+"\n") {
		t.Errorf("docker info: %q", out)
	}
	cancel()
	deadline := time.Now().Add(10 * time.Second)
	for info().NEventsListener != 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := info().NEventsListener; n != 0 {
		t.Errorf("NEventsListener after the stream closed: %d", n)
	}
}
