package network

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// DNSForward is the address in the container that pasta forwards to the
// host's resolver, as Podman's; resolv.conf names it.
const DNSForward = "169.254.1.1"

// PastaOptions say how pasta connects one network namespace.
type PastaOptions struct {
	Path   string // the pasta binary
	NSPath string // the namespace file made by NewNS
	Ports  []define.PortMapping
	// Args are extra options from containers.conf or --network pasta:...
	Args []string
	// PidFile, when set, receives pasta's pid, for StopPasta.
	PidFile string
	// NoRoute says that the host has no default route: pasta then gets
	// offlineArgs (StartPasta sets it).
	NoRoute bool
}

// PastaArgs builds pasta's command line.
func PastaArgs(o PastaOptions) []string {
	args := []string{"--config-net", "--quiet", "--dns-forward", DNSForward}
	var tcp, udp []string
	for _, p := range o.Ports {
		spec := portSpec(p)
		switch p.Protocol {
		case "udp":
			udp = append(udp, spec)
		default:
			tcp = append(tcp, spec)
		}
	}
	if len(tcp) == 0 {
		tcp = []string{"none"}
	}
	if len(udp) == 0 {
		udp = []string{"none"}
	}
	for _, s := range tcp {
		args = append(args, "-t", s)
	}
	for _, s := range udp {
		args = append(args, "-u", s)
	}
	args = append(args, "-T", "none", "-U", "none")
	if o.NoRoute {
		args = append(args, offlineArgs...)
	}
	args = append(args, o.Args...)
	if o.PidFile != "" {
		args = append(args, "--pid", o.PidFile)
	}
	return append(args, "--netns", o.NSPath)
}

// portSpec is pasta's [ADDR/]HOST[-HOST_END]:CTR[-CTR_END].
func portSpec(p define.PortMapping) string {
	n := p.Range
	if n == 0 {
		n = 1
	}
	rng := func(start uint16) string {
		if n == 1 {
			return strconv.Itoa(int(start))
		}
		return fmt.Sprintf("%d-%d", start, int(start)+int(n)-1)
	}
	s := rng(p.HostPort) + ":" + rng(p.ContainerPort)
	if p.HostIP != "" {
		s = p.HostIP + "/" + s
	}
	return s
}

// StartPasta runs pasta for the namespace at o.NSPath. pasta daemonizes
// once the namespace is configured and its ports are bound, and exits when
// the namespace file is removed. A port already in use is an error. On a
// host with no default route pasta gets an address of its own (see
// offlineArgs), unless o.Args configure it.
func StartPasta(ctx context.Context, o PastaOptions) error {
	if !hasDefaultRoute() && !setsTemplate(o.Args) {
		slog.Info("no default route: pasta uses the address 10.0.2.100 and the gateway 10.0.2.2")
		o.NoRoute = true
	}
	cmd := exec.CommandContext(ctx, o.Path, PastaArgs(o)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := pastaMessage(stderr.String())
		if strings.Contains(msg, "bind") || strings.Contains(msg, "in use") {
			return define.Errorf(define.ErrConflict, "publishing ports with pasta: %s: is the host port already in use?", msg)
		}
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("starting pasta: %s", msg)
	}
	return nil
}

// pastaMessage keeps pasta's meaningful lines, dropping syslog noise.
func pastaMessage(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "Failed to send") {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, ": ")
}

// Gateway returns the IPv4 default gateway of the namespace at nsPath:
// with pasta, the address that reaches the host.
func Gateway(nsPath string) (net.IP, error) {
	var gw net.IP
	err := InNS(nsPath, func() error {
		f, err := os.Open("/proc/thread-self/net/route")
		if err != nil {
			return err
		}
		defer f.Close()
		gw = defaultGateway(f)
		return nil
	})
	return gw, err
}

// defaultGateway parses /proc/net/route for the default route's gateway.
func defaultGateway(r interface{ Read([]byte) (int, error) }) net.IP {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 || f[1] != "00000000" {
			continue
		}
		b, err := hex.DecodeString(f[2])
		if err != nil || len(b) != 4 {
			continue
		}
		ip := make(net.IP, 4)
		binary.LittleEndian.PutUint32(ip, binary.BigEndian.Uint32(b))
		if !ip.IsUnspecified() {
			return ip
		}
	}
	return nil
}
