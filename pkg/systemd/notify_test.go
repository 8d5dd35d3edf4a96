package systemd

import (
	"fmt"
	"net"
	"path/filepath"
	"testing"
	"time"
)

func listen(t *testing.T, addr string) *net.UnixConn {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func receive(t *testing.T, c *net.UnixConn) string {
	t.Helper()
	buf := make([]byte, 4096)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	return string(buf[:n])
}

func TestNotify(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "notify.sock")
	abstract := fmt.Sprintf("@pm-test-notify-%d", time.Now().UnixNano())
	for _, addr := range []string{path, abstract} {
		c := listen(t, addr)
		if err := NotifyReady(addr, 4242); err != nil {
			t.Fatalf("NotifyReady(%s): %v", addr, err)
		}
		if got := receive(t, c); got != "MAINPID=4242\nREADY=1" {
			t.Errorf("%s received %q", addr, got)
		}
		if err := Notify(addr, "STATUS=up"); err != nil {
			t.Fatal(err)
		}
		if got := receive(t, c); got != "STATUS=up" {
			t.Errorf("%s received %q", addr, got)
		}
	}
	if err := Notify("relative/sock", "READY=1"); err == nil {
		t.Error("relative socket path: no error")
	}
	if err := Notify(filepath.Join(t.TempDir(), "none.sock"), "READY=1"); err == nil {
		t.Error("missing socket: no error")
	}
}
