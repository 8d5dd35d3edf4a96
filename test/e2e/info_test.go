package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// podmanInfo is the part of Podman's `info --format json` the tests read.
type podmanInfo struct {
	Host struct {
		Security struct {
			Rootless bool
		}
		IDMappings struct {
			UIDMap []idMapping
			GIDMap []idMapping
		}
		OCIRuntime struct {
			Name, Path string
		}
		Conmon struct {
			Path string
		}
	}
	Store struct {
		GraphDriverName string
		GraphRoot       string
		RunRoot         string
	}
	Version struct {
		Version string
	}
}

type idMapping struct {
	ContainerID int `json:"container_id"`
	HostID      int `json:"host_id"`
	Size        int `json:"size"`
}

func mappingsFrom(file string, id int, u testUser) []idMapping {
	want := []idMapping{{0, id, 1}}
	if r := subIDLine(file, u); r != "" {
		s, c, _ := strings.Cut(r, ":")
		start, _ := strconv.Atoi(s)
		count, _ := strconv.Atoi(c)
		want = append(want, idMapping{1, start, count})
	}
	return want
}

func sameMappings(a, b []idMapping) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestInfoRootless(t *testing.T) {
	env := newEnv(t)
	res := env.PMOK("info", "--format", "json")
	var info podmanInfo
	decodeJSON(t, res.Stdout, &info)
	// An empty template prints nothing (Podman's 250-systemd runs
	// `info -f ''` to see that no warning comes out).
	if r := env.PMOK("--log-level", "warning", "info", "-f", ""); r.Stdout != "" || r.Stderr != "" {
		t.Errorf("info -f '': %s", r)
	}
	if !info.Host.Security.Rootless {
		t.Errorf("host.security.rootless = false")
	}
	if want := mappingsFrom("/etc/subuid", env.User.UID, env.User); !sameMappings(info.Host.IDMappings.UIDMap, want) {
		t.Errorf("host.idMappings.uidmap = %+v, want %+v", info.Host.IDMappings.UIDMap, want)
	}
	if want := mappingsFrom("/etc/subgid", env.User.GID, env.User); !sameMappings(info.Host.IDMappings.GIDMap, want) {
		t.Errorf("host.idMappings.gidmap = %+v, want %+v", info.Host.IDMappings.GIDMap, want)
	}
	if info.Store.GraphDriverName != "overlay" {
		t.Errorf("store.graphDriverName = %q, want overlay", info.Store.GraphDriverName)
	}
	// Under the user's data directory (podman: $XDG_DATA_HOME/containers/storage).
	if !strings.HasPrefix(info.Store.GraphRoot, env.DataHome+"/") {
		t.Errorf("store.graphRoot = %q, want it under $XDG_DATA_HOME %s", info.Store.GraphRoot, env.DataHome)
	}
	if info.Host.OCIRuntime.Name == "" || info.Host.OCIRuntime.Path == "" {
		t.Errorf("host.ociRuntime = %+v", info.Host.OCIRuntime)
	}
	if info.Host.Conmon.Path == "" {
		t.Errorf("host.conmon.path empty")
	}
	if info.Version.Version == "" {
		t.Errorf("version.Version empty")
	}

	res = env.PMOK("info", "--format", "{{.Host.Security.Rootless}}")
	if got := strings.TrimSpace(res.Stdout); got != "true" {
		t.Errorf("pm info --format {{.Host.Security.Rootless}} = %q, want true", got)
	}
	res = env.PMOK("info")
	if !strings.Contains(res.Stdout, "rootless: true") {
		t.Errorf("pm info: no \"rootless: true\":\n%s", res.Stdout)
	}
	env.PM("info", "--format", "{{.Nope}}").ExpectError(t, 125, "Nope")
	env.PM("info", "--format", "{{.Host").ExpectError(t, 125, "template")
}

func TestInfoRoot(t *testing.T) {
	root := newEnv(t).Root()
	res := root.PMOK("info", "--format", "json")
	var info podmanInfo
	decodeJSON(t, res.Stdout, &info)
	if info.Host.Security.Rootless {
		t.Errorf("as root: host.security.rootless = true")
	}
	if want := filepath.Join(root.Dir, "storage"); info.Store.GraphRoot != want {
		t.Errorf("as root with --root: store.graphRoot = %q, want %q", info.Store.GraphRoot, want)
	}
	if want := filepath.Join(root.Dir, "runroot"); info.Store.RunRoot != want {
		t.Errorf("as root with --runroot: store.runRoot = %q, want %q", info.Store.RunRoot, want)
	}
}

func TestVersion(t *testing.T) {
	env := newEnv(t)
	res := env.PMOK("version")
	found := false
	for _, l := range res.Lines() {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "Version:" {
			found = true
		}
	}
	if !found {
		t.Errorf("pm version: no \"Version:\" line:\n%s", res.Stdout)
	}
	res = env.PMOK("version", "--format", "{{.Client.Version}}")
	if strings.TrimSpace(res.Stdout) == "" {
		t.Errorf("pm version --format {{.Client.Version}}: empty")
	}
}

func TestSystemReset(t *testing.T) {
	env := newEnv(t)
	env.pull("busybox")
	pause := env.PausePID()
	if pause <= 0 || !alive(pause) {
		t.Fatalf("no live pause process after pm pull (pause.pid: %d)", pause)
	}
	// A network, and a container on it whose teardown cannot finish
	// (aardvark-dns's file of the network is gone): reset removes both,
	// with the rootless network namespace, its pasta and aardvark-dns.
	env.PMOK("network", "create", "resetnet")
	env.PMOK("run", "-d", "--name", "stuck", "--network", "resetnet", "busybox", "sleep", "300")
	if err := os.Remove(filepath.Join(env.RuntimeDir, "pm", "networks", "aardvark-dns", "resetnet")); err != nil {
		t.Fatalf("removing aardvark-dns's file of the network: %v", err)
	}
	env.PM("rm", "-f", "-t", "0", "stuck").ExpectError(t, 125, "tearing down the bridge networks of stuck")
	env.PMOK("system", "reset", "-f")
	if !waitGone(pause, 5*time.Second) {
		t.Errorf("pause process %d alive after pm system reset -f", pause)
	}
	if got := env.imageIDs(); len(got) != 0 {
		t.Errorf("images after pm system reset -f: %q", got)
	}
	if out := env.PMOK("network", "ls", "--format", "{{.Name}}").Stdout; strings.Contains(out, "resetnet") {
		t.Errorf("networks after pm system reset -f:\n%s", out)
	}
	env.expectNoHelpers("after pm system reset -f")
}
