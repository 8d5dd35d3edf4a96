package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAPIBuildOptions: docker build through the API applies -q, --pull,
// --network none, --add-host, --shm-size and --ulimit to the RUN steps,
// records HEALTHCHECK, SHELL and ONBUILD (the API's builds are in
// Docker's format), and refuses what pm's builder does not have
// (--rm=false, another platform, --cache-from) without building.
func TestAPIBuildOptions(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	dir := env.Path("actx")
	os.Mkdir(dir, 0o755)
	df := "FROM " + img + "\nRUN grep -c . /proc/net/dev > /ifaces\nRUN grep myhost /etc/hosts > /hosts\n" +
		"RUN df -k /dev/shm | tail -1 > /shm\nRUN ulimit -n > /nofile\n" +
		"SHELL [\"/bin/sh\", \"-ec\"]\nHEALTHCHECK --interval=7s CMD true\nONBUILD RUN true\n"
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644)
	chownTree(t, dir, env.User.UID, env.User.GID)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", "opts", img) })

	res := env.docker("build", "-q", "--pull", "--network", "none", "--add-host", "myhost:10.1.2.3",
		"--shm-size", "2m", "--ulimit", "nofile=321:321", "-t", "opts", dir)
	if lines := res.Lines(); len(lines) != 1 || !strings.HasPrefix(lines[0], "sha256:") {
		t.Errorf("docker build -q printed %q, want the ID alone", res.Stdout)
	}
	out := env.docker("run", "--rm", "opts", "sh", "-c", "cat /ifaces /hosts /nofile; awk '{print $2}' /shm").Stdout
	// /proc/net/dev: two header lines and lo alone without a network.
	if out != "3\n10.1.2.3\tmyhost\n321\n2048\n" {
		t.Errorf("RUN steps under the build's options: %q", out)
	}
	cfg := env.docker("image", "inspect", "--format", "{{json .Config.Healthcheck}} {{json .Config.Shell}} {{json .Config.OnBuild}}", "opts").Stdout
	if cfg != `{"Test":["CMD-SHELL","true"],"Interval":7000000000} ["/bin/sh","-ec"] ["RUN true"]`+"\n" {
		t.Errorf("docker image inspect: %s", cfg)
	}

	images := env.docker("images", "-aq").Stdout
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--rm=false"}, "rm=0"},
		{[]string{"--platform", "linux/s390x"}, "this host's platform only"},
		{[]string{"--cache-from", "opts"}, "cachefrom"},
		{[]string{"--network", "bridge"}, "networkmode=bridge"},
	} {
		r := env.Exec("docker", append(append([]string{"build", "-q"}, c.args...), dir)...)
		if r.Code == 0 || !strings.Contains(r.Stderr, c.want) {
			t.Errorf("docker build %s: exit %d, stderr %q, want an error with %q", strings.Join(c.args, " "), r.Code, r.Stderr, c.want)
		}
	}
	if after := env.docker("images", "-aq").Stdout; after != images {
		t.Errorf("refused builds changed the images:\n%s\nthen:\n%s", images, after)
	}
	if out := env.docker("ps", "-aq").Stdout; out != "" {
		t.Errorf("containers left: %q", out)
	}
}
