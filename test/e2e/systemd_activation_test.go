package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSdnotifyStartAndAttachedRun: with NOTIFY_SOCKET set, pm start and
// an attached pm run tell systemd the container runs, with conmon as the
// main process, as a detached run does.
func TestSdnotifyStartAndAttachedRun(t *testing.T) {
	env := ctrEnv(t)
	sock, conn := notifyListener(t, env)
	env.PMOK("create", "--name", "later", "busybox", "sleep", "1000")
	if res := pmWithNotify(t, env, sock, "start", "later"); res.Code != 0 {
		t.Fatalf("pm start: exit %d: %s", res.Code, res.Stderr)
	}
	msg := readNotify(t, conn)
	if want := conmonPid(t, env, "later"); msg["READY"] != "1" || msg["MAINPID"] != strconv.Itoa(want) {
		t.Errorf("pm start: notify message %v, want READY=1 and MAINPID=%d", msg, want)
	}
	// Attached: the message comes while pm copies the container's output;
	// the container's own exit code is pm's.
	res := pmWithNotify(t, env, sock, "run", "--name", "attached", "busybox", "sh", "-c", "echo out; exit 3")
	if res.Code != 3 || res.Stdout != "out\n" {
		t.Errorf("attached run: exit %d, stdout %q", res.Code, res.Stdout)
	}
	if msg := readNotify(t, conn); msg["READY"] != "1" || msg["MAINPID"] == "" {
		t.Errorf("attached run: notify message %v", msg)
	}
	// --sdnotify=ignore sends nothing: the next message is the one of
	// the start after it.
	env.PMOK("create", "--name", "quiet", "--sdnotify=ignore", "busybox", "sleep", "1000")
	pmWithNotify(t, env, sock, "start", "quiet")
	env.PMOK("create", "--name", "loud", "busybox", "sleep", "1000")
	pmWithNotify(t, env, sock, "start", "loud")
	if msg := readNotify(t, conn); msg["MAINPID"] != strconv.Itoa(conmonPid(t, env, "loud")) {
		t.Errorf("after an --sdnotify=ignore start, the message %v is not loud's", msg)
	}
	env.PMOK("rm", "-f", "-t", "0", "later", "attached", "quiet", "loud")
	env.expectNoHelpers("after the containers")
}

// TestSocketActivation: the socket systemd-socket-activate passes pm (as
// systemd passes a socket unit's) reaches the container as fd 3, with
// LISTEN_PID=1, LISTEN_FDS and LISTEN_FDNAMES in its environment; the
// container answers on it.
func TestSocketActivation(t *testing.T) {
	needTool(t, "systemd-socket-activate")
	env := ctrEnv(t)
	addr := fmt.Sprintf("127.0.0.1:%d", freeHostPort(t))
	cmd := env.command("run", "--rm", "busybox", "sh", "-c",
		`echo "hello $LISTEN_PID $LISTEN_FDS $LISTEN_FDNAMES" >&3; ls /proc/self/fd/ | grep -c '^3$'`)
	// --accept: one pm per connection, the connection as fd 3. The child
	// gets only the variables given with --setenv.
	activate := []string{"systemd-socket-activate", "--listen=" + addr, "--accept", "--fdname=greeting"}
	for _, kv := range cmd.Env {
		activate = append(activate, "--setenv="+kv)
	}
	cmd.Path = "/usr/bin/systemd-socket-activate"
	cmd.Args = append(append(activate, pmBinary), cmd.Args[1:]...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
	})
	// It says when it listens.
	lines := bufio.NewScanner(stderr)
	listening := false
	for !listening && lines.Scan() {
		t.Logf("systemd-socket-activate: %s", lines.Text())
		listening = strings.Contains(lines.Text(), "Listening on")
	}
	if !listening {
		t.Fatalf("systemd-socket-activate did not listen")
	}
	// It says when the pm it spawned has exited: the connection closes
	// when the container's process ends, before pm has removed it.
	childDone := make(chan struct{})
	go func() {
		done := false
		for lines.Scan() {
			t.Logf("systemd-socket-activate: %s", lines.Text())
			if !done && strings.Contains(lines.Text(), "died with code") {
				done = true
				close(childDone)
			}
		}
	}()
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A bound on a hang: the answer comes once pm ran the container.
	c.SetReadDeadline(time.Now().Add(2 * time.Minute))
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("reading the container's answer: %v (got %q)", err, got)
	}
	if string(got) != "hello 1 1 greeting\n" {
		t.Errorf("the container answered %q, want %q", got, "hello 1 1 greeting\n")
	}
	select {
	case <-childDone:
	case <-time.After(2 * time.Minute):
		t.Fatalf("the pm that systemd-socket-activate spawned did not exit")
	}
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("containers left: %q", ids)
	}
	// Without socket activation nothing is passed.
	if out := env.PMOK("run", "--rm", "busybox", "sh", "-c", `echo "[$LISTEN_FDS]"; test -e /proc/self/fd/3 && echo fd3; true`).Stdout; out != "[]\n" {
		t.Errorf("without activation: %q", out)
	}
	env.expectNoHelpers("after the containers")
}

