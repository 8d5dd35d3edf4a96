package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAPISystemDf: docker system df and df -v read Docker's shape, with
// volumes present: their sizes and links, containers with their local
// volumes, images and the build cache.
func TestAPISystemDf(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })
	env.docker("volume", "create", "dfdata")
	env.docker("volume", "create", "dfidle")
	defer env.Exec("docker", "volume", "rm", "-f", "dfdata", "dfidle")
	env.docker("run", "--name", "dfuser", "-v", "dfdata:/d", img, "dd", "if=/dev/zero", "of=/d/f", "bs=1024", "count=100")
	defer env.Exec("docker", "rm", "-f", "dfuser")
	dir := env.Path("ctx")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM "+img+"\nRUN echo a > /a\nRUN echo b > /b\n"), 0o644)
	chownTree(t, dir, env.User.UID, env.User.GID)
	env.docker("build", "-q", "-t", "dfbuilt:1", dir)
	defer env.Exec("docker", "rmi", "-f", "dfbuilt:1")

	r := env.docker("system", "df")
	rows := map[string][]string{}
	for _, l := range strings.Split(strings.TrimSpace(r.Stdout), "\n")[1:] {
		f := strings.Fields(l)
		switch {
		case strings.HasPrefix(l, "Local Volumes"):
			rows["volumes"] = f[2:]
		case strings.HasPrefix(l, "Build Cache"):
			rows["cache"] = f[2:]
		case strings.HasPrefix(l, "Images"):
			rows["images"] = f[1:]
		case strings.HasPrefix(l, "Containers"):
			rows["containers"] = f[1:]
		}
	}
	// TYPE TOTAL ACTIVE SIZE RECLAIMABLE
	if v := rows["volumes"]; len(v) < 3 || v[0] != "2" || v[1] != "1" || v[2] != "102.4kB" {
		t.Errorf("docker system df volumes row %q (output:\n%s)", v, r.Stdout)
	}
	if c := rows["containers"]; len(c) < 2 || c[0] != "1" || c[1] != "0" {
		t.Errorf("docker system df containers row %q", c)
	}
	if i := rows["images"]; len(i) < 2 || i[0] != "2" || i[1] != "1" {
		t.Errorf("docker system df images row %q, want busybox and dfbuilt:1, one used", i)
	}
	if c := rows["cache"]; len(c) < 1 || c[0] == "0" {
		t.Errorf("docker system df build cache row %q, want the build's step", c)
	}
	v := env.docker("system", "df", "-v").Stdout
	for _, want := range []string{"Local Volumes space usage:", "dfdata", "dfidle", "Build cache usage:"} {
		if !strings.Contains(v, want) {
			t.Errorf("docker system df -v lacks %q:\n%s", want, v)
		}
	}
	for _, l := range strings.Split(v, "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "dfdata" && (f[1] != "1" || f[2] != "102.4kB") {
			t.Errorf("df -v volume row: %q, want 1 link and 102.4kB", l)
		}
	}
	var df struct {
		Containers []struct {
			Names  []string
			Mounts []struct{ Type, Name, Driver string }
		}
	}
	_, body := env.curl(svc.Sock, "GET", "/v1.44/system/df", "")
	decodeJSON(t, body, &df)
	if len(df.Containers) != 1 || len(df.Containers[0].Mounts) != 1 || df.Containers[0].Mounts[0].Name != "dfdata" || df.Containers[0].Mounts[0].Driver != "local" {
		t.Errorf("df containers: %+v, want dfuser with its local volume dfdata", df.Containers)
	}
	// type limits the answer (API 1.42).
	code, body := env.curl(svc.Sock, "GET", "/v1.44/system/df?type=volume", "")
	if code != "200" || !strings.Contains(body, `"Volumes"`) || strings.Contains(body, `"Images"`) {
		t.Errorf("df?type=volume: %s %s", code, body)
	}
	if code, _ := env.curl(svc.Sock, "GET", "/v1.44/system/df?type=bogus", ""); code != "400" {
		t.Errorf("df?type=bogus: %s, want 400", code)
	}
}
