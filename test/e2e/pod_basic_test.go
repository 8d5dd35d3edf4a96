package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// podEnv is ctrEnv whose pods are removed when the test ends, before its
// containers.
func podEnv(t *testing.T) *Env {
	t.Helper()
	env := ctrEnv(t)
	t.Cleanup(func() { _ = env.quietRun("pod", "rm", "-af", "-t", "0") })
	return env
}

// TestPodLocalhost: two containers of a pod reach each other on
// localhost; a port published by the pod reaches them from the host; the
// pod's state follows its members; rm of the pod removes them all.
func TestPodLocalhost(t *testing.T) {
	env := podEnv(t)
	hp := freeHostPort(t)
	podID := strings.TrimSpace(env.PMOK("pod", "create", "--name", "web", "-p", fmt.Sprintf("127.0.0.1:%d:8080", hp), "--label", "app=demo").Stdout)
	if len(podID) != 64 {
		t.Fatalf("pod create printed %q", podID)
	}
	if st := env.PMOK("pod", "ps", "--format", "{{.Name}} {{.Status}} {{.NumberOfContainers}}").Stdout; st != "web Created 1\n" {
		t.Errorf("pod ps after create = %q", st)
	}
	env.runID("--pod", "web", "--name", "srv", "busybox", "httpd", "-f", "-p", "8080", "-h", "/var/www")
	// Starting a member started the infra container.
	if st := env.PMOK("pod", "ps", "--format", "{{.Status}}").Stdout; st != "Running\n" {
		t.Errorf("pod status with a running member = %q", st)
	}
	env.waitListening("srv", 8080)
	if res := env.PM("run", "--rm", "--pod", "web", "busybox", "wget", "-q", "-O", "-", "http://localhost:8080/"); res.Code != 0 || res.Stdout != "hello from pm\n" {
		t.Fatalf("fetch over localhost in the pod: %s", res)
	}
	if body, err := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/", hp)); err != nil || body != "hello from pm\n" {
		t.Errorf("GET the pod's published port: %q, %v", body, err)
	}
	// ipc and uts are shared: the hostname is the pod's.
	if h := env.PMOK("run", "--rm", "--pod", "web", "busybox", "hostname").Stdout; h != "web\n" {
		t.Errorf("hostname in the pod = %q, want web", h)
	}
	ps := env.PMOK("ps", "--pod", "--format", "{{.Names}} {{.PodName}}").Lines()
	if len(ps) != 2 || !strings.Contains(strings.Join(ps, ";"), "srv web") {
		t.Errorf("ps --pod = %q", ps)
	}
	var data []struct {
		ID               string `json:"Id"`
		Name             string
		State            string
		InfraContainerID string
		SharedNamespaces []string
		Labels           map[string]string
		NumContainers    int
		InfraConfig      struct {
			PortBindings map[string][]struct{ HostIp, HostPort string }
		}
	}
	decodeJSON(t, env.PMOK("pod", "inspect", "web").Stdout, &data)
	if len(data) != 1 || data[0].ID != podID || data[0].State != "Running" || data[0].NumContainers != 2 ||
		data[0].Labels["app"] != "demo" || strings.Join(data[0].SharedNamespaces, ",") != "net,ipc,uts" {
		t.Errorf("pod inspect = %+v", data)
	}
	if pb := data[0].InfraConfig.PortBindings["8080/tcp"]; len(pb) != 1 || pb[0].HostPort != fmt.Sprint(hp) {
		t.Errorf("pod inspect PortBindings = %+v", data[0].InfraConfig.PortBindings)
	}
	infra := data[0].InfraContainerID
	env.PM("rm", "-f", infra).ExpectError(t, 125, "infra container")

	// Stop and start one member, then the pod.
	env.PMOK("stop", "-t", "0", "srv")
	if st := env.PMOK("pod", "ps", "--format", "{{.Status}}").Stdout; st != "Degraded\n" {
		t.Errorf("pod status with a stopped member = %q", st)
	}
	env.PMOK("pod", "stop", "-t", "0", "web")
	if st := env.PMOK("pod", "ps", "--format", "{{.Status}}").Stdout; st != "Exited\n" {
		t.Errorf("pod status after pod stop = %q", st)
	}
	env.PMOK("pod", "start", "web")
	if body, err := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/", hp)); err != nil || body != "hello from pm\n" {
		t.Errorf("GET after pod start: %q, %v", body, err)
	}
	env.PMOK("pod", "restart", "-t", "0", "web")
	if st := env.PMOK("pod", "ps", "--format", "{{.Status}}").Stdout; st != "Running\n" {
		t.Errorf("pod status after restart = %q", st)
	}
	// A running member keeps pod rm off; rm of a member leaves the pod;
	// with only the infra container running, pod rm removes the rest.
	env.PM("pod", "rm", "web").ExpectError(t, 2, "running")
	env.PMOK("rm", "-f", "-t", "0", "srv")
	if n := env.PMOK("pod", "ps", "--format", "{{.NumberOfContainers}}").Stdout; n != "1\n" {
		t.Errorf("pod containers after rm of a member = %q", n)
	}
	env.PMOK("pod", "rm", "-t", "0", "web")
	if ids := env.PMOK("pod", "ps", "-q").Stdout; ids != "" {
		t.Errorf("pod ps -q after pod rm = %q", ids)
	}
	if ids := env.PMOK("ps", "-aq").Stdout; ids != "" {
		t.Errorf("ps -aq after pod rm = %q", ids)
	}
	if res := env.PM("pod", "exists", "web"); res.Code != 1 {
		t.Errorf("pod exists after rm: %s", res)
	}
	env.expectNoConmon("after pod rm")
}

// TestPodMemberNames: the members of a pod share one /etc/hosts to which
// each adds its name, so they reach each other by name, also a member that
// was already running when the other joined; --hostname is refused for a
// pod that shares its UTS namespace and goes to the pod with --pod new:.
func TestPodMemberNames(t *testing.T) {
	env := podEnv(t)
	env.PMOK("pod", "create", "--name", "names")
	env.runID("--pod", "names", "--name", "srv", "busybox", "httpd", "-f", "-p", "8080", "-h", "/var/www")
	env.waitListening("srv", 8080)
	if res := env.PM("run", "--rm", "--pod", "names", "--name", "cli", "busybox", "wget", "-q", "-O", "-", "http://srv:8080/"); res.Code != 0 || res.Stdout != "hello from pm\n" {
		t.Fatalf("fetch of http://srv:8080/ from another member: %s", res)
	}
	env.runID("--pod", "names", "--name", "late", "busybox", "sleep", "1000")
	if hosts := env.PMOK("exec", "srv", "cat", "/etc/hosts").Stdout; !strings.Contains(hosts, "\tlate\n") || !strings.Contains(hosts, "\tsrv\n") {
		t.Errorf("/etc/hosts of a running member lacks a later member's name:\n%s", hosts)
	}
	env.PM("run", "--rm", "--pod", "names", "--hostname", "other", "busybox", "true").ExpectError(t, 125, "Error: invalid config provided: cannot set hostname when joining the pod UTS namespace: invalid configuration")
	if h := env.PMOK("run", "--rm", "--pod", "new:fresh", "--hostname", "freshhost", "busybox", "hostname").Stdout; h != "freshhost\n" {
		t.Errorf("hostname with --pod new: and --hostname = %q", h)
	}
}
