package specgen

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"golang.org/x/sys/unix"
)

// ParseRestart parses --restart: no, on-failure[:N], always, unless-stopped.
func ParseRestart(s string) (RestartPolicy, error) {
	name, n, hasN := strings.Cut(s, ":")
	switch name {
	case "", "no", "always", "unless-stopped":
		if hasN {
			return RestartPolicy{}, define.Invalidf("invalid --restart %q: only on-failure takes a retry count", s)
		}
		if name == "" {
			name = "no"
		}
		return RestartPolicy{Name: name}, nil
	case "on-failure":
		p := RestartPolicy{Name: name}
		if hasN {
			v, err := strconv.ParseUint(n, 10, 32)
			if err != nil {
				return RestartPolicy{}, define.Invalidf("invalid --restart %q: retry count must be a non-negative number", s)
			}
			p.MaxRetries = uint(v)
		}
		return p, nil
	}
	return RestartPolicy{}, define.Invalidf("invalid --restart %q: use no, on-failure[:N], always or unless-stopped", s)
}

var rlimits = map[string]bool{
	"as": true, "core": true, "cpu": true, "data": true, "fsize": true, "locks": true,
	"memlock": true, "msgqueue": true, "nice": true, "nofile": true, "nproc": true,
	"rss": true, "rtprio": true, "rttime": true, "sigpending": true, "stack": true,
}

// ParseUlimit parses --ulimit name=soft[:hard]; -1 means unlimited.
func ParseUlimit(s string) (Ulimit, error) {
	name, vals, ok := strings.Cut(s, "=")
	if !ok || vals == "" {
		return Ulimit{}, define.Invalidf("invalid --ulimit %q: use name=soft[:hard]", s)
	}
	name = strings.TrimPrefix(strings.ToLower(name), "rlimit_")
	if !rlimits[name] {
		return Ulimit{}, define.Invalidf("invalid --ulimit %q: unknown limit %q", s, name)
	}
	softS, hardS, hasHard := strings.Cut(vals, ":")
	if !hasHard {
		hardS = softS
	}
	soft, err1 := parseLimit(softS)
	hard, err2 := parseLimit(hardS)
	if err1 != nil || err2 != nil {
		return Ulimit{}, define.Invalidf("invalid --ulimit %q: limits must be numbers or -1", s)
	}
	if soft > hard {
		return Ulimit{}, define.Invalidf("invalid --ulimit %q: soft limit %d is above hard limit %d", s, soft, hard)
	}
	return Ulimit{Name: name, Soft: soft, Hard: hard}, nil
}

func parseLimit(s string) (uint64, error) {
	if s == "-1" || s == "unlimited" {
		return unix.RLIM_INFINITY, nil
	}
	return strconv.ParseUint(s, 10, 64)
}

