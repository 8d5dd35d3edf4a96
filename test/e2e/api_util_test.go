package e2e

import (
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// apiService is a `pm system service` the test started in the background.
type apiService struct {
	Sock string
	cmd  *exec.Cmd
	done chan error
	log  *strings.Builder
}

// startService runs `pm system service --time 0 unix://SOCK` (or the
// given argv prefix before pm's arguments, e.g. systemd-socket-activate)
// as the environment's user, waits for its socket, and stops it at
// cleanup. It points the docker CLI of later commands at the socket.
func (e *Env) startService(prefix []string, args ...string) *apiService {
	t := e.t
	t.Helper()
	sock := filepath.Join(e.Dir, "api.sock")
	argv := append(append([]string{}, prefix...), pmBinary, "--log-level", "debug", "system", "service")
	argv = append(argv, args...)
	if len(prefix) == 0 {
		argv = append(argv, "unix://"+sock)
	} else {
		for i, a := range argv {
			argv[i] = strings.ReplaceAll(a, "SOCK", sock)
		}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = e.environ()
	cmd.Dir = e.Dir
	log := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if isRoot && !e.root {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(e.User.UID), Gid: uint32(e.User.GID), Groups: []uint32{}}
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting pm system service: %v", err)
	}
	s := &apiService{Sock: sock, cmd: cmd, done: make(chan error, 1), log: log}
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(15 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-s.done
			t.Errorf("pm system service did not exit on SIGTERM")
		}
		// A service built with -race (make e2e-race) reports data races
		// in its log; each is a failure of the test that drove it.
		if i := strings.Index(log.String(), "WARNING: DATA RACE"); i >= 0 {
			report := log.String()[i:]
			t.Errorf("data race in pm system service:\n%s", report[:min(len(report), 6000)])
		}
		if t.Failed() {
			t.Logf("service log:\n%s", lastLines(log.String(), 60))
		}
	})
	// Ready once it accepts a connection: the socket file appears when
	// it is bound, a moment before it listens.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			break
		}
		select {
		case err := <-s.done:
			t.Fatalf("pm system service exited early: %v\n%s", err, log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("pm system service: no socket %s after 30s\n%s", sock, log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	e.SetEnv("DOCKER_HOST=unix://"+sock, "DOCKER_BUILDKIT=0", "DOCKER_CONFIG="+filepath.Join(e.Home, ".docker"))
	return s
}

// waitExit waits up to d for the service to exit on its own.
func (s *apiService) waitExit(d time.Duration) bool {
	select {
	case <-s.done:
		s.done <- nil // for the cleanup
		return true
	case <-time.After(d):
		return false
	}
}

func lastLines(s string, n int) string {
	l := strings.Split(s, "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

// needTool skips the test when a client program is not installed.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed: skipping its API test (hack/install-deps.sh installs it)", name)
	}
}

// docker runs the docker CLI against the service and fails the test on
// a non-zero exit.
func (e *Env) docker(args ...string) Result {
	e.t.Helper()
	r := e.Exec("docker", args...)
	if r.Code != 0 {
		e.t.Fatalf("docker %s: exit %d\nstderr: %s\nstdout: %s", shellJoin(args), r.Code, r.Stderr, r.Stdout)
	}
	return r
}

// curl sends one request to the service's socket and returns the status
// code and body.
func (e *Env) curl(sock, method, path, body string) (string, string) {
	e.t.Helper()
	args := []string{"-s", "-o", "-", "-w", "\n%{http_code}", "--unix-socket", sock, "-X", method}
	if body != "" {
		args = append(args, "-H", "Content-Type: application/json", "--data-binary", body)
	}
	r := e.Exec("curl", append(args, "http://pm"+path)...)
	out := strings.TrimRight(r.Stdout, "\n")
	i := strings.LastIndex(out, "\n")
	if i < 0 {
		return out, ""
	}
	return out[i+1:], out[:i]
}

// dockerBusybox is an environment serving the API (docker pointed at it)
// with the registry's busybox pulled through it, removed at cleanup; it
// returns the image's name.
func dockerBusybox(t *testing.T) (*Env, string) {
	t.Helper()
	needTool(t, "docker")
	env := newEnv(t)
	env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })
	return env, img
}
