package network

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"strings"
)

// offlineArgs configure pasta on a host with no default route (an offline
// laptop, a private network namespace). There Debian 12's pasta finds no
// interface to copy addresses and routes from and refuses to start ("No
// external routable interface"); with the loopback interface as that
// template and an address, gateway and MAC address of its own (those of
// slirp4netns's network; newer pasta picks its own in the same case) it
// runs, and published ports work on the host's addresses.
var offlineArgs = []string{"-i", "lo", "-I", "eth0", "-a", "10.0.2.100", "-n", "24", "-g", "10.0.2.2", "-M", "9a:55:9a:55:9a:55"}

// templateOpts are pasta's options that offlineArgs would repeat: when the
// user gives one, the rest is theirs to give.
var templateOpts = map[string]bool{
	"-i": true, "--interface": true, "-I": true, "--ns-ifname": true, "-a": true, "--address": true,
	"-n": true, "--netmask": true, "-g": true, "--gateway": true, "-M": true, "--mac-addr": true,
}

// setsTemplate reports whether args hold one of templateOpts.
func setsTemplate(args []string) bool {
	for _, a := range args {
		name, _, _ := strings.Cut(a, "=")
		if templateOpts[name] {
			return true
		}
	}
	return false
}

// hasDefaultRoute reports whether the network namespace of the calling
// thread has a default route, IPv4 or IPv6, through an interface other
// than loopback: the interface pasta takes as its template. It says yes
// when the routes cannot be read, so that pasta is run as usual.
func hasDefaultRoute() bool {
	unreadable := 0
	for _, c := range []struct {
		path  string
		route func(io.Reader) bool
	}{{"/proc/thread-self/net/route", defaultRoute4}, {"/proc/thread-self/net/ipv6_route", defaultRoute6}} {
		f, err := os.Open(c.path)
		if err != nil {
			unreadable++
			continue
		}
		ok := c.route(f)
		f.Close()
		if ok {
			return true
		}
	}
	return unreadable == 2
}

// defaultRoute4 reports whether /proc/net/route has a default route that
// is up, on an interface other than lo.
func defaultRoute4(r io.Reader) bool {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		// Iface Destination Gateway Flags RefCnt Use Metric Mask ...
		f := strings.Fields(sc.Text())
		if len(f) < 8 || f[0] == "lo" || f[1] != "00000000" || f[7] != "00000000" {
			continue
		}
		if flags, err := strconv.ParseUint(f[3], 16, 32); err == nil && flags&0x1 != 0 {
			return true
		}
	}
	return false
}

// defaultRoute6 reports whether /proc/net/ipv6_route has a default route
// that is up and not a reject route, on an interface other than lo.
func defaultRoute6(r io.Reader) bool {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		// dest plen src src_plen next_hop metric refcnt use flags iface
		f := strings.Fields(sc.Text())
		if len(f) < 10 || f[9] == "lo" || f[1] != "00" || strings.Trim(f[0], "0") != "" {
			continue
		}
		// RTF_UP, and not RTF_REJECT.
		if flags, err := strconv.ParseUint(f[8], 16, 32); err == nil && flags&0x1 != 0 && flags&0x200 == 0 {
			return true
		}
	}
	return false
}
