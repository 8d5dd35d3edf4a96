package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPodGeneratedNames: pods without a name get distinct
// adjective_surname names; a name given that is taken is refused, not
// drawn again.
func TestPodGeneratedNames(t *testing.T) {
	env := podEnv(t)
	nameRE := regexp.MustCompile(`^[a-z]+_[a-z]+$`)
	seen := map[string]bool{}
	for i := 0; i < 25; i++ {
		id := strings.TrimSpace(env.PMOK("pod", "create", "--infra=false").Stdout)
		name := strings.TrimSpace(env.PMOK("pod", "inspect", "--format", "{{.Name}}", id).Stdout)
		if !nameRE.MatchString(name) || seen[name] {
			t.Errorf("generated pod name %q (seen before: %v)", name, seen[name])
		}
		seen[name] = true
	}
	var taken string
	for n := range seen {
		taken = n
		break
	}
	env.PM("pod", "create", "--infra=false", "--name", taken).ExpectError(t, 125, "in use")
	env.PM("create", "--name", taken, "busybox", "true").ExpectError(t, 125, "in use")
	if n := len(env.PMOK("pod", "ps", "-q").Lines()); n != 25 {
		t.Errorf("%d pods, want 25", n)
	}
}

// TestPodIDFile: pod create --pod-id-file writes the ID and refuses a file
// that exists, creating nothing; pod stop, start, restart and rm read it,
// and pod rm removes it with the pod.
func TestPodIDFile(t *testing.T) {
	env := podEnv(t)
	f := filepath.Join(env.Dir, "pod.id")
	id := strings.TrimSpace(env.PMOK("pod", "create", "--pod-id-file", f, "--name", "pidf").Stdout)
	b, err := os.ReadFile(f)
	if err != nil || string(b) != id {
		t.Fatalf("pod id file: %q, %v; want %q", b, err, id)
	}
	env.PM("pod", "create", "--pod-id-file", f, "--name", "pidf2").ExpectError(t, 125, "pod id file exists. Ensure another pod is not using it or delete "+f)
	env.PMOK("pod", "exists", "pidf")
	if r := env.PM("pod", "exists", "pidf2"); r.Code != 1 {
		t.Errorf("a pod was created with a taken --pod-id-file: %s", r)
	}
	env.PMOK("run", "-d", "--pod", "pidf", "--name", "pidf-sleep", "busybox", "sleep", "1000")
	if out := env.PMOK("pod", "stop", "-t", "0", "--pod-id-file", f).Stdout; out != id+"\n" {
		t.Errorf("pod stop --pod-id-file printed %q", out)
	}
	if st := env.PMOK("pod", "inspect", "--format", "{{.State}}", "pidf").Stdout; st != "Exited\n" {
		t.Errorf("pod state after stop: %q", st)
	}
	env.PMOK("pod", "start", "--pod-id-file", f)
	if st := env.PMOK("pod", "inspect", "--format", "{{.State}}", "pidf").Stdout; st != "Running\n" {
		t.Errorf("pod state after start: %q", st)
	}
	env.PMOK("pod", "restart", "-t", "0", "--pod-id-file", f)

	// Bad input: a missing or empty file; nothing removed.
	missing := filepath.Join(env.Dir, "nosuch.id")
	env.PM("pod", "rm", "-f", "--pod-id-file", missing).ExpectError(t, 125, "pod ID file")
	env.PM("pod", "stop", "--pod-id-file", missing).ExpectError(t, 125, "pod ID file")
	empty := filepath.Join(env.Dir, "empty.id")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	env.PM("pod", "start", "--pod-id-file", empty).ExpectError(t, 125, "is empty")
	env.PMOK("pod", "exists", "pidf")
	env.PMOK("pod", "rm", "-f", "-i", "--pod-id-file", missing)

	if out := env.PMOK("pod", "rm", "-f", "-t", "0", "--pod-id-file", f).Stdout; out != id+"\n" {
		t.Errorf("pod rm --pod-id-file printed %q", out)
	}
	if _, err := os.Stat(f); !os.IsNotExist(err) {
		t.Errorf("pod rm left the pod id file: %v", err)
	}
	if r := env.PM("pod", "exists", "pidf"); r.Code != 1 {
		t.Errorf("pod still exists after rm --pod-id-file: %s", r)
	}
	// The file can be written again.
	env.PMOK("pod", "create", "--infra=false", "--pod-id-file", f)
}

