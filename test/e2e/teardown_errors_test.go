package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// failingNetavark installs, through containers.conf's helper_binaries_dir,
// a netavark that runs the real one but fails its teardown while the
// returned file exists.
func (e *Env) failingNetavark() string {
	e.t.Helper()
	dir := e.Path("helpers")
	marker := e.Path("fail-teardown")
	script := "#!/bin/sh\n" +
		"for a in \"$@\"; do\n" +
		"  if [ \"$a\" = teardown ] && [ -e " + marker + " ]; then echo 'injected teardown failure' >&2; exit 1; fi\n" +
		"done\n" +
		"exec /usr/lib/podman/netavark \"$@\"\n"
	e.Exec("mkdir", "-p", dir)
	if err := os.WriteFile(filepath.Join(dir, "netavark"), []byte(script), 0o755); err != nil {
		e.t.Fatal(err)
	}
	conf := "[engine]\nhelper_binaries_dir = [" + `"` + dir + `", "/usr/lib/podman"]` + "\n"
	if err := os.WriteFile(filepath.Join(e.ConfigHome, "containers", "containers.conf"), []byte(conf), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return marker
}

// netnsFiles lists the environment's network namespace files and records
// (netns/ under pm's runtime directory), without the rootless namespace.
func (e *Env) netnsFiles() []string {
	e.t.Helper()
	var out []string
	root := filepath.Join(e.RuntimeDir, "pm", "netns")
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		// The rootless namespace and each network's last given address
		// (ipam/NETWORK) belong to the user and the network, not to a
		// container.
		if !strings.HasPrefix(rel, "rootless-netns") && !strings.HasPrefix(rel, "ipam/") {
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// TestTeardownNetworkFailureRetried: when netavark's teardown fails, stop,
// the exit command and rm say so (exit 125) and keep what they could not
// undo; a later cleanup or rm -f does it once netavark works again, and
// nothing is left.
func TestTeardownNetworkFailureRetried(t *testing.T) {
	env := ctrEnv(t)
	marker := env.failingNetavark()
	env.PMOK("network", "create", "tdnet")
	t.Cleanup(func() { _ = env.quietRun("network", "rm", "-f", "tdnet") })
	env.PMOK("run", "-d", "--name", "web", "--network", "tdnet", "busybox", "sleep", "300")
	if files := env.netnsFiles(); len(files) == 0 {
		t.Fatalf("no network files for a running bridged container")
	}
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	env.PM("stop", "-t", "0", "web").ExpectError(t, 125, "injected teardown failure")
	if st := env.ctrField("web", ".State"); st != "exited" {
		t.Errorf("state after a stop whose teardown failed: %q", st)
	}
	if files := env.netnsFiles(); len(files) == 0 {
		t.Errorf("the network's records are gone though its teardown failed")
	}
	env.PM("container", "cleanup", "web").ExpectError(t, 125, "injected teardown failure")
	os.Remove(marker)
	env.PMOK("container", "cleanup", "web")
	if files := env.netnsFiles(); len(files) != 0 {
		t.Errorf("network files left after a cleanup that worked: %q", files)
	}
	// The container starts again on the same network.
	env.PMOK("start", "web")
	if ip := env.PMOK("inspect", "--format", "{{.NetworkSettings.Networks.tdnet.IPAddress}}", "web").Stdout; strings.TrimSpace(ip) == "" {
		t.Errorf("no address after the restart")
	}
	// rm -f whose teardown fails keeps the container for another try.
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	env.PM("rm", "-f", "-t", "0", "web").ExpectError(t, 125, "injected teardown failure")
	if ids := env.psIDs(); len(ids) != 1 {
		t.Errorf("containers after an rm -f whose teardown failed: %q", ids)
	}
	os.Remove(marker)
	// What a pm killed while it wrote the network's record of its last
	// address left goes with the next teardown, the network staying.
	ipam := filepath.Join(env.RuntimeDir, "pm", "netns", "ipam", "tdnet")
	env.oldFile(ipam+".tmp", false)
	env.PMOK("rm", "-f", "-t", "0", "web")
	if _, err := os.Stat(ipam + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("%s.tmp outlived the teardown: %v", ipam, err)
	}
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("containers after rm -f: %q", ids)
	}
	if files := env.netnsFiles(); len(files) != 0 {
		t.Errorf("network files left after rm -f: %q", files)
	}
	env.expectNoConmon("after rm -f")
	env.expectNoStorageContainers("after rm -f")
	// The network's own record goes with it.
	if _, err := os.Stat(ipam); err != nil {
		t.Errorf("no record of the network's last address: %v", err)
	}
	// And what a pm killed while it wrote the record left.
	env.oldFile(ipam+".tmp", false)
	env.PMOK("network", "rm", "tdnet")
	for _, p := range []string{ipam, ipam + ".tmp"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s outlived the network: %v", p, err)
		}
	}
}
