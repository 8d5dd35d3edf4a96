package generate

import (
	"encoding/json"
	"fmt"

	"github.com/moby/profiles/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

// seccompActions are the actions of the OCI runtime spec.
var seccompActions = map[specs.LinuxSeccompAction]bool{
	specs.ActKill: true, specs.ActKillProcess: true, specs.ActKillThread: true,
	specs.ActTrap: true, specs.ActErrno: true, specs.ActTrace: true,
	specs.ActAllow: true, specs.ActLog: true, specs.ActNotify: true,
}

// seccompOperators are the argument comparisons of the OCI runtime spec.
var seccompOperators = map[specs.LinuxSeccompOperator]bool{
	specs.OpNotEqual: true, specs.OpLessThan: true, specs.OpLessEqual: true,
	specs.OpEqualTo: true, specs.OpGreaterEqual: true, specs.OpGreaterThan: true,
	specs.OpMaskedEqual: true,
}

// CheckSeccompProfile checks a seccomp profile in Docker's JSON format
// (the format Podman and Docker read) well enough that the OCI runtime
// will load it: it parses, it has a default action, and its actions and
// operators exist. An empty profile, which Docker reads as "no seccomp",
// is refused: unconfined is said with seccomp=unconfined.
func CheckSeccompProfile(data []byte) error {
	var p seccomp.Seccomp
	if err := json.Unmarshal(data, &p); err != nil {
		return define.Invalidf("decoding the JSON: %v", err)
	}
	if p.DefaultAction == "" {
		return define.Invalidf("no defaultAction")
	}
	if !seccompActions[p.DefaultAction] {
		return define.Invalidf("unknown defaultAction %q", p.DefaultAction)
	}
	for i, sc := range p.Syscalls {
		if sc == nil {
			return define.Invalidf("syscalls[%d] is null", i)
		}
		if len(sc.Names) == 0 && sc.Name == "" {
			return define.Invalidf("syscalls[%d] names no system call", i)
		}
		if !seccompActions[sc.Action] {
			return define.Invalidf("syscalls[%d]: unknown action %q", i, sc.Action)
		}
		for _, a := range sc.Args {
			if !seccompOperators[a.Op] {
				return define.Invalidf("syscalls[%d]: unknown operator %q", i, a.Op)
			}
		}
	}
	// The conversion's own checks (name and names, architectures and
	// archMap) on a spec with every capability.
	all := &specs.Spec{Process: &specs.Process{Capabilities: &specs.LinuxCapabilities{Bounding: allCaps}}}
	if _, err := seccomp.LoadProfile(string(data), all); err != nil {
		return define.Invalidf("%v", err)
	}
	return nil
}

// seccompFilter sets the container's seccomp filter: none for
// seccomp=unconfined, h.Seccomp when the engine read a profile, none for
// --privileged without one, else the built-in profile.
func seccompFilter(sp *specs.Spec, s *specgen.Spec, h Host) error {
	sec := s.Security
	switch {
	case sec.SeccompProfile == specgen.SeccompUnconfined && sec.SeccompJSON == "":
	case h.Seccomp != nil:
		prof, err := seccomp.LoadProfile(string(h.Seccomp), sp)
		if err != nil {
			return define.Invalidf("loading the seccomp profile: %v", err)
		}
		sp.Linux.Seccomp = prof
	case sec.Privileged:
	default:
		prof, err := seccomp.GetDefaultProfile(sp)
		if err != nil {
			return fmt.Errorf("building the seccomp profile: %w", err)
		}
		sp.Linux.Seccomp = prof
	}
	switch {
	case sec.SeccompJSON != "":
		sp.Annotations[define.InspectAnnotationSeccomp] = sec.SeccompJSON
	case sec.SeccompProfile != "":
		sp.Annotations[define.InspectAnnotationSeccomp] = sec.SeccompProfile
	}
	return nil
}