// TestPodDNSOptions: --dns, --dns-search and --dns-option (alias
// --dns-opt) of pod create shape the resolv.conf of the pod; a bad
// server, an alias or MAC address without a bridge network are refused.
func TestPodDNSOptions(t *testing.T) {
	env := podEnv(t)
	env.PMOK("pod", "create", "--name", "dnsp", "--dns", "10.1.2.3", "--dns-search", "example.com", "--dns-search", "corp.example",
		"--dns-option", "ndots:3", "--dns-opt", "timeout:2")
	want := []string{"nameserver 10.1.2.3", "search example.com corp.example", "options ndots:3 timeout:2"}
	var pod []struct {
		InfraConfig struct{ DNSServer, DNSSearch, DNSOption []string }
	}
	decodeJSON(t, env.PMOK("pod", "inspect", "dnsp").Stdout, &pod)
	if len(pod) != 1 || strings.Join(pod[0].InfraConfig.DNSServer, ",") != "10.1.2.3" ||
		strings.Join(pod[0].InfraConfig.DNSSearch, ",") != "example.com,corp.example" ||
		strings.Join(pod[0].InfraConfig.DNSOption, ",") != "ndots:3,timeout:2" {
		t.Errorf("pod inspect InfraConfig: %+v", pod)
	}
	resolv := env.PMOK("run", "--rm", "--pod", "dnsp", "busybox", "cat", "/etc/resolv.conf").Stdout
	for _, w := range want {
		if !strings.Contains(resolv, w+"\n") {
			t.Errorf("resolv.conf of a member lacks %q:\n%s", w, resolv)
		}
	}

	env.PM("pod", "create", "--name", "baddns", "--dns", "not-an-ip").ExpectError(t, 125, "--dns")
	env.PM("pod", "create", "--name", "badalias", "--network-alias", "web").ExpectError(t, 125, "bridge network")
	env.PM("pod", "create", "--name", "badmac", "--network", "bridge", "--mac-address", "zz:zz").ExpectError(t, 125, "--mac-address")
	for _, n := range []string{"baddns", "badalias", "badmac"} {
		if r := env.PM("pod", "exists", n); r.Code != 1 {
			t.Errorf("pod %s created from bad input", n)
		}
	}
}

// TestPodInfraCommand: --infra-command is the infra container's
// entrypoint (its image's CMD dropped), and the pod runs with it; with no
// infra container it is refused.
func TestPodInfraCommand(t *testing.T) {
	env := podEnv(t)
	env.PMOK("pod", "create", "--name", "icmd", "--infra-image", "busybox", "--infra-command", "sleep 1234")
	infra := strings.TrimSpace(env.PMOK("pod", "inspect", "--format", "{{.InfraContainerID}}", "icmd").Stdout)
	var cfg []struct {
		Config struct {
			Entrypoint []string
			Cmd        []string
		}
	}
	decodeJSON(t, env.PMOK("inspect", infra).Stdout, &cfg)
	if len(cfg) != 1 || strings.Join(cfg[0].Config.Entrypoint, " ") != "sleep 1234" || len(cfg[0].Config.Cmd) != 0 {
		t.Errorf("infra container's Config: %+v", cfg)
	}
	env.PMOK("pod", "start", "icmd")
	if st := env.PMOK("inspect", "--format", "{{.State.Status}}", infra).Stdout; st != "running\n" {
		t.Errorf("infra container with --infra-command: %q", st)
	}
	// The default infra container's entrypoint is catatonit.
	env.PMOK("pod", "create", "--name", "idef")
	infra = strings.TrimSpace(env.PMOK("pod", "inspect", "--format", "{{.InfraContainerID}}", "idef").Stdout)
	decodeJSON(t, env.PMOK("inspect", infra).Stdout, &cfg)
	if len(cfg) != 1 || strings.Join(cfg[0].Config.Entrypoint, " ") != "/catatonit -P" {
		t.Errorf("default infra container's Config: %+v", cfg)
	}
	env.PM("pod", "create", "--name", "noinfra", "--infra=false", "--infra-command", "sleep 1").ExpectError(t, 125, "infra container")
	if r := env.PM("pod", "exists", "noinfra"); r.Code != 1 {
		t.Errorf("pod created from bad input")
	}
}

