package e2e

import (
	"strings"
	"testing"
)

// TestPsNamespaces: ps --ns shows namespace inodes; the containers of a
// pod share the network namespace and not the mount namespace.
func TestPsNamespaces(t *testing.T) {
	env := podEnv(t)
	env.PMOK("pod", "create", "--name", "nsp")
	env.runID("--pod", "nsp", "--name", "a", "busybox", "sleep", "100")
	env.runID("--pod", "nsp", "--name", "b", "busybox", "sleep", "100")
	ns := map[string][]string{}
	for _, l := range env.PMOK("ps", "--ns", "--format", "{{.Names}} {{.Namespaces.NET}} {{.MNT}} {{.PIDNS}}").Lines() {
		f := strings.Fields(l)
		if len(f) != 4 {
			t.Fatalf("ps --ns line %q", l)
		}
		ns[f[0]] = f[1:]
	}
	a, b := ns["a"], ns["b"]
	if a == nil || b == nil {
		t.Fatalf("ps --ns = %v", ns)
	}
	if a[0] != b[0] || a[1] == b[1] {
		t.Errorf("a %v, b %v: want one network namespace and two mount namespaces", a, b)
	}
	if hdr := env.PMOK("ps", "--ns").Lines()[0]; !strings.Contains(hdr, "CGROUPNS") || !strings.Contains(hdr, "USERNS") {
		t.Errorf("ps --ns header = %q", hdr)
	}
	env.PM("ps", "--ns", "--size").ExpectError(t, 125, "size and namespace")
	env.PM("ps", "--ns", "-q").ExpectError(t, 125, "quiet conflicts")
}
