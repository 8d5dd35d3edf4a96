package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAPISystemdUnits checks that the shipped units pass systemd-analyze
// verify (with ExecStart pointed at the pm under test, which verify wants
// to exist).
func TestAPISystemdUnits(t *testing.T) {
	needTool(t, "systemd-analyze")
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join("..", "..", "contrib", "systemd", "user")
	for _, u := range []string{"pm.socket", "pm.service"} {
		b, err := os.ReadFile(filepath.Join(src, u))
		if err != nil {
			t.Fatal(err)
		}
		s := strings.ReplaceAll(string(b), "/usr/bin/pm ", pmBinary+" ")
		if err := os.WriteFile(filepath.Join(dir, u), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := filepath.Join(dir, "run")
	os.Mkdir(run, 0o700)
	cmd := exec.Command("systemd-analyze", "verify", "--user", filepath.Join(dir, "pm.socket"), filepath.Join(dir, "pm.service"))
	cmd.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+run)
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// pythonDockerScript uses docker-py against the socket in DOCKER_HOST.
const pythonDockerScript = `
import os, sys, docker
c = docker.DockerClient(base_url=os.environ["DOCKER_HOST"])
img = sys.argv[1]
c.images.pull(img)
assert any(img + ":latest" in i.tags for i in c.images.list()), c.images.list()
ctr = c.containers.run(img, ["sh", "-c", "echo from-python; sleep 30"], detach=True, name="py")
try:
    import time
    for _ in range(50):
        if b"from-python" in ctr.logs():
            break
        time.sleep(0.1)
    assert ctr.logs() == b"from-python\n", ctr.logs()
    code, out = ctr.exec_run(["echo", "exec-ok"])
    assert code == 0 and out == b"exec-ok\n", (code, out)
    ctr.kill()
    res = ctr.wait()
    assert res["StatusCode"] != 0, res
finally:
    ctr.remove(force=True)

net = c.networks.create("pynet", driver="bridge", labels={"by": "py"})
try:
    assert net.name == "pynet" and net.attrs["Driver"] == "bridge", net.attrs
    assert "pynet" in [n.name for n in c.networks.list()]
    assert [n.name for n in c.networks.list(filters={"label": "by=py"})] == ["pynet"]
    vol = c.volumes.create("pyvol", labels={"by": "py"})
    assert vol.name == "pyvol" and vol.attrs["Labels"] == {"by": "py"}, vol.attrs
    assert "pyvol" in [v.name for v in c.volumes.list()]
    out = c.containers.run(img, ["sh", "-c", "echo v > /v/f; cat /v/f"], remove=True,
                                network="pynet", volumes={"pyvol": {"bind": "/v", "mode": "rw"}})
    assert out == b"v\n", out
    vol.remove()
    assert "pyvol" not in [v.name for v in c.volumes.list()]
finally:
    net.remove()
assert "pynet" not in [n.name for n in c.networks.list()]
print("python-docker-ok")
`

// TestAPIPythonDocker drives docker-py (python3-docker) against the
// service.
func TestAPIPythonDocker(t *testing.T) {
	needTool(t, "/usr/bin/python3")
	env := newEnv(t)
	if r := env.Exec("/usr/bin/python3", "-c", "import docker"); r.Code != 0 {
		t.Skipf("python3-docker is not installed for %s: skipping (hack/install-deps.sh installs it)", filepath.Join("/usr/bin", "python3"))
	}
	// At debug level conmon's own messages reach an exec's stderr: info.
	env.startService(nil, "--time", "0", "--log-level", "info")
	script := env.Path("client.py")
	if err := os.WriteFile(script, []byte(pythonDockerScript), 0o644); err != nil {
		t.Fatal(err)
	}
	r := env.Exec("/usr/bin/python3", script, env.Registry+"/busybox")
	if r.Code != 0 || !strings.Contains(r.Stdout, "python-docker-ok") {
		t.Errorf("docker-py script: exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}
	env.PM("rmi", "-f", env.Registry+"/busybox")
}
