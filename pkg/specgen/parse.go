package specgen

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

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

// sizeRE is a size as Podman reads one: a number, an optional space, an
// optional unit letter, then optional "i" and "b" (512m, 1.5GiB, 10 KB).
var sizeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?) ?([kmgtp]?)i?b?$`) })

// maxSize is the largest size in bytes an int64 holds.
const maxSize = float64(math.MaxInt64)

// parseSize reads s with sizeRE; base is 1024 or 1000, how says how to
// write a size, for the error.
func parseSize(s string, base float64, how string) (int64, error) {
	m := sizeRE().FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return 0, define.Invalidf("not a size: %s", how)
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, define.Invalidf("not a size: %s", how)
	}
	if m[2] != "" {
		f *= math.Pow(base, float64(strings.Index("kmgtp", m[2])+1))
	}
	if f >= maxSize {
		return 0, define.Invalidf("too large: at most 8 EiB")
	}
	return int64(f), nil
}

// ParseBytes parses a size in binary units, as Podman reads --memory: a
// number with an optional unit b, k, m, g, t or p (powers of 1024), which
// may be followed by i and b (512m, 1g, 1.5GiB, 1024). NaN, infinities,
// exponents, negative numbers and sizes beyond an int64 are refused.
func ParseBytes(s string) (int64, error) {
	return parseSize(s, 1024, "use a number with an optional unit b, k, m, g, t or p")
}

// ParseDecimalSize parses a size in decimal units, as Podman reads
// --log-opt max-size: a number with an optional k, m, g, t or p (10^3 ...
// 10^15, any case), which may be followed by i and b (1.5m, 10KB, 2gib).
func ParseDecimalSize(s string) (int64, error) {
	return parseSize(s, 1000, "use a number with an optional unit k, m or g (powers of 1000)")
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
				"slave", "rslave", "bind", "rbind", "nosuid", "suid", "nodev", "dev", "noexec", "exec":
				m.Options = append(m.Options, o)
			case "O", "idmap":
				return Mount{}, unsupportedMountOption(s, o)
			default:
				return Mount{}, define.Invalidf("invalid volume %q: unknown option %q", s, o)
			}
		}
	}
	m.Destination = filepath.Clean(m.Destination)
	return m, nil
}

// unsupportedMountOption refuses a mount option of Podman's that pm does
// not implement: overlay mounts of host directories (O) and idmapped
// mounts (idmap).
func unsupportedMountOption(mount, opt string) error {
	what := map[string]string{"O": "overlay mounts of host directories", "idmap": "idmapped mounts"}[opt]
	return define.Invalidf("invalid mount %q: option %s: pm does not support %s", mount, opt, what)
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
		case "bind-propagation", "tmpfs-size", "tmpfs-mode", "relabel", "volume-opt", "bind-nonrecursive", "chown", "U", "consistency",
			"tmpcopyup", "notmpcopyup":
			m.Options = append(m.Options, kv)
		case "idmap":
			return Mount{}, unsupportedMountOption(s, k)
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
