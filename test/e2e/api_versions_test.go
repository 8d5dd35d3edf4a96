package e2e

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pythonOldAPIScript drives docker-py pinned to API 1.24.
const pythonOldAPIScript = `
import os, sys, docker
c = docker.DockerClient(base_url=os.environ["DOCKER_HOST"], version="1.24")
assert c.api.api_version == "1.24", c.api.api_version
img = sys.argv[1]
c.images.pull(img)
# Before 1.44 images carry VirtualSize.
raw = c.api.images()
assert all("VirtualSize" in i for i in raw), raw
ctr = c.containers.run(img, ["sh", "-c", "echo old-api; sleep 30"], detach=True, name="old")
try:
    import time
    for _ in range(100):
        if b"old-api" in ctr.logs():
            break
        time.sleep(0.1)
    assert ctr.logs() == b"old-api\n", ctr.logs()
    assert "old" in [x.name for x in c.containers.list()]
    ctr.stop(timeout=1)
finally:
    ctr.remove(force=True)
# Before 1.42 volume prune (1.25 and newer) takes named volumes too.
c41 = docker.DockerClient(base_url=os.environ["DOCKER_HOST"], version="1.41")
c41.volumes.create("oldvol")
res = c41.volumes.prune()
assert "oldvol" in (res["VolumesDeleted"] or []), res
print("old-api-ok")
`

