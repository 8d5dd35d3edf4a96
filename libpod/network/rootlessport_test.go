package network

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/rootless-containers/rootlesskit/v2/pkg/port"
	"go.podman.io/storage/pkg/reexec"
)

// TestMain lets the test binary run as the port helper.
func TestMain(m *testing.M) {
	if reexec.Init() {
		return
	}
	os.Exit(m.Run())
}

// tcpEcho serves, on 127.0.0.1, one line back per connection; it goes on
// after failed accepts (the EMFILE test starves it too).
func tcpEcho(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err != nil {
				time.Sleep(time.Millisecond)
				continue
			}
			go func() {
				defer c.Close()
				if line, err := bufio.NewReader(c).ReadString('\n'); err == nil {
					c.Write([]byte(line))
				}
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

// udpEcho answers each datagram with itself, on 127.0.0.1.
func udpEcho(t *testing.T) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	go func() {
		b := make([]byte, 1500)
		for {
			n, from, err := c.ReadFrom(b)
			if err != nil {
				return
			}
			c.WriteTo(b[:n], from)
		}
	}()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// freePort is a port nothing listens on now.
func freeTestPort(t *testing.T, proto string) int {
	t.Helper()
	l, err := listen(proto, "127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return int(localPort(l))
}

// echoed sends msg over proto to 127.0.0.1:port and returns the answer.
func echoed(proto string, port int, msg string) (string, error) {
	c, err := net.DialTimeout(proto, "127.0.0.1:"+strconv.Itoa(port), 5*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte(msg + "\n")); err != nil {
		return "", err
	}
	b := make([]byte, 100)
	n, err := c.Read(b)
	return string(b[:n]), err
}

func wantEcho(t *testing.T, proto string, port int, msg string) {
	t.Helper()
	if got, err := echoed(proto, port, msg); err != nil || got != msg+"\n" {
		t.Errorf("%s port %d answers %q, %v; want %q", proto, port, got, err, msg)
	}
}

// helperChildren are the port helpers this process started that still run.
func helperChildren(t *testing.T) []int {
	t.Helper()
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:]))
		if len(f) > 1 && f[0] != "Z" && f[1] == strconv.Itoa(os.Getpid()) && isPortHelper(pid) {
			out = append(out, pid)
		}
	}
	return out
}

