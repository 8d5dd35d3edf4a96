package e2e

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"math/rand"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Regressions found by Podman's system tests in the attach, exec, wait and
// start paths.

// randomBytes returns n reproducible pseudo-random bytes.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(int64(n))).Read(b)
	return b
}

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// TestIORegressLargeStdin: run -i and exec -i copy all of a large stdin
// to the container, then close its stdin, and the output that follows is
// not lost.
func TestIORegressLargeStdin(t *testing.T) {
	env := ctrEnv(t)
	for _, n := range []int{10_000, 200_000, 1_500_000} {
		data := randomBytes(n)
		res := env.PMStdin(bytes.NewReader(data), "run", "-i", "--rm", "busybox", "wc", "-c")
		if res.Code != 0 || strings.TrimSpace(res.Stdout) != strconv.Itoa(n) {
			t.Errorf("run -i wc -c with %d bytes of stdin: %s", n, res)
		}
		res = env.PMStdin(bytes.NewReader(data), "run", "-i", "--rm", "busybox", "md5sum")
		if f := strings.Fields(res.Stdout); res.Code != 0 || len(f) == 0 || f[0] != md5hex(data) {
			t.Errorf("run -i md5sum with %d bytes: want %s: %s", n, md5hex(data), res)
		}
	}
	id := env.runID("busybox", "sleep", "100")
	data := randomBytes(1_500_000)
	res := env.PMStdin(bytes.NewReader(data), "exec", "-i", id, "dd", "of=/tmp/f", "bs=512")
	if res.Code != 0 {
		t.Errorf("exec -i dd: %s", res)
	}
	res = env.PMOK("exec", id, "md5sum", "/tmp/f")
	if f := strings.Fields(res.Stdout); len(f) == 0 || f[0] != md5hex(data) {
		t.Errorf("exec -i dd of=/tmp/f: file differs from stdin (%s): %s", md5hex(data), res)
	}
	res = env.PMStdin(bytes.NewReader(data), "exec", "-i", id, "wc", "-c")
	if strings.TrimSpace(res.Stdout) != "1500000" {
		t.Errorf("exec -i wc -c: %s", res)
	}
	// Without -i, nothing is read from stdin and the command still ends.
	res = env.PMStdin(bytes.NewReader(data), "exec", id, "wc", "-c")
	if strings.TrimSpace(res.Stdout) != "0" {
		t.Errorf("exec wc -c without -i: %s", res)
	}
}

// TestIORegressLargeStdout: output larger than any buffer arrives whole,
// from run and from exec.
func TestIORegressLargeStdout(t *testing.T) {
	env := ctrEnv(t)
	const n = 5_000_000
	res := env.PM("run", "--rm", "busybox", "head", "-c", strconv.Itoa(n), "/dev/zero")
	if res.Code != 0 || len(res.Stdout) != n {
		t.Errorf("run head -c %d: exit %d, %d bytes of stdout", n, res.Code, len(res.Stdout))
	}
	res = env.PMStdin(bytes.NewReader(randomBytes(300_000)), "run", "-i", "--rm", "busybox", "cat")
	if res.Code != 0 || res.Stdout != string(randomBytes(300_000)) {
		t.Errorf("run -i cat of 300000 bytes: exit %d, %d bytes back", res.Code, len(res.Stdout))
	}
	id := env.runID("busybox", "sleep", "100")
	res = env.PM("exec", id, "head", "-c", strconv.Itoa(n), "/dev/zero")
	if res.Code != 0 || len(res.Stdout) != n {
		t.Errorf("exec head -c %d: exit %d, %d bytes of stdout", n, res.Code, len(res.Stdout))
	}
	res = env.PM("exec", id, "sh", "-c", "head -c 1000000 /dev/zero >&2")
	if res.Code != 0 || len(res.Stderr) != 1_000_000 {
		t.Errorf("exec ... >&2: exit %d, %d bytes of stderr", res.Code, len(res.Stderr))
	}
}

