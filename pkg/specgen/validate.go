package specgen

import (
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/pm-project/pm/libpod/define"
	"golang.org/x/sys/unix"
)

// nameRE is the name rule of Podman and Docker.
var nameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`) })

// ValidName reports whether a container or pod name is acceptable.
func ValidName(name string) error {
	if !nameRE().MatchString(name) {
		return define.Invalidf("invalid name %q: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*", name)
	}
	if len(name) > 253 {
		return define.Invalidf("invalid name %q: longer than 253 characters", name)
	}
	return nil
}

// ParseSignal parses SIGTERM, TERM, term, RTMIN+3 or 15, each with an
// optional leading "-" as kill(1) writes them (-INT, -9). Errors are in
// Podman's words, naming the value without that dash.
func ParseSignal(s string) (syscall.Signal, error) {
	v := strings.TrimPrefix(s, "-")
	if n, err := strconv.Atoi(v); err == nil {
		switch {
		case n == 0:
			return 0, define.Invalidf("invalid signal: %s", v)
		case n < 0 || n > 64:
			return 0, define.Invalidf("valid signals are 1 through 64")
		}
		return syscall.Signal(n), nil
	}
	name := strings.ToUpper(v)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	if rest, ok := strings.CutPrefix(name, "SIGRTMIN+"); ok {
		if n, err := strconv.Atoi(rest); err == nil && n >= 0 && 34+n <= 64 {
			return syscall.Signal(34 + n), nil
		}
	}
	if rest, ok := strings.CutPrefix(name, "SIGRTMAX-"); ok {
		if n, err := strconv.Atoi(rest); err == nil && n >= 0 && 64-n >= 34 {
			return syscall.Signal(64 - n), nil
		}
	}
	return 0, define.Invalidf("invalid signal: %s", v)
}

// json-file is Docker's name, kept as given and written as k8s-file (as
// Podman does, for scripts written for Docker).
var logDrivers = map[string]bool{"": true, "k8s-file": true, "json-file": true, "journald": true, "none": true, "passthrough": true}

var pullPolicies = map[string]bool{"": true, "always": true, "missing": true, "never": true, "newer": true}

// Validate checks the parts of s that parsing alone does not.
func (s *Spec) Validate() error {
	if s.Image == "" {
		return define.Invalidf("no image given")
	}
	if s.Name != "" {
		if err := ValidName(s.Name); err != nil {
			return err
		}
	}
	if !logDrivers[s.LogDriver] {
		return define.Invalidf("invalid --log-driver %q: use k8s-file (or json-file), journald, none or passthrough", s.LogDriver)
	}
	if !pullPolicies[s.PullPolicy] {
		return define.Invalidf("invalid --pull %q: use always, missing, never or newer", s.PullPolicy)
	}
	if s.StopSignal != "" {
		if _, err := ParseSignal(s.StopSignal); err != nil {
			return err
		}
	}
	switch s.Systemd {
	case "", "true", "false", "always":
	default:
		return define.Invalidf("invalid --systemd %q: must be true, false or always", s.Systemd)
	}
	if s.Remove && s.Restart.Name != "" && s.Restart.Name != "no" {
		return define.Invalidf("the --rm option conflicts with --restart %s", s.Restart.Name)
	}
	if err := s.validateResources(); err != nil {
		return err
	}
	if _, err := ParseUserNS(s.UserNS); err != nil {
		return err
	}
	if s.UserNS != "" && s.UserNS != "host" && len(s.UIDMaps) > 0 {
		return define.Invalidf("--userns=%s conflicts with --uidmap", s.UserNS)
	}
	switch s.NetworkMode {
	case "", "none", "host", "private", "slirp4netns", "pasta":
	default:
		if !strings.HasPrefix(s.NetworkMode, "ns:") && !strings.HasPrefix(s.NetworkMode, "container:") &&
			!strings.HasPrefix(s.NetworkMode, "pasta:") && !strings.HasPrefix(s.NetworkMode, "slirp4netns:") {
			// Named networks are checked against the network store later.
			for _, n := range BridgeNetworks(s.NetworkMode) {
				if err := ValidName(n); err != nil {
					return define.Invalidf("invalid --network %q", s.NetworkMode)
				}
			}
		}
	}
	if err := s.Security.validateSecurity(); err != nil {
		return err
	}
	if err := s.validateNetwork(); err != nil {
		return err
	}
	if err := s.validateOptions(); err != nil {
		return err
	}
	if err := s.validateNamespaces(); err != nil {
		return err
	}
	if err := s.validateHost(); err != nil {
		return err
	}
	if err := s.Health.validate(); err != nil {
		return err
	}
	seen := map[string]bool{}
	mounts := s.Mounts[:0:0]
	for i, m := range s.Mounts {
		if seen[m.Destination] {
			// The same mount twice is one mount, as in Podman.
			if sameMount(s.Mounts[:i], m) {
				continue
			}
			return define.Invalidf("%s: duplicate mount destination", m.Destination)
		}
		seen[m.Destination] = true
		mounts = append(mounts, m)
	}
	s.Mounts = mounts
	for dst := range s.Tmpfs {
		if !strings.HasPrefix(dst, "/") {
			return define.Invalidf("invalid --tmpfs %q: not an absolute path", dst)
		}
		if seen[dst] {
			return define.Invalidf("%s: duplicate mount destination", dst)
		}
		seen[dst] = true
	}
	return s.validateSecrets(seen)
}

// sameMount reports whether one of ms is m exactly.
func sameMount(ms []Mount, m Mount) bool {
	for _, x := range ms {
		if reflect.DeepEqual(x, m) {
			return true
		}
	}
	return false
}
