package libpod

import (
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/network"
)

// Addresses on bridge networks are handed out as Podman's IPAM does: each
// network remembers the last address it gave, and the next container
// gets the first free one after it, wrapping around at the end of the
// range. A container that leaves a network and joins it again (or a new
// one) so gets a new address rather than the one just freed, which
// another host may still have in its ARP cache. What is used comes from
// the attachment files; the last addresses live in ipamDir, beside them,
// and go with the runtime directory.

// ipamDir holds one file per bridge network: the last address it gave.
func (r *Runtime) ipamDir() string { return filepath.Join(r.cfg.TmpDir, "netns", "ipam") }

// ForgetNetworkAddresses drops the record of the last address network
// name gave, once the network is removed.
func (r *Runtime) ForgetNetworkAddresses(name string) {
	os.Remove(filepath.Join(r.ipamDir(), name))
	// What a pm killed while it wrote the record left (writeFileAtomic).
	os.Remove(filepath.Join(r.ipamDir(), name+".tmp"))
}

// removeIPAMTemps removes the half-written records (writeFileAtomic's
// temporary files) of pms killed while they wrote them. Records are
// written only under the network-bridge lock, which the caller holds.
func (r *Runtime) removeIPAMTemps() {
	tmps, _ := filepath.Glob(filepath.Join(r.ipamDir(), "*.tmp"))
	for _, t := range tmps {
		os.Remove(t)
	}
}

// ipAllocator hands out addresses for one setup. The caller holds the
// network-bridge lock from newIPAllocator to the attachment file's write.
type ipAllocator struct {
	dir  string
	used map[string]bool // "network/address" of other containers
}

// newIPAllocator reads the addresses containers other than except hold.
func (r *Runtime) newIPAllocator(except string) (*ipAllocator, error) {
	a := &ipAllocator{dir: r.ipamDir(), used: map[string]bool{}}
	r.removeIPAMTemps()
	var files []string
	// A setup that did not finish may hold its addresses until the
	// teardown after it.
	for _, dir := range []string{r.attachDir(), r.pendingDir()} {
		ents, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		for _, e := range ents {
			if e.Name() != except {
				files = append(files, filepath.Join(dir, e.Name()))
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var o network.Options
		if json.Unmarshal(b, &o) == nil {
			for name, p := range o.Networks {
				for _, ip := range p.StaticIPs {
					a.used[name+"/"+ip] = true
				}
			}
		}
	}
	return a, nil
}

// next is the first free address of n's lease range (or subnet) after the
// last one n gave, not its gateway; it becomes n's last.
func (a *ipAllocator) next(n *define.Network) (string, error) {
	lastPath := filepath.Join(a.dir, n.Name)
	var last uint32
	if b, err := os.ReadFile(lastPath); err == nil {
		if ip := net.ParseIP(strings.TrimSpace(string(b))).To4(); ip != nil {
			last = toU32(ip)
		}
	}
	for _, s := range n.Subnets {
		_, ipn, err := net.ParseCIDR(s.Subnet)
		if err != nil || ipn.IP.To4() == nil {
			continue
		}
		start, end := toU32(ipn.IP)+1, toU32(ipn.IP)|^toU32(net.IP(ipn.Mask))-1
		if lr := s.LeaseRange; lr != nil {
			if ip := net.ParseIP(lr.StartIP); ip != nil && ip.To4() != nil {
				start = toU32(ip)
			}
			if ip := net.ParseIP(lr.EndIP); ip != nil && ip.To4() != nil {
				end = toU32(ip)
			}
		}
		if start > end {
			continue
		}
		x := start
		if last >= start && last < end {
			x = last + 1
		}
		for i := uint64(0); i <= uint64(end-start); i++ {
			ip := net.IPv4(byte(x>>24), byte(x>>16), byte(x>>8), byte(x)).String()
			if ip != s.Gateway && !a.used[n.Name+"/"+ip] {
				a.used[n.Name+"/"+ip] = true
				// Losing the record only makes the next address the first free.
				if os.MkdirAll(a.dir, 0o700) == nil {
					_ = writeFileAtomic(lastPath, []byte(ip+"\n"), 0o600)
				}
				return ip, nil
			}
			if x == end {
				x = start
			} else {
				x++
			}
		}
	}
	return "", define.Errorf(define.ErrConflict, "no free address left in network %s", n.Name)
}

func toU32(ip net.IP) uint32 {
	v := ip.To4()
	return uint32(v[0])<<24 | uint32(v[1])<<16 | uint32(v[2])<<8 | uint32(v[3])
}
