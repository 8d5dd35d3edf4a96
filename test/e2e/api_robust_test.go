package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAPIPullManyLayers pulls an image of many layers through the API
// again and again: the image library reports the progress of each layer
// copy at once, and the service must stay up, every pull succeed and no
// panic be logged.
func TestAPIPullManyLayers(t *testing.T) {
	needTool(t, "docker")
	env := ctrEnv(t)
	dir := env.Path("ctx")
	os.Mkdir(dir, 0o755)
	df := "FROM busybox\n"
	for i := 0; i < 6; i++ {
		df += "RUN dd if=/dev/urandom of=/layer" + string(rune('a'+i)) + " bs=1024 count=300 2>/dev/null\n"
	}
	os.WriteFile(filepath.Join(dir, "Containerfile"), []byte(df), 0o644)
	chownTree(t, dir, env.User.UID, env.User.GID)
	name := strings.ToLower(registry + "/layers-" + filepath.Base(env.Dir) + ":v1")
	env.PMOK("build", "-q", "-t", name, dir)
	env.PMOK("push", "-q", name)
	env.PMOK("rmi", "-a", "-f")
	svc := env.startService(nil, "--time", "0")
	for i := 0; i < 8; i++ {
		r := env.Exec("docker", "pull", name)
		if r.Code != 0 || !strings.Contains(r.Stdout, "Downloaded newer image") {
			t.Fatalf("pull %d: exit %d\n%s\n%s", i+1, r.Code, r.Stdout, r.Stderr)
		}
		env.docker("rmi", name)
	}
	select {
	case err := <-svc.done:
		svc.done <- err // for the cleanup
		t.Fatalf("the service ended: %v", err)
	default:
	}
	env.docker("version")
}
