package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/pm-project/pm/libpod/define"
)

// sdkClient is a Docker SDK client of svc, negotiating its API version.
func sdkClient(t *testing.T, svc *apiService) *client.Client {
	t.Helper()
	c, err := client.New(client.WithHost("unix://" + svc.Sock))
	if err != nil {
		t.Fatalf("docker SDK client: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// waitLogLine follows the logs of id until a line equal to want, or the
// deadline.
func waitLogLine(ctx context.Context, t *testing.T, c *client.Client, id, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	logs, err := c.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: true})
	if err != nil {
		t.Fatalf("logs of %s: %v", id, err)
	}
	defer logs.Close()
	pr, pw := io.Pipe()
	go func() {
		_, err := stdcopy.StdCopy(pw, pw, logs)
		pw.CloseWithError(err)
	}()
	sc := bufio.NewScanner(pr)
	var seen []string
	for sc.Scan() {
		if sc.Text() == want {
			return
		}
		seen = append(seen, sc.Text())
	}
	t.Fatalf("logs of %s ended (%v) without %q: %q", id, sc.Err(), want, seen)
}

// TestAPIGoSDK drives the service with Docker's Go SDK
// (github.com/moby/moby/client), as Go programs and tools built on it
// do: it negotiates the newest API version, creates with HostPort "0",
// waits for a log line, reads the mapped port and fetches over HTTP,
// connects a default-network container to a user network, commits, and
// reads system df with a volume in use.
func TestAPIGoSDK(t *testing.T) {
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0")
	c := sdkClient(t, svc)
	ctx := context.Background()
	img := env.Registry + "/busybox"

	ping, err := c.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true})
	if err != nil {
		t.Fatalf("ping: %v", err)
	}
	if ping.APIVersion != define.APIVersion || c.ClientVersion() != client.MaxAPIVersion || define.APIVersion != client.MaxAPIVersion {
		t.Errorf("negotiated API %s (server %s), want the SDK's newest %s", c.ClientVersion(), ping.APIVersion, client.MaxAPIVersion)
	}

	pull, err := c.ImagePull(ctx, img, client.ImagePullOptions{})
	if err != nil {
		t.Fatalf("pull: %v", err)
	}
	if err := pull.Wait(ctx); err != nil {
		t.Fatalf("pull: %v", err)
	}
	t.Cleanup(func() { c.ImageRemove(ctx, img, client.ImageRemoveOptions{Force: true}) })

	// HostPort "0": any free port, which inspect reports.
	port := network.MustParsePort("80/tcp")
	web, err := c.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name: "sdkweb",
		Config: &container.Config{Image: img, ExposedPorts: network.PortSet{port: {}},
			Cmd: []string{"sh", "-c", "mkdir -p /www; echo from-sdk > /www/index.html; httpd -p 80 -h /www; echo ready; exec sleep 300"}},
		HostConfig: &container.HostConfig{PortBindings: network.PortMap{port: {{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: "0"}}}},
	})
	if err != nil {
		t.Fatalf("create with HostPort 0: %v", err)
	}
	t.Cleanup(func() { c.ContainerRemove(ctx, web.ID, client.ContainerRemoveOptions{Force: true}) })
	if _, err := c.ContainerStart(ctx, web.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatalf("start: %v", err)
	}
	waitLogLine(ctx, t, c, web.ID, "ready")
	in, err := c.ContainerInspect(ctx, web.ID, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatalf("inspect: %v", err)
	}
	binds := in.Container.NetworkSettings.Ports[port]
	if len(binds) != 1 || binds[0].HostPort == "" || binds[0].HostPort == "0" {
		t.Fatalf("mapped port of 80/tcp: %+v", binds)
	}
	url := fmt.Sprintf("http://127.0.0.1:%s/", binds[0].HostPort)
	if got, err := httpGet(t, url); got != "from-sdk\n" {
		t.Errorf("GET %s: %q, %v", url, got, err)
	}
	if in.Container.State.Status != container.StateRunning || !strings.HasPrefix(in.Container.Config.Image, img) {
		t.Errorf("inspect: status %q image %q", in.Container.State.Status, in.Container.Config.Image)
	}

	t.Run("connect", func(t *testing.T) {
		nets, err := c.NetworkList(ctx, client.NetworkListOptions{})
		if err != nil {
			t.Fatalf("network list: %v", err)
		}
		hasBridge := false
		for _, n := range nets.Items {
			hasBridge = hasBridge || n.Name == "bridge"
		}
		if !hasBridge {
			t.Fatalf("no network \"bridge\" in the list: %+v", nets.Items)
		}
		n, err := c.NetworkCreate(ctx, "sdknet", client.NetworkCreateOptions{})
		if err != nil {
			t.Fatalf("network create: %v", err)
		}
		t.Cleanup(func() { c.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}) })
		if _, err := c.NetworkConnect(ctx, "sdknet", client.NetworkConnectOptions{Container: web.ID}); err != nil {
			t.Fatalf("network connect: %v", err)
		}
		in, err := c.ContainerInspect(ctx, web.ID, client.ContainerInspectOptions{})
		if err != nil {
			t.Fatalf("inspect: %v", err)
		}
		for _, name := range []string{"bridge", "sdknet"} {
			if ep := in.Container.NetworkSettings.Networks[name]; ep == nil || !ep.IPAddress.IsValid() {
				t.Errorf("after connect: endpoint on %s: %+v", name, ep)
			}
		}
	})

	// Commit: an image of the container's changes, with a new Cmd. Not
	// paused: rootless on cgroup v1 nothing can freeze a container (the
	// SDK's default pause is refused there, by Docker too).
	ref := env.Registry + "/sdk-committed:1"
	com, err := c.ContainerCommit(ctx, web.ID, client.ContainerCommitOptions{Reference: ref, NoPause: true,
		Config: &container.Config{Cmd: []string{"cat", "/www/index.html"}}})
	if err != nil {
		t.Fatalf("commit: %v", err)
	}
	t.Cleanup(func() { c.ImageRemove(ctx, ref, client.ImageRemoveOptions{Force: true}) })
	ii, err := c.ImageInspect(ctx, ref)
	if err != nil || ii.ID != com.ID || strings.Join(ii.Config.Cmd, " ") != "cat /www/index.html" {
		t.Errorf("committed image: %+v, %v (commit said %s)", ii.InspectResponse, err, com.ID)
	}

	// system df with a volume a container uses.
	if _, err := c.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "sdkvol"}); err != nil {
		t.Fatalf("volume create: %v", err)
	}
	t.Cleanup(func() { c.VolumeRemove(ctx, "sdkvol", client.VolumeRemoveOptions{Force: true}) })
	user, err := c.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{Image: img, Cmd: []string{"sh", "-c", "head -c 65536 /dev/zero > /v/data"}},
		HostConfig: &container.HostConfig{NetworkMode: "none",
			Mounts: []mount.Mount{{Type: mount.TypeVolume, Source: "sdkvol", Target: "/v"}}},
	})
	if err != nil {
		t.Fatalf("create with a volume: %v", err)
	}
	t.Cleanup(func() { c.ContainerRemove(ctx, user.ID, client.ContainerRemoveOptions{Force: true}) })
	wait := c.ContainerWait(ctx, user.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	if _, err := c.ContainerStart(ctx, user.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatalf("start: %v", err)
	}
	select {
	case res := <-wait.Result:
		if res.StatusCode != 0 {
			t.Fatalf("volume writer exited %d", res.StatusCode)
		}
	case err := <-wait.Error:
		t.Fatalf("wait: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatalf("volume writer did not exit")
	}
	du, err := c.DiskUsage(ctx, client.DiskUsageOptions{Volumes: true, Images: true, Containers: true, Verbose: true})
	if err != nil {
		t.Fatalf("system df: %v", err)
	}
	var found bool
	for _, v := range du.Volumes.Items {
		if v.Name != "sdkvol" {
			continue
		}
		found = true
		if v.UsageData == nil || v.UsageData.RefCount != 1 || v.UsageData.Size < 65536 {
			t.Errorf("system df: sdkvol usage %+v, want 1 container and at least 64 KiB", v.UsageData)
		}
	}
	if !found || du.Volumes.TotalCount < 1 || du.Volumes.ActiveCount < 1 || du.Volumes.TotalSize < 65536 {
		t.Errorf("system df volumes: %+v", du.Volumes)
	}
	if du.Images.TotalCount < 2 || du.Containers.TotalCount != 2 || du.Containers.ActiveCount != 1 {
		t.Errorf("system df: images %d, containers %d (%d active); want 2 images, 2 containers, 1 running",
			du.Images.TotalCount, du.Containers.TotalCount, du.Containers.ActiveCount)
	}
}
