package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAPIDockerCLI drives the real docker CLI against pm system service:
// the flows of version, info, pull, images, run, ps, logs, exec, inspect,
// cp, stop, rm, build, save and load.
func TestAPIDockerCLI(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"

	if v := env.docker("version", "--format", "{{.Server.APIVersion}}").Stdout; strings.TrimSpace(v) != "1.57" {
		t.Errorf("docker version: server API %q, want 1.57", v)
	}
	if v := env.docker("info", "--format", "{{.ServerVersion}} {{.OSType}}").Stdout; !strings.Contains(v, "linux") {
		t.Errorf("docker info: %q", v)
	}
	env.docker("pull", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })
	if out := env.docker("images", "--format", "{{.Repository}}:{{.Tag}}").Stdout; !strings.Contains(out, img+":latest") {
		t.Errorf("docker images: %q, want %s:latest", out, img)
	}

	t.Run("run ps logs exec inspect cp stop rm", func(t *testing.T) {
		id := strings.TrimSpace(env.docker("run", "-d", "--name", "web", img, "sh", "-c", "echo hello; echo oops >&2; exec sleep 300").Stdout)
		defer env.Exec("docker", "rm", "-f", "web")
		if len(id) != 64 {
			t.Fatalf("docker run -d printed %q, want a container ID", id)
		}
		if out := env.docker("ps", "--format", "{{.Names}} {{.State}}").Stdout; !strings.Contains(out, "web running") {
			t.Errorf("docker ps: %q", out)
		}
		waitFor(t, func() bool { return strings.Contains(env.Exec("docker", "logs", "web").Stderr, "oops") })
		r := env.docker("logs", "web")
		if r.Stdout != "hello\n" || r.Stderr != "oops\n" {
			t.Errorf("docker logs: stdout %q stderr %q, want hello / oops on their streams", r.Stdout, r.Stderr)
		}
		if out := env.docker("exec", "web", "echo", "from exec").Stdout; out != "from exec\n" {
			t.Errorf("docker exec: %q", out)
		}
		if r := env.Exec("docker", "exec", "web", "sh", "-c", "exit 3"); r.Code != 3 {
			t.Errorf("docker exec exit 3: got exit %d (%s)", r.Code, r.Stderr)
		}
		r = env.run(strings.NewReader("piped input\n"), "docker", "exec", "-i", "web", "cat")
		if r.Stdout != "piped input\n" {
			t.Errorf("docker exec -i cat: %q (exit %d, %s)", r.Stdout, r.Code, r.Stderr)
		}
		if out := env.Exec("script", "-eqc", "docker exec -it web tty", "/dev/null").Stdout; !strings.Contains(out, "/dev/pts/") {
			t.Errorf("docker exec -it tty: %q", out)
		}
		if out := env.docker("inspect", "--format", "{{.State.Running}} {{.Name}} {{.Config.Image}}", "web").Stdout; out != "true /web "+img+"\n" && !strings.HasPrefix(out, "true /web ") {
			t.Errorf("docker inspect: %q", out)
		}
		host := env.Path("to-ctr.txt")
		if err := os.WriteFile(host, []byte("copied in\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chown(host, env.User.UID, env.User.GID)
		env.docker("cp", host, "web:/tmp/")
		if out := env.docker("exec", "web", "cat", "/tmp/to-ctr.txt").Stdout; out != "copied in\n" {
			t.Errorf("after docker cp in: %q", out)
		}
		out := env.Path("from-ctr")
		env.docker("cp", "web:/tmp/to-ctr.txt", out)
		if b, err := os.ReadFile(out); err != nil || string(b) != "copied in\n" {
			t.Errorf("docker cp out: %q, %v", b, err)
		}
		env.docker("stop", "-t", "1", "web")
		if out := env.docker("inspect", "--format", "{{.State.Status}}", "web").Stdout; out != "exited\n" {
			t.Errorf("after stop: status %q", out)
		}
		env.docker("rm", "web")
		if r := env.Exec("docker", "inspect", "web"); r.Code == 0 {
			t.Errorf("docker inspect after rm succeeded")
		}
	})

	t.Run("logs follow", func(t *testing.T) {
		env.docker("run", "-d", "--name", "ticker", img, "sh", "-c", "for i in 1 2 3; do echo line$i; sleep 0.3; done")
		defer env.Exec("docker", "rm", "-f", "ticker")
		if out := env.docker("logs", "-f", "ticker").Stdout; out != "line1\nline2\nline3\n" {
			t.Errorf("docker logs -f: %q", out)
		}
		if out := env.docker("wait", "ticker").Stdout; out != "0\n" {
			t.Errorf("docker wait: %q", out)
		}
	})

	t.Run("build run save load", func(t *testing.T) {
		dir := env.Path("ctx")
		os.Mkdir(dir, 0o755)
		df := "FROM " + img + "\nARG WHO=builder\nRUN echo built by $WHO > /built.txt\nCOPY hello.txt /app/\nENV GREETING=hi\nWORKDIR /app\nCMD [\"sh\", \"-c\", \"cat /built.txt hello.txt; echo $GREETING; pwd\"]\n"
		os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644)
		os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hello file\n"), 0o644)
		chownTree(t, dir, env.User.UID, env.User.GID)
		r := env.docker("build", "-t", "apitest:1", dir)
		if !strings.Contains(r.Stdout, "Successfully tagged apitest:1") {
			t.Errorf("docker build output: %s", r.Stdout)
		}
		defer env.Exec("docker", "rmi", "-f", "apitest:1")
		if out := env.docker("run", "--rm", "apitest:1").Stdout; out != "built by builder\nhello file\nhi\n/app\n" {
			t.Errorf("docker run of the built image: %q", out)
		}
		archive := env.Path("save.tar")
		env.docker("save", "-o", archive, "apitest:1")
		env.docker("rmi", "apitest:1")
		if out := env.docker("load", "-i", archive).Stdout; !strings.Contains(out, "apitest:1") {
			t.Errorf("docker load: %q", out)
		}
		if out := env.docker("images", "--format", "{{.Repository}}:{{.Tag}}").Stdout; !strings.Contains(out, "apitest:1") {
			t.Errorf("images after load: %q", out)
		}
	})
	if out := env.docker("ps", "-aq").Stdout; out != "" {
		t.Errorf("containers left: %q", out)
	}
}

func chownTree(t *testing.T, dir string, uid, gid int) {
	filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err == nil {
			os.Lchown(p, uid, gid)
		}
		return nil
	})
}
