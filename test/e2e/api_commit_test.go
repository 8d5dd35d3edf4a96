package e2e

import (
	"os"
	"strings"
	"testing"
)

const pythonCommitScript = `
import os, sys, docker
c = docker.DockerClient(base_url=os.environ["DOCKER_HOST"])
ctr = c.containers.get("src")
img = ctr.commit(repository="pycommit", tag="v1", conf={"Labels": {"by": "py"}, "Cmd": ["cat", "/made"]})
assert img.labels.get("by") == "py", img.labels
assert c.containers.run("pycommit:v1", remove=True) == b"in container\n"
c.images.remove("pycommit:v1")
print("py-commit-ok")
`

// TestAPICommit: POST /commit makes an image of a container's changes
// with the docker CLI's --change, message and author, and docker-py's
// config; unknown containers and tags without a repository are refused.
func TestAPICommit(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0", "--log-level", "info")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })
	env.docker("run", "--name", "src", img, "sh", "-c", "echo in container > /made")
	defer env.Exec("docker", "rm", "-f", "src")

	out := env.docker("commit", "-c", "ENV FROM_COMMIT=1", "-c", `CMD ["cat", "/made"]`, "-m", "a message", "-a", "someone", "src", "committed:1").Stdout
	defer env.Exec("docker", "rmi", "-f", "committed:1")
	if !strings.HasPrefix(out, "sha256:") {
		t.Errorf("docker commit printed %q, want the image ID", out)
	}
	if out := env.docker("run", "--rm", "committed:1").Stdout; out != "in container\n" {
		t.Errorf("run of the committed image: %q", out)
	}
	if out := env.docker("image", "inspect", "--format", "{{.Comment}}|{{.Author}}|{{range .Config.Env}}{{.}} {{end}}", "committed:1").Stdout; !strings.HasPrefix(out, "a message|someone|") || !strings.Contains(out, "FROM_COMMIT=1") {
		t.Errorf("inspect of the committed image: %q", out)
	}
	if code, body := env.curl(svc.Sock, "POST", "/v1.44/commit?container=nope&repo=x", ""); code != "404" || !strings.Contains(body, "No such container: nope") {
		t.Errorf("commit of an unknown container: %s %s", code, body)
	}
	if code, body := env.curl(svc.Sock, "POST", "/v1.44/commit?container=src&tag=v1", ""); code != "400" {
		t.Errorf("commit with a tag and no repo: %s %s", code, body)
	}
	if code, body := env.curl(svc.Sock, "POST", "/v1.44/commit?container=src&repo=bad", `{"Shell":["bash"]}`); code != "400" || env.Exec("docker", "image", "inspect", "bad").Code == 0 {
		t.Errorf("commit with a Shell: %s %s (or an image was made)", code, body)
	}
	if r := env.Exec("/usr/bin/python3", "-c", "import docker"); r.Code != 0 {
		t.Logf("python3-docker is not installed: skipping its part")
		return
	}
	script := env.Path("commit.py")
	if err := os.WriteFile(script, []byte(pythonCommitScript), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := env.Exec("/usr/bin/python3", script); r.Code != 0 || !strings.Contains(r.Stdout, "py-commit-ok") {
		t.Errorf("docker-py commit: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
}