// TestIORegressKeepIDExec: exec and cp work in a --userns=keep-id
// container, as its user and as root.
func TestIORegressKeepIDExec(t *testing.T) {
	env := ctrEnv(t)
	id := env.runID("--userns=keep-id", "busybox", "sleep", "100")
	uid := strconv.Itoa(env.User.UID)
	res := env.PM("exec", id, "id", "-u")
	if res.Code != 0 || strings.TrimSpace(res.Stdout) != uid {
		t.Errorf("exec id -u in a keep-id container: want %s: %s", uid, res)
	}
	res = env.PM("exec", "--user", "root", id, "id", "-u")
	if res.Code != 0 || strings.TrimSpace(res.Stdout) != "0" {
		t.Errorf("exec --user root id -u: %s", res)
	}
	res = env.PMStdin(strings.NewReader("hello\n"), "exec", "-i", id, "cat")
	if res.Code != 0 || res.Stdout != "hello\n" {
		t.Errorf("exec -i cat: %s", res)
	}
	src := env.Path("in.txt")
	if err := os.WriteFile(src, []byte("copied in\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chown(src, env.User.UID, env.User.GID)
	env.PMOK("cp", src, id+":/tmp/in.txt")
	res = env.PM("exec", id, "cat", "/tmp/in.txt")
	if res.Stdout != "copied in\n" {
		t.Errorf("cat of a file copied into a keep-id container: %s", res)
	}
	env.PMOK("exec", id, "sh", "-c", "echo copied out > /tmp/out.txt")
	dst := env.Path("out.txt")
	env.PMOK("cp", id+":/tmp/out.txt", dst)
	if b, err := os.ReadFile(dst); err != nil || string(b) != "copied out\n" {
		t.Errorf("file copied out of a keep-id container: %q, %v", b, err)
	}
	env.PMOK("rm", "-f", "-t", "0", id)
}

// TestIORegressWaitCreated: wait on a container that never ran returns
// at once, with exit code 0.
func TestIORegressWaitCreated(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("create", "--name", "never", "busybox", "/no/such/command")
	start := time.Now()
	res := env.PM("wait", "never")
	if res.Code != 0 || strings.TrimSpace(res.Stdout) != "0" {
		t.Errorf("wait on a created container: %s", res)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("wait on a created container took %v", d)
	}
}

// TestIORegressRunRemoved: a foreground run whose container another
// process force-removes exits 137, as if killed.
func TestIORegressRunRemoved(t *testing.T) {
	env := ctrEnv(t)
	done := make(chan Result, 1)
	go func() { done <- env.pmAsync("run", "--name", "victim", "busybox", "sleep", "30") }()
	env.waitFor(60*time.Second, "victim to run", func() bool {
		return strings.HasPrefix(env.ctrField("victim", ".Status"), "Up")
	})
	env.PMOK("rm", "-t", "0", "-f", "victim")
	select {
	case res := <-done:
		if res.Code != 137 {
			t.Errorf("run of a container removed with rm -f: %s, want exit 137", res)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("run did not return after its container was removed")
	}
}

// TestIORegressStartAll: start --all starts only the containers that do
// not run, refuses names, and --filter narrows the selection.
func TestIORegressStartAll(t *testing.T) {
	env := ctrEnv(t)
	running := env.runID("busybox", "sleep", "100")
	env.PMOK("create", "--name", "c1", "busybox", "true")
	ok := env.runID("busybox", "true")
	bad := env.runID("busybox", "false")
	env.PMOK("wait", ok, bad)
	res := env.PMOK("start", "--all")
	if strings.Contains(res.Stdout, running) {
		t.Errorf("start --all printed the running container:\n%s", res.Stdout)
	}
	for _, want := range []string{ok, bad} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("start --all did not start %s:\n%s", want, res.Stdout)
		}
	}
	if !strings.Contains(res.Stdout, "c1") && !strings.Contains(res.Stdout, env.ctrField("c1", ".ID")) {
		t.Errorf("start --all did not start c1:\n%s", res.Stdout)
	}
	env.PM("start", "--all", "c1").ExpectError(t, 125, "either start all containers or the container(s) provided in the arguments")
	env.PMOK("wait", ok, bad)
	res = env.PMOK("start", "--all", "--filter", "exited=0")
	if got := strings.TrimSpace(res.Stdout); !strings.Contains(got, ok) || strings.Contains(got, bad) {
		t.Errorf("start --all --filter exited=0: %q, want %s only", got, ok)
	}
	env.PMOK("wait", ok)
	res = env.PMOK("start", "--filter", "restart-policy=always", ok)
	if strings.TrimSpace(res.Stdout) != "" {
		t.Errorf("start --filter restart-policy=always of a no-restart container: %q", res.Stdout)
	}
	res = env.PMOK("start", "--filter", "restart-policy=no", ok)
	if strings.TrimSpace(res.Stdout) != ok {
		t.Errorf("start --filter restart-policy=no: %q, want %s", res.Stdout, ok)
	}
	env.PM("start", "--filter", "restart-policy=fakepolicy", ok).ExpectError(t, 125, "fakepolicy invalid restart policy")
}

// TestIORegressTTY: run -it sizes the container's terminal from pm's
// stdin (a terminal) even when stdout is a pipe; without a terminal on
// stdin, -it warns and runs.
func TestIORegressTTY(t *testing.T) {
	env := ctrEnv(t)
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("util-linux script is not installed")
	}
	res := env.Exec("script", "-qec", "stty rows 37 cols 91; "+pmBinary+" run --rm -it busybox stty size | cat", "/dev/null")
	if res.Code != 0 || !strings.Contains(res.Stdout, "37 91") {
		t.Errorf("run -it stty size with stdin a 37x91 terminal, stdout a pipe: want \"37 91\"\n%s", res)
	}
	res = env.PMStdin(strings.NewReader(""), "run", "--rm", "-it", "busybox", "echo", "hi")
	if res.Code != 0 || strings.TrimSpace(res.Stdout) != "hi" {
		t.Errorf("run -it echo hi without a terminal: %s", res)
	}
	if !strings.Contains(res.Stderr, "The input device is not a TTY") {
		t.Errorf("run -it without a terminal on stdin: want a warning on stderr, got %q", res.Stderr)
	}
	res = env.PMStdin(strings.NewReader(""), "run", "--rm", "-t", "busybox", "echo", "hi")
	if res.Code != 0 || strings.Contains(res.Stderr, "not a TTY") {
		t.Errorf("run -t (no -i) without a terminal: no warning wanted: %s", res)
	}
}