// ParseBytes parses a size such as 512m, 1g, 1024 (bytes).
func ParseBytes(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimSuffix(t, "b")
	mult := int64(1)
	if t != "" {
		switch t[len(t)-1] {
		case 'k':
			mult = 1 << 10
		case 'm':
			mult = 1 << 20
		case 'g':
			mult = 1 << 30
		case 't':
			mult = 1 << 40
		}
		if mult != 1 {
			t = t[:len(t)-1]
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 {
		return 0, define.Invalidf("invalid size %q: use a number with an optional unit b, k, m or g", s)
	}
	return int64(f * float64(mult)), nil
}

// ParseDecimalSize parses a size in decimal units, as Podman reads
// --log-opt max-size: a number with an optional k, m, g, t or p (10^3 ...
// 10^15, any case), which may be followed by i and b (1.5m, 10KB, 2gib).
func ParseDecimalSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimSuffix(t, "b")
	t = strings.TrimSuffix(t, "i")
	mult := 1.0
	if n := len(t); n > 0 {
		if i := strings.IndexByte("kmgtp", t[n-1]); i >= 0 {
			mult = math.Pow(1000, float64(i+1))
			t = strings.TrimSpace(t[:n-1])
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 || t == "" || t[0] < '0' || t[0] > '9' {
		return 0, define.Invalidf("invalid size %q: use a number with an optional unit k, m or g (powers of 1000)", s)
	}
	return int64(f * mult), nil
}

// ParseVolume parses -v SOURCE:DEST[:OPTIONS] into a bind mount. A SOURCE
// that is not an absolute or relative path names a volume.
func ParseVolume(s string) (Mount, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		if len(parts) == 1 && strings.HasPrefix(s, "/") {
			return Mount{Type: "volume", Destination: filepath.Clean(s)}, nil
		}
		return Mount{}, define.Invalidf("invalid volume %q: use SOURCE:DESTINATION[:OPTIONS]", s)
	}
	m := Mount{Source: parts[0], Destination: parts[1], Type: "bind"}
	if !strings.HasPrefix(m.Destination, "/") {
		return Mount{}, define.Invalidf("invalid volume %q: destination %q is not an absolute path", s, m.Destination)
	}
	if !strings.HasPrefix(m.Source, "/") && !strings.HasPrefix(m.Source, ".") {
		m.Type = "volume"
	}
	if len(parts) == 3 {
		for _, o := range strings.Split(parts[2], ",") {
			switch o {
			case "ro":
				m.ReadOnly = true
			case "rw", "z", "Z", "U", "copy", "nocopy", "private", "rprivate", "shared", "rshared",
				"slave", "rslave", "bind", "rbind", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "O", "idmap":
				m.Options = append(m.Options, o)
			default:
				return Mount{}, define.Invalidf("invalid volume %q: unknown option %q", s, o)
			}
		}
	}
	m.Destination = filepath.Clean(m.Destination)
	return m, nil
}

// ParseMount parses --mount type=bind|tmpfs|volume|devpts,source=,target=,...
func ParseMount(s string) (Mount, error) {
	m := Mount{}
	for _, kv := range strings.Split(s, ",") {
		k, v, hasV := strings.Cut(kv, "=")
		switch strings.ToLower(k) {
		case "type":
			m.Type = v
		case "source", "src":
			m.Source = v
		case "target", "destination", "dst":
			m.Destination = v
		case "ro", "readonly":
			m.ReadOnly = !hasV || v == "true" || v == "1"
		case "rw":
			m.ReadOnly = hasV && (v == "false" || v == "0")
		case "bind-propagation", "tmpfs-size", "tmpfs-mode", "relabel", "volume-opt", "bind-nonrecursive", "chown", "U", "idmap", "consistency",
			"tmpcopyup", "notmpcopyup":
			m.Options = append(m.Options, kv)
		case "":
			continue
		default:
			return Mount{}, define.Invalidf("invalid --mount %q: unknown option %q", s, k)
		}
	}
	switch m.Type {
	case "bind", "volume":
		if m.Type == "bind" && m.Source == "" {
			return Mount{}, define.Invalidf("invalid --mount %q: a bind mount needs source=", s)
		}
	case "tmpfs", "devpts":
	case "":
		return Mount{}, define.Invalidf("invalid --mount %q: type= is required", s)
	default:
		return Mount{}, define.Invalidf("invalid --mount %q: unknown type %q", s, m.Type)
	}
	if !strings.HasPrefix(m.Destination, "/") {
		return Mount{}, define.Invalidf("invalid --mount %q: target= must be an absolute path", s)
	}
	m.Destination = filepath.Clean(m.Destination)
	return m, nil
}

// ParseEnv adds KEY=VALUE (or KEY, taking the value from lookup) to env.
func ParseEnv(env map[string]string, s string, lookup func(string) (string, bool)) error {
	k, v, hasV := strings.Cut(s, "=")
	if k == "" {
		return define.Invalidf("invalid environment variable %q: no name", s)
	}
	if !hasV {
		if strings.HasSuffix(k, "*") {
			prefix := strings.TrimSuffix(k, "*")
			for _, kv := range os.Environ() {
				if ek, ev, _ := strings.Cut(kv, "="); strings.HasPrefix(ek, prefix) {
					env[ek] = ev
				}
			}
			return nil
		}
		if val, ok := lookup(k); ok {
			env[k] = val
		}
		return nil
	}
	env[k] = v
	return nil
}

// ParseEnvFile reads KEY=VALUE lines from path into env; # starts a comment.
func ParseEnvFile(env map[string]string, path string, lookup func(string) (string, bool)) error {
	f, err := os.Open(path)
	if err != nil {
		return define.Invalidf("reading --env-file: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := ParseEnv(env, line, lookup); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return sc.Err()
}

// ParseIDMap parses --uidmap/--gidmap CONTAINER:HOST:SIZE.
func ParseIDMap(s string) (IDMap, error) {
	p := strings.Split(s, ":")
	if len(p) != 3 {
		return IDMap{}, define.Invalidf("invalid id map %q: use CONTAINER_ID:HOST_ID:SIZE", s)
	}
	var v [3]uint32
	for i := range p {
		n, err := strconv.ParseUint(p[i], 10, 32)
		if err != nil {
			return IDMap{}, define.Invalidf("invalid id map %q: %q is not a number", s, p[i])
		}
		v[i] = uint32(n)
	}
	if v[2] == 0 {
		return IDMap{}, define.Invalidf("invalid id map %q: size must be at least 1", s)
	}
	return IDMap{ContainerID: v[0], HostID: v[1], Size: v[2]}, nil
}
