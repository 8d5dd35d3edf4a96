package specgen

import (
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// Namespace modes of --pid and --uts besides container:NAME and ns:PATH.
const (
	NSHost    = "host"
	NSPrivate = "private"
)

// validateNamespaces checks --pid, --uts, --domainname, --oom-score-adj
// and the resource limits' ranges of the Docker API's fields.
func (s *Spec) validateNamespaces() error {
	switch s.PID {
	case "", NSHost, NSPrivate:
	default:
		target, isCtr := strings.CutPrefix(s.PID, "container:")
		path, isNS := strings.CutPrefix(s.PID, "ns:")
		if !(isCtr && target != "") && !(isNS && strings.HasPrefix(path, "/")) {
			return define.Invalidf("invalid --pid %q: use host, private, container:NAME or ns:PATH", s.PID)
		}
	}
	switch s.UTS {
	case "", NSHost, NSPrivate:
	default:
		if path, ok := strings.CutPrefix(s.UTS, "ns:"); !ok || !strings.HasPrefix(path, "/") {
			return define.Invalidf("invalid --uts %q: use host, private or ns:PATH", s.UTS)
		}
	}
	if s.UTS == NSHost && s.Hostname != "" {
		return define.Invalidf("conflicting options: --hostname and --uts host")
	}
	if s.UTS == NSHost && s.Domainname != "" {
		return define.Invalidf("conflicting options: a domain name and --uts host")
	}
	if a := s.OOMScoreAdj; a != nil && (*a < -1000 || *a > 1000) {
		return define.Invalidf("invalid --oom-score-adj %d: the range is -1000 to 1000", *a)
	}
	r := &s.Resources
	if r.CPUPeriod != 0 && (r.CPUPeriod < 1000 || r.CPUPeriod > 1000000) {
		return define.Invalidf("invalid --cpu-period %d: CPU cfs period can not be less than 1ms (1000) or larger than 1s (1000000)", r.CPUPeriod)
	}
	if r.CPUQuota > 0 && r.CPUQuota < 1000 {
		return define.Invalidf("invalid --cpu-quota %d: CPU cfs quota can not be less than 1ms (1000)", r.CPUQuota)
	}
	if r.CPUs > 0 && (r.CPUPeriod != 0 || r.CPUQuota != 0) {
		return define.Invalidf("conflicting options: --cpus and --cpu-period/--cpu-quota cannot both be set")
	}
	if r.CPURtPeriod != 0 && r.CPURtRuntime > int64(r.CPURtPeriod) {
		return define.Invalidf("invalid --cpu-rt-runtime %d: cpu real-time runtime cannot be higher than cpu real-time period", r.CPURtRuntime)
	}
	if sw := r.MemorySwappiness; sw != nil && (*sw < 0 || *sw > 100) {
		return define.Invalidf("invalid --memory-swappiness %d: the range is 0 to 100", *sw)
	}
	if r.BlkioWeight != 0 && (r.BlkioWeight < 10 || r.BlkioWeight > 1000) {
		return define.Invalidf("invalid --blkio-weight %d: the range is 10 to 1000", r.BlkioWeight)
	}
	for _, d := range r.BlkioWeightDevices {
		if d.Value < 10 || d.Value > 1000 {
			return define.Invalidf("invalid --blkio-weight-device %s:%d: the range is 10 to 1000", d.Path, d.Value)
		}
	}
	for _, rule := range r.DeviceCgroupRules {
		if _, err := ParseDeviceCgroupRule(rule); err != nil {
			return err
		}
	}
	return nil
}

// DeviceCgroupRule is one parsed --device-cgroup-rule: type (a, b or c),
// major and minor (nil for *) and access (a subset of rwm).
type DeviceCgroupRule struct {
	Type         string
	Major, Minor *int64
	Access       string
}

// ParseDeviceCgroupRule parses "TYPE MAJOR:MINOR ACCESS", e.g. "c 1:3 rwm"
// or "b 8:* r".
func ParseDeviceCgroupRule(s string) (DeviceCgroupRule, error) {
	bad := define.Invalidf("invalid --device-cgroup-rule %q: use TYPE MAJOR:MINOR ACCESS, such as 'c 1:3 rwm'", s)
	f := strings.Fields(s)
	if len(f) != 3 {
		return DeviceCgroupRule{}, bad
	}
	r := DeviceCgroupRule{Type: f[0], Access: f[2]}
	if r.Type != "a" && r.Type != "b" && r.Type != "c" {
		return r, bad
	}
	maj, min, ok := strings.Cut(f[1], ":")
	if !ok {
		return r, bad
	}
	num := func(v string) (*int64, bool) {
		if v == "*" {
			return nil, true
		}
		var n int64
		for _, c := range v {
			if c < '0' || c > '9' || n > 1<<31 {
				return nil, false
			}
			n = n*10 + int64(c-'0')
		}
		return &n, v != ""
	}
	if r.Major, ok = num(maj); !ok {
		return r, bad
	}
	if r.Minor, ok = num(min); !ok {
		return r, bad
	}
	if r.Access == "" || strings.Trim(r.Access, "rwm") != "" {
		return r, bad
	}
	return r, nil
}

// IsZero reports whether no resource limit is asked for.
func (r *Resources) IsZero() bool {
	return r.PidsLimit == 0 && r.MemoryBytes == 0 && r.CPUs == 0 && r.CPUShares == 0 && r.CPUSetCPUs == "" &&
		r.MemoryReservation == 0 && r.MemorySwap == 0 && !r.Given && r.CPUPeriod == 0 && r.CPUQuota == 0 &&
		r.CPURtPeriod == 0 && r.CPURtRuntime == 0 && r.CPUSetMems == "" && r.MemorySwappiness == nil &&
		!r.OOMKillDisable && r.BlkioWeight == 0 && len(r.BlkioWeightDevices) == 0 && len(r.DeviceReadBps) == 0 &&
		len(r.DeviceWriteBps) == 0 && len(r.DeviceReadIOps) == 0 && len(r.DeviceWriteIOps) == 0 &&
		len(r.DeviceCgroupRules) == 0 && r.CgroupParent == ""
}