func waitNoHelpers(t *testing.T, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(helperChildren(t)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%s: port helpers still run: %v", what, helperChildren(t))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPortSpecs(t *testing.T) {
	t.Parallel()
	got := portSpecs("10.88.0.5", []define.PortMapping{
		{ContainerPort: 80, HostPort: 8080},
		{HostIP: "127.0.0.1", ContainerPort: 9000, HostPort: 8000, Range: 3, Protocol: "udp"},
	})
	want := []port.Spec{
		{Proto: "tcp", ParentPort: 8080, ChildIP: "10.88.0.5", ChildPort: 80},
		{Proto: "udp", ParentIP: "127.0.0.1", ParentPort: 8000, ChildIP: "10.88.0.5", ChildPort: 9000},
		{Proto: "udp", ParentIP: "127.0.0.1", ParentPort: 8001, ChildIP: "10.88.0.5", ChildPort: 9001},
		{Proto: "udp", ParentIP: "127.0.0.1", ParentPort: 8002, ChildIP: "10.88.0.5", ChildPort: 9002},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("portSpecs =\n%+v\nwant\n%+v", got, want)
	}
}

// TestPortDriver runs the real helper: TCP and UDP ports published, a
// busy port refused with nothing left running, and the ports free as
// soon as StopPortDriver returns.
func TestPortDriver(t *testing.T) {
	t.Parallel()
	tcpTarget, udpTarget := tcpEcho(t), udpEcho(t)
	tcpPort, udpPort := freeTestPort(t, "tcp"), freeTestPort(t, "udp")
	dir := filepath.Join(t.TempDir(), "rootlessport")
	o := PortDriverOptions{WatchNS: "/proc/self/ns/net", IP: "127.0.0.1", Dir: dir, Ports: []define.PortMapping{
		{HostIP: "127.0.0.1", HostPort: uint16(tcpPort), ContainerPort: uint16(tcpTarget), Protocol: "tcp"},
		{HostIP: "127.0.0.1", HostPort: uint16(udpPort), ContainerPort: uint16(udpTarget), Protocol: "udp"},
	}}
	if err := StartPortDriver(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { StopPortDriver(dir) })
	wantEcho(t, "tcp", tcpPort, "over tcp")
	wantEcho(t, "udp", udpPort, "over udp")

	// Another container wanting the same TCP port, and a free one.
	other := filepath.Join(t.TempDir(), "rootlessport")
	free := freeTestPort(t, "tcp")
	err := StartPortDriver(t.Context(), PortDriverOptions{WatchNS: "/proc/self/ns/net", IP: "127.0.0.1", Dir: other, Ports: []define.PortMapping{
		{HostIP: "127.0.0.1", HostPort: uint16(free), ContainerPort: uint16(tcpTarget), Protocol: "tcp"},
		{HostIP: "127.0.0.1", HostPort: uint16(tcpPort), ContainerPort: uint16(tcpTarget), Protocol: "tcp"},
	}})
	want := fmt.Sprintf("cannot publish tcp port %d: bind: address already in use", tcpPort)
	if !errors.Is(err, define.ErrConflict) || err.Error() != want {
		t.Errorf("busy port: %v; want ErrConflict %q", err, want)
	}
	if _, err := os.Stat(other); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refused helper's directory: %v", err)
	}
	if l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(free)); err != nil {
		t.Errorf("the refused helper's other port is held: %v", err)
	} else {
		l.Close()
	}
	wantEcho(t, "tcp", tcpPort, "still served")

	if err := StopPortDriver(dir); err != nil {
		t.Fatal(err)
	}
	// Free at once: no wait.
	for _, proto := range []string{"tcp", "udp"} {
		p := map[string]int{"tcp": tcpPort, "udp": udpPort}[proto]
		if l, err := listen(proto, "127.0.0.1", uint16(p)); err != nil {
			t.Errorf("%s port %d held after StopPortDriver: %v", proto, p, err)
		} else {
			l.Close()
		}
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the helper's directory after StopPortDriver: %v", err)
	}
	waitNoHelpers(t, "after StopPortDriver")
	if err := StopPortDriver(dir); err != nil {
		t.Errorf("StopPortDriver again: %v", err)
	}
}

// TestServePortsAfterFailedAccept: rootlesskit closes a listener whose
// accept failed (here with EMFILE); the port is published again once
// file descriptors are back, and another port of the same helper is
// served throughout. Not parallel: it lowers the process's file limit.
func TestServePortsAfterFailedAccept(t *testing.T) {
	target := tcpEcho(t)
	a, b := freeTestPort(t, "tcp"), freeTestPort(t, "tcp")
	specs := []port.Spec{
		{Proto: "tcp", ParentIP: "127.0.0.1", ParentPort: a, ChildIP: "127.0.0.1", ChildPort: target},
		{Proto: "tcp", ParentIP: "127.0.0.1", ParentPort: b, ChildIP: "127.0.0.1", ChildPort: target},
	}
	s, err := servePorts(t.TempDir(), "", specs)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	wantEcho(t, "tcp", a, "before")

	// Take every descriptor but one: the client's socket gets it, the
	// accept of a's listener fails.
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	low := lim
	ents, _ := os.ReadDir("/proc/self/fd")
	low.Cur = uint64(len(ents) + 64)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Fatal(err)
	}
	var fill []*os.File
	for {
		f, err := os.Open(os.DevNull)
		if err != nil {
			break
		}
		fill = append(fill, f)
	}
	fill[len(fill)-1].Close()
	fill = fill[:len(fill)-1]
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(a), 5*time.Second)
	var answer string
	if err == nil {
		// Reset once the listener has given up.
		c.SetDeadline(time.Now().Add(5 * time.Second))
		b := make([]byte, 100)
		c.Write([]byte("starved\n"))
		n, _ := c.Read(b)
		answer = string(b[:n])
		c.Close()
	}
	for _, f := range fill {
		f.Close()
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	// The listener may give up before the handshake ends.
	if err != nil && !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dialing with one descriptor left: %v", err)
	}
	if answer != "" {
		t.Fatalf("served with no descriptor left (%q): the test did not starve the driver", answer)
	}

	// Both ports are served again once descriptors are back.
	for _, p := range []int{a, b} {
		deadline := time.Now().Add(10 * time.Second)
		for {
			got, err := echoed("tcp", p, "after")
			if got == "after\n" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("port %d is not served again: %q, %v", p, got, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}