// TestRunSystemdMode: --systemd=always (or true with an init command)
// gives the container tmpfs on /run, /run/lock, /tmp and
// /var/log/journal, container_uuid and SIGRTMIN+3 as its stop signal;
// --systemd=false does not; a bad value is refused.
func TestRunSystemdMode(t *testing.T) {
	env := ctrEnv(t)
	out := env.PMOK("run", "--rm", "--name", "sd", "--systemd=always", "busybox", "sh", "-c",
		`for d in /run /run/lock /tmp /var/log/journal; do mount | grep " on $d type tmpfs" >/dev/null && echo "$d tmpfs"; done; echo "uuid=${#container_uuid} container=$container"`).Stdout
	want := "/run tmpfs\n/run/lock tmpfs\n/tmp tmpfs\n/var/log/journal tmpfs\nuuid=32 container=pm\n"
	if out != want {
		t.Errorf("--systemd=always: in the container\n%s\nwant\n%s", out, want)
	}
	for _, c := range []struct {
		args       []string
		mode, stop string
	}{
		{[]string{"--systemd=always", "busybox", "sleep", "1"}, "true", "SIGRTMIN+3"},
		{[]string{"busybox", "/sbin/init"}, "true", "SIGRTMIN+3"},
		{[]string{"--systemd=true", "busybox", "/usr/lib/systemd/systemd"}, "true", "SIGRTMIN+3"},
		{[]string{"--systemd=always", "--stop-signal=SIGINT", "busybox", "sleep", "1"}, "true", "SIGINT"},
		{[]string{"--systemd=false", "busybox", "/sbin/init"}, "false", "SIGTERM"},
		{[]string{"busybox", "sleep", "1"}, "false", "SIGTERM"},
	} {
		id := strings.TrimSpace(env.PMOK(append([]string{"create"}, c.args...)...).Stdout)
		got := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.Config.SystemdMode}} {{.Config.StopSignal}}", id).Stdout)
		if got != c.mode+" "+c.stop {
			t.Errorf("create %s: SystemdMode and StopSignal = %q, want %q", strings.Join(c.args, " "), got, c.mode+" "+c.stop)
		}
	}
	// Without systemd mode /run is the image's.
	if out := env.PMOK("run", "--rm", "--systemd=false", "busybox", "sh", "-c", `mount | grep -c " on /run/lock type tmpfs" || true`).Stdout; out != "0\n" {
		t.Errorf("--systemd=false: /run/lock tmpfs count %q", out)
	}
	before := env.psIDs()
	env.PM("run", "--systemd=sometimes", "busybox", "true").ExpectError(t, 125, "invalid --systemd")
	env.expectNoNewContainers(before, "bad --systemd")
	env.expectNoHelpers("after the containers")
}
