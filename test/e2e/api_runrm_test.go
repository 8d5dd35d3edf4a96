package e2e

import (
	"strings"
	"testing"
)

// TestAPIDockerRunRm: `docker run --rm` waits with condition=removed while
// the container is removed under it; the exit code still comes back.
func TestAPIDockerRunRm(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	if res := env.docker("pull", img); res.Code != 0 {
		t.Fatalf("docker pull: %s", res.Stderr)
	}
	for i := 0; i < 5; i++ {
		res := env.Exec("docker", "run", "--rm", "--network", "none", img, "sh", "-c", "echo hi; exit 3")
		if res.Code != 3 || strings.TrimSpace(res.Stdout) != "hi" {
			t.Fatalf("docker run --rm, try %d: exit %d, stdout %q, stderr %q", i, res.Code, res.Stdout, res.Stderr)
		}
	}
	if out := strings.TrimSpace(env.docker("ps", "-aq").Stdout); out != "" {
		t.Errorf("containers left after docker run --rm: %q", out)
	}
}
