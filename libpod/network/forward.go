package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/storage/pkg/reexec"
	"golang.org/x/sys/unix"
)

// forwarderName is the port forwarder's argv[0] and comm: pm re-executed
// (see reexec.Init in main) to carry a bridged container's published ports
// from the host to the container's address in the rootless network
// namespace, which pasta, started before the container, cannot add.
const forwarderName = "pm-portforward"

func init() { reexec.Register(forwarderName, forwarderMain) }

// ForwardOptions say what one container's forwarder carries.
type ForwardOptions struct {
	NSPath  string // where IP is reachable: the rootless network namespace; "" for the host's
	WatchNS string // the container's namespace file: the forwarder exits once it is gone
	IP      string // the container's address
	Ports   []define.PortMapping
	PidFile string // receives the forwarder's pid, for StopForwarder
}

// forwardSpec is the forwarder's argument: its listeners are the files
// from fd 3 on, in the order of Maps.
type forwardSpec struct {
	NS    string   `json:"ns,omitempty"`
	Watch []string `json:"watch"`
	Maps  []struct {
		Proto  string `json:"proto"`
		Target string `json:"target"`
	} `json:"maps"`
}

// StartForwarder binds every host port of o.Ports here, in the host's
// network namespace (a busy port is an ErrConflict and leaves nothing),
// and hands the sockets to a detached forwarder process.
func StartForwarder(o ForwardOptions) error {
	var spec forwardSpec
	spec.NS = o.NSPath
	spec.Watch = []string{o.WatchNS}
	if o.NSPath != "" {
		spec.Watch = append(spec.Watch, o.NSPath)
	}
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for _, p := range o.Ports {
		proto := p.Protocol
		if proto == "" {
			proto = "tcp"
		}
		for j := uint16(0); j < max(p.Range, 1); j++ {
			port := p.HostPort + j
			f, err := bindFile(proto, p.HostIP, port)
			if err != nil {
				return define.Errorf(define.ErrConflict, "cannot publish %s port %d: %v", proto, port, err)
			}
			files = append(files, f)
			spec.Maps = append(spec.Maps, struct {
				Proto  string `json:"proto"`
				Target string `json:"target"`
			}{proto, net.JoinHostPort(o.IP, strconv.Itoa(int(p.ContainerPort+j)))})
		}
	}
	if len(files) == 0 {
		return nil
	}
	arg, _ := json.Marshal(spec)
	cmd := &exec.Cmd{
		Path:       reexec.Self(),
		Args:       []string{forwarderName, string(arg)},
		ExtraFiles: files,
		// Its own session, no stdio of the caller's, and no death
		// signal: it outlives a short-lived pm.
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the port forwarder: %w", err)
	}
	// Reaps it in a long-lived pm (system service).
	go func() {
		defer define.Recover("reaping the port forwarder", nil)
		cmd.Wait()
	}()
	if err := os.WriteFile(o.PidFile, []byte(strconv.Itoa(cmd.Process.Pid)), 0o600); err != nil {
		cmd.Process.Kill()
		return err
	}
	return nil
}

func bindFile(proto, ip string, port uint16) (*os.File, error) {
	addr := net.JoinHostPort(ip, strconv.Itoa(int(port)))
	var err error
	switch proto {
	case "tcp":
		var l net.Listener
		if l, err = net.Listen("tcp", addr); err == nil {
			defer l.Close()
			return l.(*net.TCPListener).File()
		}
	case "udp":
		var c net.PacketConn
		if c, err = net.ListenPacket("udp", addr); err == nil {
			defer c.Close()
			return c.(*net.UDPConn).File()
		}
	default:
		return nil, fmt.Errorf("protocol %s: %w", proto, errors.ErrUnsupported)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return nil, op.Err
	}
	return nil, err
}

