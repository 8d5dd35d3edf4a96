package network

import (
	"bufio"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// failingListener is a real TCP listener whose first accepts fail as the
// kernel's would with no file descriptor left.
type failingListener struct {
	net.Listener
	fails atomic.Int32 // accepts still to fail
	seen  atomic.Int32 // accepts that failed
}

func (l *failingListener) Accept() (net.Conn, error) {
	if l.fails.Add(-1) >= 0 {
		l.seen.Add(1)
		return nil, &net.OpError{Op: "accept", Net: "tcp", Addr: l.Addr(), Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// echoLine answers one line with the same line.
func echoLine(c net.Conn) {
	defer c.Close()
	line, err := bufio.NewReader(c).ReadString('\n')
	if err == nil {
		c.Write([]byte(line))
	}
}

func roundTrip(t *testing.T, addr, msg string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.Write([]byte(msg + "\n")); err != nil {
		t.Fatal(err)
	}
	got, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || got != msg+"\n" {
		t.Fatalf("answer %q, %v; want %q", got, err, msg)
	}
}

// TestServeTCPAfterFailedAccepts: accepts that fail with EMFILE do not end
// the forwarding; the next connections are served; closing the listener
// ends it.
func TestServeTCPAfterFailedAccepts(t *testing.T) {
	t.Parallel()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &failingListener{Listener: inner}
	l.fails.Store(5)
	done := make(chan struct{})
	go func() {
		serveTCP(l, echoLine)
		close(done)
	}()
	// The connection waits in the backlog while the accepts fail.
	roundTrip(t, inner.Addr().String(), "first")
	if n := l.seen.Load(); n != 5 {
		t.Errorf("%d accepts failed before the first was served, want 5", n)
	}
	roundTrip(t, inner.Addr().String(), "second")
	// More failures later on: still serving.
	l.fails.Store(3)
	roundTrip(t, inner.Addr().String(), "third")
	l.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("serveTCP goes on after its listener was closed")
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	var d time.Duration
	var seq []time.Duration
	for range 12 {
		d = backoff(d)
		seq = append(seq, d)
	}
	if seq[0] != minBackoff || seq[1] != 2*minBackoff || seq[len(seq)-1] != maxBackoff {
		t.Errorf("backoff sequence %v", seq)
	}
}
