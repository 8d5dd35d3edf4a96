package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// loadClients is how many clients TestAPILoad runs at once.
const loadClients = 20

// serviceUsage is what the service holds, read from /proc (and its
// goroutines from /info, which reads them from the Go runtime).
type serviceUsage struct {
	RSSKiB, FDs, Threads, Goroutines int
}

func (u serviceUsage) String() string {
	return fmt.Sprintf("RSS %d KiB, %d fds, %d threads, %d goroutines", u.RSSKiB, u.FDs, u.Threads, u.Goroutines)
}

func readUsage(ctx context.Context, t *testing.T, pid int, c *client.Client) serviceUsage {
	t.Helper()
	var u serviceUsage
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("reading the service's status: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		k, v, _ := strings.Cut(line, ":")
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		switch k {
		case "VmRSS":
			u.RSSKiB, _ = strconv.Atoi(f[0])
		case "Threads":
			u.Threads, _ = strconv.Atoi(f[0])
		}
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatalf("reading the service's fds: %v", err)
	}
	u.FDs = len(fds)
	info, err := c.Info(ctx, client.InfoOptions{})
	if err != nil {
		t.Fatalf("info: %v", err)
	}
	u.Goroutines = info.Info.NGoroutines
	return u
}

// loadRound is one client's round: pull, create, attach, start, read the
// output, follow the logs to the end, wait and remove.
func loadRound(ctx context.Context, c *client.Client, img string, n int) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	pull, err := c.ImagePull(ctx, img, client.ImagePullOptions{})
	if err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	if err := pull.Wait(ctx); err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	want := fmt.Sprintf("client-%d\nline1\nline2\nline3\n", n)
	ctr, err := c.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config:     &container.Config{Image: img, Cmd: []string{"sh", "-c", fmt.Sprintf("echo client-%d; for i in 1 2 3; do echo line$i; done", n)}},
		HostConfig: &container.HostConfig{NetworkMode: "none"},
	})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	defer c.ContainerRemove(context.WithoutCancel(ctx), ctr.ID, client.ContainerRemoveOptions{Force: true})
	att, err := c.ContainerAttach(ctx, ctr.ID, client.ContainerAttachOptions{Stream: true, Stdout: true, Stderr: true})
	if err != nil {
		return fmt.Errorf("attach: %w", err)
	}
	defer att.Close()
	wait := c.ContainerWait(ctx, ctr.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	if _, err := c.ContainerStart(ctx, ctr.ID, client.ContainerStartOptions{}); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	var out bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &out, att.Reader); err != nil {
		return fmt.Errorf("reading the attached output: %w", err)
	}
	if out.String() != want {
		return fmt.Errorf("attached output %q, want %q", out.String(), want)
	}
	select {
	case res := <-wait.Result:
		if res.StatusCode != 0 {
			return fmt.Errorf("exit code %d", res.StatusCode)
		}
	case err := <-wait.Error:
		return fmt.Errorf("wait: %w", err)
	}
	logs, err := c.ContainerLogs(ctx, ctr.ID, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: true})
	if err != nil {
		return fmt.Errorf("logs: %w", err)
	}
	defer logs.Close()
	out.Reset()
	if _, err := stdcopy.StdCopy(&out, io.Discard, logs); err != nil {
		return fmt.Errorf("reading the logs: %w", err)
	}
	if out.String() != want {
		return fmt.Errorf("logs %q, want %q", out.String(), want)
	}
	if _, err := c.ContainerRemove(ctx, ctr.ID, client.ContainerRemoveOptions{}); err != nil {
		return fmt.Errorf("remove: %w", err)
	}
	return nil
}

// loadFor runs loadClients clients, each doing rounds until d passes, and
// returns how many rounds they did; every failed round fails the test.
func loadFor(ctx context.Context, t *testing.T, c *client.Client, img string, d time.Duration) int64 {
	t.Helper()
	end := time.Now().Add(d)
	var rounds atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < loadClients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(end) {
				if err := loadRound(ctx, c, img, i); err != nil {
					t.Errorf("client %d: %v", i, err)
					return
				}
				rounds.Add(1)
			}
		}()
	}
	wg.Wait()
	return rounds.Load()
}

// TestAPILoad: 20 clients at once pull, create, attach, start, read
// the output, follow the logs and remove containers, for
// PM_E2E_LOAD_DURATION (a Go duration; 30s unless set, 2m for the
// issue's measure). The service stays up, and after a first third
// (the warm-up) its RSS, fds, threads and goroutines do not grow:
// each is read once the clients are idle, after the warm-up and at the
// end. Built with -race (make e2e-race), a data race fails it too.
func TestAPILoad(t *testing.T) {
	d := 30 * time.Second
	if v := os.Getenv("PM_E2E_LOAD_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatalf("PM_E2E_LOAD_DURATION=%q: %v", v, err)
		}
	}
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0", "--log-level", "info")
	c := sdkClient(t, svc)
	ctx := context.Background()
	img := env.Registry + "/busybox"
	pid := svc.cmd.Process.Pid
	t.Cleanup(func() { c.ImageRemove(ctx, img, client.ImageRemoveOptions{Force: true}) })

	// settled reads the usage once the goroutines of finished requests
	// have ended (the count stops falling), within a deadline.
	settled := func() serviceUsage {
		t.Helper()
		u := readUsage(ctx, t, pid, c)
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			time.Sleep(500 * time.Millisecond)
			next := readUsage(ctx, t, pid, c)
			if next.Goroutines >= u.Goroutines && next.FDs >= u.FDs {
				return next
			}
			u = next
		}
		return u
	}
	warm := loadFor(ctx, t, c, img, d/3)
	base := settled()
	t.Logf("after the warm-up (%d rounds): %s", warm, base)
	n := loadFor(ctx, t, c, img, d-d/3)
	end := settled()
	t.Logf("after %d more rounds: %s", n, end)
	if _, err := c.Ping(ctx, client.PingOptions{}); err != nil {
		t.Fatalf("service down after the load: %v", err)
	}
	select {
	case err := <-svc.done:
		t.Fatalf("service exited during the load: %v", err)
	default:
	}
	if n < loadClients {
		t.Errorf("only %d rounds after the warm-up: the service stalled", n)
	}
	// Flat: what the idle service holds does not grow with the rounds.
	// RSS may wander with the garbage collector's timing (and the race
	// detector's shadow memory), not grow with the work done.
	if end.Goroutines > base.Goroutines+5 {
		t.Errorf("goroutines grew from %d to %d", base.Goroutines, end.Goroutines)
	}
	if end.FDs > base.FDs+3 {
		t.Errorf("fds grew from %d to %d", base.FDs, end.FDs)
	}
	if end.Threads > base.Threads+8 {
		t.Errorf("threads grew from %d to %d", base.Threads, end.Threads)
	}
	if end.RSSKiB > base.RSSKiB+base.RSSKiB/2+32*1024 {
		t.Errorf("RSS grew from %d KiB to %d KiB", base.RSSKiB, end.RSSKiB)
	}
	if out := strings.TrimSpace(env.PM("ps", "-aq").Stdout); out != "" {
		t.Errorf("containers left after the load: %q", out)
	}
}
