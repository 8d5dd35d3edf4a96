package e2e

import (
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

const journalSocket = "/run/systemd/journal/socket"

// journald makes sure a systemd-journald serves this machine: the host's,
// or, where none runs (the CI machine has no systemd), one the test starts
// as root and stops at its end. Its journal is the persistent one, which
// keeps a file per user: a rootless user reads its own entries there.
func journald(t *testing.T) {
	t.Helper()
	if c, err := net.Dial("unixgram", journalSocket); err == nil {
		c.Close()
		return
	}
	if !isRoot {
		t.Skip("no systemd-journald runs, and only root can start one")
	}
	bin := "/lib/systemd/systemd-journald"
	if _, err := os.Stat(bin); err != nil {
		t.Skip("systemd-journald is not installed")
	}
	if st, err := os.Stat("/var/log/journal"); err != nil || !st.IsDir() {
		t.Skip("no persistent journal (/var/log/journal): a rootless user could not read its entries")
	}
	// With this mark (left by a journald that moved its journal to
	// /var/log/journal) journald opens the persistent journal at once.
	if err := os.MkdirAll("/run/systemd/journal", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("/run/systemd/journal/flushed", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting systemd-journald: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	up := func() bool {
		c, err := net.Dial("unixgram", journalSocket)
		if err == nil {
			c.Close()
		}
		return err == nil
	}
	deadline := time.Now().Add(10 * time.Second)
	for !up() {
		if time.Now().After(deadline) {
			t.Fatal("systemd-journald did not open its socket in 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestLogsJournald: a container with the journald log driver logs to the
// journal, and pm logs reads it back as it reads the k8s-file log: the
// same lines on the same streams, --tail, --follow (of an exited and of a
// running container). json-file is Docker's name for the file driver.
func TestLogsJournald(t *testing.T) {
	journald(t)
	env := newEnv(t)
	env.pull("busybox")
	script := "echo out1; echo err1 >&2; echo out2; printf last"
	for _, d := range []string{"k8s-file", "journald"} {
		env.PMOK("run", "--name", d, "--log-driver", d, "busybox", "sh", "-c", script)
	}
	// The journal takes conmon's entries a moment after conmon sends them.
	env.waitFor(10*time.Second, "the journal to hold the container's last entry", func() bool {
		return strings.Contains(env.PMOK("logs", "journald").Stdout, "last")
	})
	// Each stream's lines (the order across the two streams is the order
	// conmon read its pipes in, which differs from run to run).
	for _, args := range [][]string{{"logs"}, {"--events-backend", "journald", "logs", "-f"}} {
		want := env.PMOK(append(args, "k8s-file")...)
		got := env.PMOK(append(args, "journald")...)
		if got.Stdout != want.Stdout || got.Stderr != want.Stderr {
			t.Errorf("pm %s of the journald log: stdout %q stderr %q, want those of the k8s-file log: %q %q",
				strings.Join(args, " "), got.Stdout, got.Stderr, want.Stdout, want.Stderr)
		}
	}
	env.PMOK("run", "--name", "tail", "--log-driver", "journald", "busybox", "sh", "-c", "echo a; echo b; echo c")
	env.waitFor(10*time.Second, "the journal to hold the container's last entry", func() bool {
		return strings.Contains(env.PMOK("logs", "tail").Stdout, "c")
	})
	if got := env.PMOK("logs", "--tail", "2", "tail").Stdout; got != "b\nc\n" {
		t.Errorf("logs --tail 2: %q, want b and c", got)
	}
	if got := env.PMOK("logs", "--since", time.Now().Add(time.Hour).Format(time.RFC3339), "journald").Stdout; got != "" {
		t.Errorf("logs --since an hour ahead: %q, want nothing", got)
	}
	if got := env.PMOK("inspect", "--format", "{{.HostConfig.LogConfig.Type}}", "journald").Stdout; got != "journald\n" {
		t.Errorf("LogConfig.Type = %q, want journald", got)
	}

	// Following a running container: its lines as they come, and the end
	// once it exits.
	env.PMOK("run", "-d", "--name", "running", "--log-driver", "journald", "busybox", "sh", "-c", "echo first; sleep 2; echo second")
	if got := env.PMOK("--events-backend", "journald", "logs", "-f", "running").Stdout; got != "first\nsecond\n" {
		t.Errorf("logs -f of a running container: %q, want first and second", got)
	}

	env.PMOK("run", "--name", "jf", "--log-driver", "json-file", "busybox", "echo", "hi")
	if got := env.PMOK("inspect", "--format", "{{.HostConfig.LogConfig.Type}}", "jf").Stdout; got != "json-file\n" {
		t.Errorf("json-file: LogConfig.Type = %q, want json-file kept", got)
	}
	path := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.HostConfig.LogConfig.Path}}", "jf").Stdout)
	if b, err := os.ReadFile(path); err != nil || !strings.Contains(string(b), " stdout F hi") {
		t.Errorf("json-file: the log file %q: %q, %v; want the k8s-file line of hi", path, b, err)
	}
	if got := env.PMOK("logs", "jf").Stdout; got != "hi\n" {
		t.Errorf("json-file: logs = %q, want hi", got)
	}
	env.PMOK("rm", "-af", "-t", "0")
}
