package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// apiService is a tool's `system service` on a socket of its own.
type apiService struct {
	sock string
	cmd  *exec.Cmd
}

// startAPI runs `TOOL system service --time 0 unix://SOCK` as the bench
// user and waits for the socket.
func startAPI(t *runner, base string) (*apiService, error) {
	sock := filepath.Join(base, t.name+"-run", "api.sock") // the bench user's directory
	c := t.cmd("system", "service", "--time", "0", "unix://"+sock)
	if err := c.Start(); err != nil {
		return nil, fmt.Errorf("starting %s system service: %w", t.name, err)
	}
	s := &apiService{sock: sock, cmd: c}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if conn, err := net.Dial("unix", sock); err == nil {
			conn.Close()
			return s, nil
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("%s system service: no socket %s after 20s", t.name, sock)
		}
	}
}

func (s *apiService) stop() {
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

// docker times one docker CLI command against the service.
func (s *apiService) docker(base string, args ...string) (time.Duration, error) {
	c := exec.Command("docker", args...)
	c.Env = append(os.Environ(), "DOCKER_HOST=unix://"+s.sock, "DOCKER_CONFIG="+filepath.Join(base, "docker-config"))
	start := time.Now()
	out, err := c.CombinedOutput()
	d := time.Since(start)
	if err != nil {
		return d, fmt.Errorf("docker %v: %v: %s", args, err, out)
	}
	return d, nil
}

// requestsPerSecond sends n sequential GET path requests over one
// keep-alive connection and returns the rate.
func (s *apiService) requestsPerSecond(path string, n int) (float64, error) {
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", s.sock)
	}, MaxIdleConnsPerHost: 1}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	start := time.Now()
	for i := 0; i < n; i++ {
		resp, err := cl.Get("http://d" + path)
		if err != nil {
			return 0, fmt.Errorf("GET %s: %w", path, err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("GET %s: status %d, %v", path, resp.StatusCode, err)
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// apiCases times the docker CLI through each tool's API socket and the
// request rate of GET /containers/json with 50 containers. It needs the
// docker CLI; it leaves no container behind.
func apiCases(tools []*runner, base, img string) {
	if _, err := exec.LookPath("docker"); err != nil {
		fmt.Fprintln(os.Stderr, "bench: no docker CLI: API cases skipped")
		return
	}
	svcs := map[string]*apiService{}
	defer func() {
		for _, s := range svcs {
			s.stop()
		}
	}()
	// A registry with a multi-layer image for the pull case, reached
	// over plain HTTP by both tools.
	reg, err := startRegistry(base)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v: API pull skipped\n", err)
	} else {
		defer reg.stop()
		conf, err := reg.registriesConf(base)
		check(err)
		for _, t := range tools {
			t.env = append(t.env, "CONTAINERS_REGISTRIES_CONF="+conf)
		}
	}
	for _, t := range tools {
		s, err := startAPI(t, base)
		check(err)
		svcs[t.name] = s
	}
	if reg != nil {
		ref, err := reg.layeredImage(tools[0], base, img, 6)
		check(err)
		runCase(benchCase{name: "API: pull (7 layers, 3 MiB)", sample: func(t *runner) (float64, error) {
			d, err := svcs[t.name].pull(ref)
			return msOf(d), err
		}}, tools)
	}
	dockerCase := func(name string, args ...string) benchCase {
		return benchCase{name: name, sample: func(t *runner) (float64, error) {
			d, err := svcs[t.name].docker(base, args...)
			return msOf(d), err
		}}
	}
	runCase(dockerCase("API: docker ps", "ps"), tools)
	runCase(dockerCase("API: docker run --rm", "run", "--rm", "--network", "none", img, "true"), tools)
	for _, t := range tools {
		for i := 0; i < 50; i++ {
			t.must("create", "--network=none", "--name", fmt.Sprintf("api%d", i), img, "true")
		}
	}
	runCase(benchCase{name: "API: GET /containers/json (50)", unit: "req/s", n: 5, sample: func(t *runner) (float64, error) {
		return svcs[t.name].requestsPerSecond("/v1.41/containers/json?all=1", 200)
	}}, tools)
	for _, t := range tools {
		t.must("rm", "-af", "-t", "0")
	}
}
