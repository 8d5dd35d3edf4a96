package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// benchRegistry is a docker-registry on a free port of 127.0.0.1, for the
// API pull case.
type benchRegistry struct {
	addr string
	cmd  *exec.Cmd
	done chan struct{}
}

// startRegistry runs docker-registry (Debian's package) with its storage
// under base; an error when it is not installed.
func startRegistry(base string) (*benchRegistry, error) {
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		return nil, fmt.Errorf("docker-registry is not installed: %w", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	dir := filepath.Join(base, "registry")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	conf := fmt.Sprintf("version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n", filepath.Join(dir, "data"), addr)
	confFile := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	r := &benchRegistry{addr: addr, cmd: exec.Command(bin, "serve", confFile), done: make(chan struct{})}
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := r.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting docker-registry: %w", err)
	}
	go func() { r.cmd.Wait(); close(r.done) }()
	cl := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := cl.Get("http://" + addr + "/v2/"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return r, nil
			}
		}
		if time.Now().After(deadline) {
			r.stop()
			return nil, fmt.Errorf("docker-registry: not serving on %s after 20s", addr)
		}
	}
}

func (r *benchRegistry) stop() {
	syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
	<-r.done
}

// registriesConf writes a registries.conf under base that lets the tools
// reach the registry over plain HTTP, and returns its path.
func (r *benchRegistry) registriesConf(base string) (string, error) {
	p := filepath.Join(base, "registries.conf")
	conf := fmt.Sprintf("[[registry]]\nlocation = %q\ninsecure = true\n", r.addr)
	return p, os.WriteFile(p, []byte(conf), 0o644)
}

// layeredImage builds, with pm, an image of img plus layers layers of
// 512 KiB of random data each, and pushes it to the registry.
func (r *benchRegistry) layeredImage(pm *runner, base, img string, layers int) (string, error) {
	dir := filepath.Join(base, "layers-ctx")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	df := "FROM " + img + "\n"
	for i := 0; i < layers; i++ {
		df += fmt.Sprintf("RUN dd if=/dev/urandom of=/layer%d bs=1024 count=512 2>/dev/null\n", i)
	}
	if err := os.WriteFile(filepath.Join(dir, "Containerfile"), []byte(df), 0o644); err != nil {
		return "", err
	}
	name := fmt.Sprintf("%s/bench-layers:%d", r.addr, layers)
	if _, err := pm.run("build", "-q", "-t", name, dir); err != nil {
		return "", err
	}
	if _, err := pm.run("push", "-q", "--tls-verify=false", name); err != nil {
		return "", err
	}
	if _, err := pm.run("rmi", "-f", name); err != nil {
		return "", err
	}
	return name, nil
}

// pull pulls ref through the service's POST /images/create, reading the
// progress to its end, and removes the image again; it returns the time
// of the pull alone.
func (s *apiService) pull(ref string) (time.Duration, error) {
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", s.sock)
	}}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: 5 * time.Minute}
	repo, tag, _ := strings.Cut(ref[strings.LastIndex(ref, "/"):], ":")
	repo = ref[:strings.LastIndex(ref, "/")] + repo
	start := time.Now()
	resp, err := cl.Post("http://d/v1.41/images/create?fromImage="+url.QueryEscape(repo)+"&tag="+url.QueryEscape(tag), "", nil)
	if err != nil {
		return 0, fmt.Errorf("pull %s: %w", ref, err)
	}
	sc := bufio.NewScanner(resp.Body)
	var failed string
	for sc.Scan() {
		if strings.Contains(sc.Text(), `"error"`) {
			failed = sc.Text()
		}
	}
	resp.Body.Close()
	d := time.Since(start)
	if err := sc.Err(); err != nil || resp.StatusCode != http.StatusOK || failed != "" {
		return d, fmt.Errorf("pull %s: status %d, %v %s", ref, resp.StatusCode, err, failed)
	}
	req, _ := http.NewRequest(http.MethodDelete, "http://d/v1.41/images/"+ref+"?force=1", nil)
	rm, err := cl.Do(req)
	if err != nil {
		return d, fmt.Errorf("removing %s: %w", ref, err)
	}
	rm.Body.Close()
	if rm.StatusCode != http.StatusOK {
		return d, fmt.Errorf("removing %s: status %d", ref, rm.StatusCode)
	}
	return d, nil
}