// StopForwarder ends the forwarder recorded in pidFile, so that its ports
// are free when it returns, and removes the file. A missing file is not
// an error.
func StopForwarder(pidFile string) error {
	b, err := os.ReadFile(pidFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer os.Remove(pidFile)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 || !isForwarder(pid) {
		return nil
	}
	syscall.Kill(pid, syscall.SIGTERM)
	for i := 0; i < 400 && isForwarder(pid); i++ {
		time.Sleep(5 * time.Millisecond)
		if i == 300 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return nil
}

// isForwarder reports whether pid is a live forwarder (its comm is
// pm-portforward once it runs, argv[0] from the start).
func isForwarder(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return false
	}
	if st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil && strings.Contains(string(st), ") Z ") {
		return false
	}
	arg0, _, _ := strings.Cut(string(b), "\x00")
	return arg0 == forwarderName
}

// forwarderMain is the forwarder process.
func forwarderMain() {
	os.WriteFile("/proc/self/comm", []byte(forwarderName), 0)
	signal.Ignore(syscall.SIGHUP, syscall.SIGPIPE)
	var spec forwardSpec
	if len(os.Args) < 2 || json.Unmarshal([]byte(os.Args[1]), &spec) != nil {
		os.Exit(2)
	}
	for i, m := range spec.Maps {
		f := os.NewFile(uintptr(3+i), m.Proto)
		switch m.Proto {
		case "tcp":
			l, err := net.FileListener(f)
			if err != nil {
				os.Exit(1)
			}
			go func() {
				defer define.Recover("forwarding a TCP port", nil)
				forwardTCP(l, spec.NS, m.Target)
			}()
		case "udp":
			c, err := net.FilePacketConn(f)
			if err != nil {
				os.Exit(1)
			}
			go func() {
				defer define.Recover("forwarding a UDP port", nil)
				forwardUDP(c, spec.NS, m.Target)
			}()
		}
		f.Close()
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	tick := time.NewTicker(500 * time.Millisecond)
	for {
		select {
		case <-sigs:
			os.Exit(0)
		case <-tick.C:
			for _, p := range spec.Watch {
				var sf unix.Statfs_t
				if unix.Statfs(p, &sf) != nil || sf.Type != unix.NSFS_MAGIC {
					os.Exit(0)
				}
			}
		}
	}
}

// dialIn connects to addr from the namespace at ns (the host's for "").
// The socket keeps the namespace it was made in, so only the dial needs
// the namespace's thread.
func dialIn(ns, proto, addr string) (net.Conn, error) {
	if ns == "" {
		return net.DialTimeout(proto, addr, 10*time.Second)
	}
	var c net.Conn
	err := InNS(ns, func() (err error) {
		c, err = net.DialTimeout(proto, addr, 10*time.Second)
		return err
	})
	return c, err
}

func forwardTCP(l net.Listener, ns, target string) {
	serveTCP(l, func(c net.Conn) {
		defer c.Close()
		up, err := dialIn(ns, "tcp", target)
		if err != nil {
			return
		}
		defer up.Close()
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer define.Recover("copying a forwarded connection", nil)
			io.Copy(up, c)
			up.(*net.TCPConn).CloseWrite()
		}()
		io.Copy(c, up)
		c.(*net.TCPConn).CloseWrite()
		<-done
	})
}

// Bounds of the pause after a failed accept or read.
const (
	minBackoff = 5 * time.Millisecond
	maxBackoff = time.Second
)

// serveTCP accepts connections on l and hands each to serve in a
// goroutine of its own, until l is closed. A failed accept (no file
// descriptor left, a connection aborted before it was accepted) ends
// nothing: the published port goes on, after a pause that grows while
// accepts keep failing.
func serveTCP(l net.Listener, serve func(net.Conn)) {
	var delay time.Duration
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			delay = backoff(delay)
			time.Sleep(delay)
			continue
		}
		delay = 0
		go func() {
			defer define.Recover("serving a forwarded connection", nil)
			serve(c)
		}()
	}
}

// backoff returns the pause after one more failure in a row.
func backoff(d time.Duration) time.Duration {
	if d == 0 {
		return minBackoff
	}
	return min(2*d, maxBackoff)
}

// forwardUDP relays datagrams, with one upstream socket per client
// address, dropped after a minute of silence.
func forwardUDP(pc net.PacketConn, ns, target string) {
	var mu sync.Mutex
	ups := map[string]net.Conn{}
	buf := make([]byte, 65535)
	var delay time.Duration
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			// As for TCP: only a closed socket ends the forwarding.
			if errors.Is(err, net.ErrClosed) {
				return
			}
			delay = backoff(delay)
			time.Sleep(delay)
			continue
		}
		delay = 0
		key := from.String()
		mu.Lock()
		up := ups[key]
		mu.Unlock()
		if up == nil {
			if up, err = dialIn(ns, "udp", target); err != nil {
				continue
			}
			mu.Lock()
			ups[key] = up
			mu.Unlock()
			go func(up net.Conn, from net.Addr) {
				defer define.Recover("forwarding UDP replies", nil)
				b := make([]byte, 65535)
				for {
					up.SetReadDeadline(time.Now().Add(time.Minute))
					n, err := up.Read(b)
					if err != nil {
						break
					}
					pc.WriteTo(b[:n], from)
				}
				mu.Lock()
				delete(ups, from.String())
				mu.Unlock()
				up.Close()
			}(up, from)
		}
		up.Write(buf[:n])
	}
}
