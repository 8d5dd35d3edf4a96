package network

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// SlirpCIDR is slirp4netns's network unless --cidr says otherwise.
const SlirpCIDR = "10.0.2.0/24"

// SlirpAddrs are slirp4netns's fixed places in its network: the gateway
// (reaching the host) at .2, the DNS forwarder at .3 and the guest at .100,
// and the network's prefix length.
type SlirpAddrs struct {
	Gateway, DNS, Guest string
	Prefix              int
}

// SlirpAddrsOf gives the addresses slirp4netns uses in cidr ("" for its
// default network).
func SlirpAddrsOf(cidr string) (SlirpAddrs, error) {
	if cidr == "" {
		cidr = SlirpCIDR
	}
	_, n, err := net.ParseCIDR(cidr)
	if err != nil || n.IP.To4() == nil {
		return SlirpAddrs{}, define.Invalidf("invalid slirp4netns cidr %q: want an IPv4 network such as %s", cidr, SlirpCIDR)
	}
	if ones, _ := n.Mask.Size(); ones > 25 {
		return SlirpAddrs{}, define.Invalidf("invalid slirp4netns cidr %q: the network must hold at least 128 addresses", cidr)
	}
	at := func(off byte) string {
		ip := append(net.IP{}, n.IP.To4()...)
		ip[3] += off
		return ip.String()
	}
	ones, _ := n.Mask.Size()
	return SlirpAddrs{Gateway: at(2), DNS: at(3), Guest: at(100), Prefix: ones}, nil
}

// SlirpOptions say how slirp4netns connects one network namespace.
type SlirpOptions struct {
	Path      string // the slirp4netns binary
	NSPath    string
	APISocket string // for port forwarding; removed and re-created
	PidFile   string
	// LogFile receives slirp4netns's stderr while it starts, for the
	// error; it is removed once it runs. A teardown removes one that a
	// killed pm left.
	LogFile string
	Ports   []define.PortMapping
	// AllowHostLoopback lets the container reach 127.0.0.1 of the host
	// through the gateway (allow_host_loopback=true).
	AllowHostLoopback bool
	// Guest is the container's address, where published ports go.
	Guest string
	Args  []string
	// ExitFD, when set, is the read end of a pipe: slirp4netns exits
	// once every copy of its write end is closed. Whoever holds the
	// write end (pm while it sets the container up, then conmon) keeps
	// slirp4netns alive, so that one killed at any moment leaves no
	// slirp4netns behind. StartSlirp closes it.
	ExitFD *os.File
}

// StartSlirp runs slirp4netns for the namespace at o.NSPath and publishes
// o.Ports through its API socket. It returns slirp4netns's pid, which the
// caller stops at teardown.
func StartSlirp(ctx context.Context, o SlirpOptions) (pid int, retErr error) {
	os.Remove(o.APISocket)
	if o.ExitFD != nil {
		defer o.ExitFD.Close()
	}
	readyR, readyW, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	defer readyR.Close()
	args := []string{"--configure", "--mtu=65520", "--enable-sandbox", "--netns-type=path",
		"--api-socket", o.APISocket, "--ready-fd=3"}
	files := []*os.File{readyW}
	if o.ExitFD != nil {
		args = append(args, "--exit-fd=4")
		files = append(files, o.ExitFD)
	}
	if !o.AllowHostLoopback {
		args = append(args, "--disable-host-loopback")
	}
	args = append(args, o.Args...)
	args = append(args, o.NSPath, "tap0")
	cmd := exec.Command(o.Path, args...)
	cmd.ExtraFiles = files
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	logf, err := os.OpenFile(o.LogFile, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err == nil {
		defer os.Remove(logf.Name())
		defer logf.Close()
		cmd.Stderr = logf
	}
	if err := cmd.Start(); err != nil {
		readyW.Close()
		return 0, fmt.Errorf("starting slirp4netns: %w", err)
	}
	readyW.Close()
	child := cmd.Process.Pid
	// Recorded at once, so that a teardown after a pm killed while
	// slirp4netns starts finds it (StopSlirp checks what runs there).
	if o.PidFile != "" {
		if err := os.WriteFile(o.PidFile, []byte(strconv.Itoa(child)), 0o600); err != nil {
			syscall.Kill(child, syscall.SIGKILL)
			return 0, err
		}
	}
	// slirp4netns keeps running; nothing in this process waits for it.
	go func() {
		defer define.Recover("reaping slirp4netns", nil)
		cmd.Wait()
	}()
	defer func() {
		// child, not pid: a failure returns pid 0, and kill(0) would
		// kill pm's own process group.
		if retErr != nil {
			syscall.Kill(child, syscall.SIGKILL)
		}
	}()
	ready := make(chan error, 1)
	go func() {
		var err error
		defer func() { ready <- err }()
		defer define.Recover("waiting for slirp4netns", &err)
		b := make([]byte, 1)
		_, err = readyR.Read(b)
	}()
	select {
	case err := <-ready:
		if err != nil {
			msg := ""
			if logf != nil {
				b, _ := os.ReadFile(logf.Name())
				msg = pastaMessage(string(b))
			}
			return 0, fmt.Errorf("slirp4netns did not start: %s", msg)
		}
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(30 * time.Second):
		return 0, errors.New("slirp4netns did not start in 30 seconds")
	}
	for _, p := range o.Ports {
		for j := uint16(0); j < max(p.Range, 1); j++ {
			if err := slirpForward(o.APISocket, o.Guest, p, j); err != nil {
				return 0, err
			}
		}
	}
	return child, nil
}

// slirpForward asks slirp4netns to forward one host port to the guest.
func slirpForward(sock, guest string, p define.PortMapping, off uint16) error {
	c, err := net.Dial("unix", sock)
	if err != nil {
		return fmt.Errorf("connecting to slirp4netns: %w", err)
	}
	defer c.Close()
	hostAddr := p.HostIP
	if hostAddr == "" {
		hostAddr = "0.0.0.0"
	}
	req := map[string]any{
		"execute": "add_hostfwd",
		"arguments": map[string]any{
			"proto": p.Protocol, "host_addr": hostAddr, "host_port": int(p.HostPort + off),
			"guest_addr": guest, "guest_port": int(p.ContainerPort + off),
		},
	}
	if err := json.NewEncoder(c).Encode(req); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadBytes('\n')
	if err != nil && len(line) == 0 {
		return fmt.Errorf("reading slirp4netns's answer: %w", err)
	}
	var resp struct {
		Error *struct{ Desc string } `json:"error"`
	}
	if err := json.Unmarshal(line, &resp); err != nil {
		return fmt.Errorf("parsing slirp4netns's answer %q: %w", line, err)
	}
	if resp.Error != nil {
		return define.Errorf(define.ErrConflict, "publishing %s port %d with slirp4netns: %s", p.Protocol, p.HostPort+off, resp.Error.Desc)
	}
	return nil
}

// StopSlirp stops the slirp4netns recorded in pidFile, if it still runs.
func StopSlirp(pidFile string) error {
	b, err := os.ReadFile(pidFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	pid, err := strconv.Atoi(string(b))
	if err == nil && pid > 0 && isSlirp(pid) {
		syscall.Kill(pid, syscall.SIGTERM)
	}
	return os.Remove(pidFile)
}

func isSlirp(pid int) bool {
	exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	return err == nil && len(exe) >= len("slirp4netns") && exe[len(exe)-len("slirp4netns"):] == "slirp4netns"
}
