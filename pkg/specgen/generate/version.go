package generate

import (
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// BaseSpecVersion is the ociVersion of a spec that uses no field newer
// than runtime-spec 1.0.2, which every runtime pm drives accepts.
const BaseSpecVersion = "1.0.2"

// specVersion returns the lowest runtime-spec version that has every field
// sp uses: runtimes check ociVersion (crun 1.8 refuses anything past 1.1),
// so a spec claims no more than it needs. The versions are those of the
// runtime-spec ChangeLog in which each field was added.
func specVersion(sp *specs.Spec) string {
	v := BaseSpecVersion
	need := func(min string, used bool) {
		if used && versionLess(v, min) {
			v = min
		}
	}
	need("1.1.0", sp.Domainname != "" || sp.ZOS != nil)
	if p := sp.Process; p != nil {
		need("1.1.0", p.Scheduler != nil || p.IOPriority != nil)
		need("1.2.1", p.ExecCPUAffinity != nil)
	}
	for _, m := range sp.Mounts {
		need("1.1.0", len(m.UIDMappings) > 0 || len(m.GIDMappings) > 0)
		// Relative destinations and the idmap options came with 1.2.0.
		need("1.2.0", !strings.HasPrefix(m.Destination, "/"))
		for _, o := range m.Options {
			need("1.2.0", o == "idmap" || o == "ridmap" || strings.HasPrefix(o, "idmap=") || strings.HasPrefix(o, "ridmap="))
		}
	}
	need("1.3.0", sp.VM != nil && sp.VM.HwConfig != nil)
	need("1.3.0", sp.FreeBSD != nil)
	if l := sp.Linux; l != nil {
		linuxVersion(l, need)
	}
	return v
}

// linuxVersion raises the version (through need) for the fields of the
// linux section newer than 1.0.2.
func linuxVersion(l *specs.Linux, need func(string, bool)) {
	need("1.1.0", len(l.TimeOffsets) > 0)
	for _, ns := range l.Namespaces {
		need("1.1.0", ns.Type == specs.TimeNamespace)
	}
	need("1.3.0", len(l.NetDevices) > 0 || l.MemoryPolicy != nil)
	if rdt := l.IntelRdt; rdt != nil {
		need("1.3.0", len(rdt.Schemata) > 0 || rdt.EnableMonitoring)
	}
	if r := l.Resources; r != nil {
		need("1.1.0", len(r.Unified) > 0)
		if c := r.CPU; c != nil {
			need("1.1.0", c.Idle != nil || c.Burst != nil)
		}
		if m := r.Memory; m != nil {
			need("1.1.0", m.CheckBeforeUpdate != nil)
		}
	}
	if s := l.Seccomp; s != nil {
		need("1.1.0", s.DefaultErrnoRet != nil || s.ListenerPath != "" || s.ListenerMetadata != "")
		need("1.1.0", newSeccompAction(s.DefaultAction))
		for _, f := range s.Flags {
			need("1.1.0", f == specs.LinuxSeccompFlagWaitKillableRecv)
		}
		for _, a := range s.Architectures {
			need("1.1.0", a == specs.ArchRISCV64)
			need("1.2.1", a == specs.ArchLOONGARCH64 || a == specs.ArchM68K || a == specs.ArchSH || a == specs.ArchSHEB)
		}
		for _, sc := range s.Syscalls {
			need("1.1.0", sc.ErrnoRet != nil || newSeccompAction(sc.Action))
		}
	}
}

// newSeccompAction reports whether a is one of the actions runtime-spec
// 1.1.0 added.
func newSeccompAction(a specs.LinuxSeccompAction) bool {
	return a == specs.ActKillProcess || a == specs.ActKillThread || a == specs.ActNotify
}

// versionLess compares two "MAJOR.MINOR.PATCH" versions.
func versionLess(a, b string) bool {
	pa, pb := strings.SplitN(a, ".", 3), strings.SplitN(b, ".", 3)
	for i := 0; i < 3; i++ {
		x, y := versionPart(pa, i), versionPart(pb, i)
		if x != y {
			return x < y
		}
	}
	return false
}

func versionPart(parts []string, i int) int {
	if i >= len(parts) {
		return 0
	}
	n := 0
	for _, c := range parts[i] {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}