// TestAPIVersions: every API version from 1.24 to 1.57 is answered, with
// Docker's differences between versions; older and newer ones are
// refused.
func TestAPIVersions(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0", "--log-level", "info")
	img := env.Registry + "/busybox"
	for _, v := range []string{"1.24", "1.30", "1.39", "1.41", "1.44", "1.50", "1.57"} {
		if code, body := env.curl(svc.Sock, "GET", "/v"+v+"/version", ""); code != "200" || !strings.Contains(body, `"MinAPIVersion":"1.24"`) {
			t.Errorf("GET /v%s/version: %s %s", v, code, body)
		}
	}
	if code, body := env.curl(svc.Sock, "GET", "/v1.23/version", ""); code != "400" || !strings.Contains(body, "Minimum supported API version is 1.24") {
		t.Errorf("GET /v1.23/version: %s %s", code, body)
	}
	if code, body := env.curl(svc.Sock, "GET", "/v1.58/version", ""); code != "400" || !strings.Contains(body, "too new. Maximum supported API version is 1.57") {
		t.Errorf("GET /v1.58/version: %s %s", code, body)
	}
	// KernelMemoryTCP left /info in 1.52.
	if _, body := env.curl(svc.Sock, "GET", "/v1.51/info", ""); !strings.Contains(body, `"KernelMemoryTCP":false`) {
		t.Errorf("API 1.51 /info lacks KernelMemoryTCP: %s", body)
	}
	if _, body := env.curl(svc.Sock, "GET", "/v1.52/info", ""); strings.Contains(body, "KernelMemoryTCP") {
		t.Errorf("API 1.52 /info has KernelMemoryTCP: %s", body)
	}
	// The docker CLI pinned to 1.24.
	env.SetEnv("DOCKER_API_VERSION=1.24")
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })
	if out := env.docker("run", "--rm", img, "echo", "cli-1.24").Stdout; out != "cli-1.24\n" {
		t.Errorf("docker run at API 1.24: %q", out)
	}
	if out := env.docker("version", "--format", "{{.Client.APIVersion}} {{.Server.MinAPIVersion}}").Stdout; out != "1.24 1.24\n" {
		t.Errorf("docker version at API 1.24: %q", out)
	}
	// VirtualSize went in 1.44.
	if _, body := env.curl(svc.Sock, "GET", "/v1.44/images/json", ""); strings.Contains(body, "VirtualSize") {
		t.Errorf("API 1.44 images have VirtualSize: %s", body)
	}
	if _, body := env.curl(svc.Sock, "GET", "/v1.43/images/json", ""); !strings.Contains(body, "VirtualSize") {
		t.Errorf("API 1.43 images lack VirtualSize: %s", body)
	}
	// stop's signal (1.42): the container's trap reports it.
	env.docker("run", "-d", "--name", "trap", img, "sh", "-c", "trap 'echo got-usr1; exit 7' USR1; while :; do sleep 0.1; done")
	defer env.Exec("docker", "rm", "-f", "trap")
	if code, body := env.curl(svc.Sock, "POST", "/v1.42/containers/trap/stop?signal=USR1&t=20", ""); code != "204" {
		t.Fatalf("stop with signal USR1: %s %s", code, body)
	}
	// NetworkSettings' top-level addresses went in 1.52.
	for v, want := range map[string]bool{"1.51": true, "1.52": false} {
		_, body := env.curl(svc.Sock, "GET", "/v"+v+"/containers/trap/json", "")
		var d struct{ NetworkSettings, HostConfig map[string]json.RawMessage }
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			t.Fatalf("API %s inspect: %v: %s", v, err, body)
		}
		_, ip := d.NetworkSettings["IPAddress"]
		_, kmem := d.HostConfig["KernelMemoryTCP"]
		if ip != want || kmem != want {
			t.Errorf("API %s inspect: NetworkSettings.IPAddress %v, HostConfig.KernelMemoryTCP %v, want %v: %s", v, ip, kmem, want, body)
		}
	}
	// Before 1.52 events carry status, id and from; from 1.52 not.
	now := strconv.FormatInt(time.Now().Add(time.Second).Unix(), 10)
	if _, body := env.curl(svc.Sock, "GET", "/v1.51/events?since=0&until="+now+"&filters=%7B%22container%22%3A%5B%22trap%22%5D%7D", ""); !strings.Contains(body, `"status":"start"`) {
		t.Errorf("API 1.51 events lack status: %s", body)
	}
	if _, body := env.curl(svc.Sock, "GET", "/v1.52/events?since=0&until="+now+"&filters=%7B%22container%22%3A%5B%22trap%22%5D%7D", ""); strings.Contains(body, `"status"`) || !strings.Contains(body, `"Action":"start"`) {
		t.Errorf("API 1.52 events: %s", body)
	}
	// /system/df: flat lists before 1.52, both in 1.52, summaries from
	// 1.53 (items only with verbose).
	for _, c := range []struct {
		path      string
		has, lack []string
	}{
		{"/v1.51/system/df", []string{`"LayersSize":`, `"Images":[`, `"Containers":[`}, []string{"ImageUsage"}},
		{"/v1.52/system/df", []string{`"LayersSize":`, `"ImageUsage":{`}, nil},
		{"/v1.53/system/df", []string{`"ImageUsage":{"ActiveCount":1`, `"ContainerUsage":{`}, []string{"LayersSize", `"Items"`}},
		{"/v1.57/system/df?verbose=1", []string{`"ImageUsage":{`, `"Items":[`}, []string{"LayersSize"}},
	} {
		_, body := env.curl(svc.Sock, "GET", c.path, "")
		for _, h := range c.has {
			if !strings.Contains(body, h) {
				t.Errorf("GET %s lacks %s: %s", c.path, h, body)
			}
		}
		for _, l := range c.lack {
			if strings.Contains(body, l) {
				t.Errorf("GET %s has %s: %s", c.path, l, body)
			}
		}
	}
	if out := env.docker("logs", "trap").Stdout; out != "got-usr1\n" {
		t.Errorf("stop?signal=USR1: logs %q", out)
	}
	if out := env.docker("inspect", "--format", "{{.State.ExitCode}}", "trap").Stdout; out != "7\n" {
		t.Errorf("stop?signal=USR1: exit code %q", out)
	}
	if code, _ := env.curl(svc.Sock, "POST", "/v1.42/containers/trap/stop?signal=NOPE", ""); code != "400" {
		t.Errorf("stop with signal NOPE: %s, want 400", code)
	}
	// A start with a HostConfig body was removed in 1.24.
	env.docker("create", "--name", "bodystart", img, "true")
	defer env.Exec("docker", "rm", "-f", "bodystart")
	if code, body := env.curl(svc.Sock, "POST", "/v1.24/containers/bodystart/start", `{"Binds":["/tmp:/tmp"]}`); code != "400" || !strings.Contains(body, "removed in v1.24") {
		t.Errorf("start with a body: %s %s", code, body)
	}
	// docker-py at 1.24.
	if r := env.Exec("/usr/bin/python3", "-c", "import docker"); r.Code != 0 {
		t.Logf("python3-docker is not installed: skipping its 1.24 part")
		return
	}
	script := env.Path("old.py")
	if err := os.WriteFile(script, []byte(pythonOldAPIScript), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := env.Exec("/usr/bin/python3", script, img); r.Code != 0 || !strings.Contains(r.Stdout, "old-api-ok") {
		t.Errorf("docker-py at API 1.24: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
}
