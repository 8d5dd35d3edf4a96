package libpod

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/pm-project/pm/libpod/oci"
)

// cgroupControllers are the cgroup controllers pm can use for its
// containers: on cgroup v2 those enabled in the user's own cgroup (what
// it was delegated); on v1 the mounted ones for root, none rootless.
func cgroupControllers(rootless bool) []string {
	if oci.CgroupVersion() == "v2" {
		own := "/"
		if b, err := os.ReadFile("/proc/self/cgroup"); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if p, ok := strings.CutPrefix(line, "0::"); ok {
					own = p
				}
			}
		}
		b, err := os.ReadFile(filepath.Join("/sys/fs/cgroup", own, "cgroup.controllers"))
		if err != nil {
			return []string{}
		}
		return strings.Fields(string(b))
	}
	if rootless {
		return []string{}
	}
	f, err := os.Open("/proc/cgroups")
	if err != nil {
		return []string{}
	}
	defer f.Close()
	out := []string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fl := strings.Fields(sc.Text())
		if len(fl) == 4 && !strings.HasPrefix(fl[0], "#") && fl[3] == "1" {
			out = append(out, fl[0])
		}
	}
	return out
}

// HostFacts are what the Docker API's /info reports beyond pm info: IPv4
// forwarding, the init binary --init uses, and whether seccomp filters
// can apply.
type HostFacts struct {
	IPv4Forwarding bool
	InitPath       string // "" when there is none
	InitVersion    string
	Seccomp        bool
}

// HostFacts reads the host facts of the Docker API's /info.
func (r *Runtime) HostFacts(ctx context.Context) HostFacts {
	var f HostFacts
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward"); err == nil {
		f.IPv4Forwarding = strings.TrimSpace(string(b)) == "1"
	}
	if p := r.cfg.Containers.InitPath; p != "" {
		if _, err := os.Stat(p); err == nil {
			f.InitPath = p
			f.InitVersion = oci.VersionOf(ctx, p)
		}
	}
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		f.Seccomp = strings.Contains(string(b), "\nSeccomp:")
	}
	return f
}
