package generate

import (
	"sort"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// allCaps are the capabilities of Linux 6.x.
var allCaps = []string{
	"CAP_AUDIT_CONTROL", "CAP_AUDIT_READ", "CAP_AUDIT_WRITE", "CAP_BLOCK_SUSPEND", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_KILL", "CAP_LEASE", "CAP_LINUX_IMMUTABLE",
	"CAP_MAC_ADMIN", "CAP_MAC_OVERRIDE", "CAP_MKNOD", "CAP_NET_ADMIN", "CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST", "CAP_NET_RAW", "CAP_PERFMON", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP",
	"CAP_SETUID", "CAP_SYSLOG", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_CHROOT", "CAP_SYS_MODULE",
	"CAP_SYS_NICE", "CAP_SYS_PACCT", "CAP_SYS_PTRACE", "CAP_SYS_RAWIO", "CAP_SYS_RESOURCE",
	"CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_WAKE_ALARM",
}

// DefaultCaps is Podman's default capability set.
var DefaultCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_NET_BIND_SERVICE",
	"CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT",
}

// NormalizeCap turns "net_admin" or "CAP_NET_ADMIN" into "CAP_NET_ADMIN";
// "ALL" stays "ALL".
func NormalizeCap(c string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(c))
	if u == "ALL" {
		return u, nil
	}
	if !strings.HasPrefix(u, "CAP_") {
		u = "CAP_" + u
	}
	for _, k := range allCaps {
		if k == u {
			return u, nil
		}
	}
	return "", define.Invalidf("unknown capability %q", c)
}

// capSet computes the capabilities from a base set and --cap-add/--cap-drop.
func capSet(base, add, drop []string) ([]string, error) {
	set := map[string]bool{}
	for _, c := range base {
		n, err := NormalizeCap(c)
		if err != nil {
			return nil, err
		}
		set[n] = true
	}
	for _, c := range drop {
		n, err := NormalizeCap(c)
		if err != nil {
			return nil, err
		}
		if n == "ALL" {
			set = map[string]bool{}
			continue
		}
		delete(set, n)
	}
	for _, c := range add {
		n, err := NormalizeCap(c)
		if err != nil {
			return nil, err
		}
		if n == "ALL" {
			for _, k := range allCaps {
				set[k] = true
			}
			continue
		}
		set[n] = true
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out, nil
}
