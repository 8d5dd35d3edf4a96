package e2e

import (
	"strings"
	"testing"
)

// TestVolumePodmanDetails: prune lists what it will remove before asking;
// rm --force of a missing volume is no error; the same -v twice is one
// mount.
func TestVolumePodmanDetails(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("volume", "create", "keep")
	env.PMOK("volume", "create", "gone1")
	env.PMOK("volume", "create", "gone2")
	env.PMOK("create", "--name", "user", "-v", "keep:/data", "busybox", "true")
	res := env.PMStdin(strings.NewReader("n\n"), "volume", "prune")
	if !strings.Contains(res.Stdout, "gone1\ngone2\n") || strings.Contains(res.Stdout, "keep") || !strings.Contains(res.Stdout, "[y/N]") {
		t.Errorf("volume prune prompt:\n%s", res.Stdout)
	}
	if out := env.PMOK("volume", "ls", "-q").Lines(); len(out) != 3 {
		t.Errorf("volumes after answering no: %q", out)
	}
	env.PM("volume", "rm", "bogus").ExpectError(t, 1, `no volume with name "bogus" found: no such volume`)
	if res := env.PMOK("volume", "rm", "--force", "bogus"); res.Stdout != "" || res.Stderr != "" {
		t.Errorf("volume rm --force bogus: %s", res)
	}
	if out := env.PMOK("run", "--rm", "-v", "keep:/data", "-v", "keep:/data", "busybox", "sh", "-c", "grep -c ' /data ' /proc/mounts").Stdout; out != "1\n" {
		t.Errorf("the same -v twice: %q mounts, want 1", out)
	}
	env.PM("run", "--rm", "-v", "keep:/data", "-v", "gone1:/data", "busybox", "true").ExpectError(t, 125, "duplicate mount destination")
}