// TestContainerRmDependInfra: rm of a pod's infra container is refused;
// rm --depend removes the members, the infra container and the pod.
func TestContainerRmDependInfra(t *testing.T) {
	env := podEnv(t)
	env.PMOK("pod", "create", "--name", "dep")
	member := strings.TrimSpace(env.PMOK("create", "--pod", "dep", "busybox", "true").Stdout)
	infra := strings.TrimSpace(env.PMOK("pod", "inspect", "--format", "{{.InfraContainerID}}", "dep").Stdout)
	env.PM("rm", infra).ExpectError(t, 125, "is the infra container of pod dep and cannot be removed without removing the pod")
	env.PMOK("pod", "exists", "dep")

	out := env.PMOK("rm", "--depend", infra).Lines()
	if len(out) != 2 || out[0] != member || out[1] != infra {
		t.Errorf("rm --depend of the infra container printed %q, want the member then the infra container", out)
	}
	if r := env.PM("pod", "exists", "dep"); r.Code != 1 {
		t.Errorf("pod still exists after rm --depend of its infra container")
	}
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("containers left: %q", ids)
	}

	// A running member needs --force, and nothing is removed without it.
	env.PMOK("pod", "create", "--name", "dep2")
	env.PMOK("run", "-d", "--pod", "dep2", "busybox", "sleep", "1000")
	infra = strings.TrimSpace(env.PMOK("pod", "inspect", "--format", "{{.InfraContainerID}}", "dep2").Stdout)
	if r := env.PM("rm", "--depend", infra); r.Code == 0 {
		t.Errorf("rm --depend of a running pod's infra container: %s", r)
	}
	if n := len(env.psIDs()); n != 2 {
		t.Errorf("%d containers after a refused rm --depend, want 2", n)
	}
	if out := env.PMOK("rm", "-f", "-t", "0", "--depend", infra).Lines(); len(out) != 2 {
		t.Errorf("rm -f --depend printed %q", out)
	}
	if r := env.PM("pod", "exists", "dep2"); r.Code != 1 {
		t.Errorf("pod dep2 still exists")
	}
}

// TestKillSignalDash: kill -s takes a signal with a leading dash, as
// kill(1) writes it; an unknown signal is refused in Podman's words.
func TestKillSignalDash(t *testing.T) {
	env := ctrEnv(t)
	env.runID("-d", "--name", "trapper", "busybox", "sh", "-c", `trap "exit 7" INT; echo ready; while :; do sleep 0.1; done`)
	env.waitFor(cmdTimeout, "the container to be ready", func() bool {
		return strings.Contains(env.PMOK("logs", "trapper").Stdout, "ready")
	})
	env.PM("kill", "-s", "SIGBADSIG", "trapper").ExpectError(t, 125, "Error: invalid signal: SIGBADSIG")
	env.PM("kill", "-s", "-BAD", "trapper").ExpectError(t, 125, "invalid signal: BAD")
	env.PM("kill", "-s", "-0", "trapper").ExpectError(t, 125, "invalid signal")
	if st := env.PMOK("inspect", "--format", "{{.State.Status}}", "trapper").Stdout; st != "running\n" {
		t.Fatalf("a refused kill changed the container: %q", st)
	}
	env.PMOK("kill", "-s", "-INT", "trapper")
	if code := strings.TrimSpace(env.PMOK("wait", "trapper").Stdout); code != "7" {
		t.Errorf("exit code after kill -s -INT = %q, want 7", code)
	}
}
