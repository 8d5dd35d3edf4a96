package specgen

import (
	"cmp"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// Security holds the hardening choices. None may change after create.
type Security struct {
	Privileged bool
	CapAdd     []string
	CapDrop    []string
	// SeccompProfile is "" for the default (containers.conf's
	// seccomp_profile, else the built-in profile), "unconfined", or the
	// absolute path of a profile in Docker's JSON format.
	SeccompProfile string
	// SeccompJSON is a profile given inline, as the Docker API carries
	// it (the docker CLI sends the file's content); it wins over
	// SeccompProfile.
	SeccompJSON string
	// SeccompPolicy is --seccomp-policy: "" or "default", or "image" for
	// the profile in the image's io.containers.seccomp.profile label.
	SeccompPolicy   string
	NoNewPrivileges bool
	// LabelDisable is label=disable; LabelOpts are the other label=
	// options (user:, role:, type:, level:, filetype:, nested).
	LabelDisable bool
	LabelOpts    []string
	// ApparmorProfile is apparmor=: "" for none, "unconfined" or a
	// profile's name.
	ApparmorProfile string
	// ProcOpts are proc-opts=: options of the container's /proc mount.
	ProcOpts []string
	Mask     []string // extra paths to mask, absolute
	Unmask   []string // masked paths to expose, absolute; "ALL" exposes all
	// ReadOnlyPaths, when non-nil, replaces the default read-only paths
	// (the Docker API's HostConfig.ReadonlyPaths).
	ReadOnlyPaths *[]string
}

// Seccomp values of SeccompProfile and SeccompPolicy with a meaning of
// their own.
const (
	SeccompUnconfined  = "unconfined"
	SeccompPolicyImage = "image"
	// seccompBuiltin is what the docker CLI sends for its default profile.
	seccompBuiltin = "builtin"
)

// SecurityOptSyntax says how a front end writes the security options.
type SecurityOptSyntax struct {
	// Field names the option in messages: "--security-opt" or
	// "SecurityOpt".
	Field string
	// InlineSeccomp: a seccomp= value other than unconfined (or builtin)
	// is the profile's JSON, as in the Docker API; else it is a path.
	InlineSeccomp bool
}

// CLISecurityOpts is the syntax of pm's --security-opt.
var CLISecurityOpts = SecurityOptSyntax{Field: "--security-opt"}

// DockerSecurityOpts is the syntax of the Docker API's
// HostConfig.SecurityOpt.
var DockerSecurityOpts = SecurityOptSyntax{Field: "SecurityOpt", InlineSeccomp: true}

// securityOptUsage lists the options, for messages.
const securityOptUsage = "use seccomp=, apparmor=, label=, mask=, unmask=, proc-opts=, no-new-privileges[=BOOL] or systempaths=unconfined"

// ParseSecurityOpts applies security options (KEY=VALUE, or Docker's
// older KEY:VALUE) to sec, in order. A malformed option is an invalid
// argument naming it; what the host cannot apply is found later, when
// the container is made.
func (sec *Security) ParseSecurityOpts(opts []string, syn SecurityOptSyntax) error {
	for _, o := range opts {
		if err := sec.parseSecurityOpt(o, syn); err != nil {
			return err
		}
	}
	return nil
}

func (sec *Security) parseSecurityOpt(o string, syn SecurityOptSyntax) error {
	bad := func(why string) error {
		shown := o
		if len(shown) > 80 {
			shown = shown[:77] + "..."
		}
		return define.Invalidf("invalid %s %q: %s", syn.Field, shown, why)
	}
	// The first separator splits: "label=type:x_t", "seccomp:/p.json".
	i := strings.IndexAny(o, "=:")
	key, val, hasVal := o, "", false
	if i >= 0 {
		key, val, hasVal = o[:i], o[i+1:], true
	}
	if key != "no-new-privileges" && (!hasVal || val == "") {
		if key == "seccomp" || key == "apparmor" || key == "label" || key == "mask" ||
			key == "unmask" || key == "proc-opts" || key == "systempaths" {
			return bad(key + "= needs a value")
		}
		return bad(securityOptUsage)
	}
	switch key {
	case "no-new-privileges":
		b := true
		if hasVal {
			var err error
			if b, err = strconv.ParseBool(val); err != nil {
				return bad("no-new-privileges takes true or false")
			}
		}
		sec.NoNewPrivileges = b
	case "seccomp":
		switch {
		case val == SeccompUnconfined:
			sec.SeccompProfile, sec.SeccompJSON = SeccompUnconfined, ""
		case syn.InlineSeccomp && val == seccompBuiltin:
			sec.SeccompProfile, sec.SeccompJSON = "", ""
		case syn.InlineSeccomp:
			sec.SeccompProfile, sec.SeccompJSON = "", val
		default:
			p, err := filepath.Abs(val)
			if err != nil {
				return bad(err.Error())
			}
			sec.SeccompProfile, sec.SeccompJSON = p, ""
		}
	case "apparmor":
		sec.ApparmorProfile = val
	case "label":
		if val == "disable" {
			sec.LabelDisable = true
			return nil
		}
		k, v, ok := strings.Cut(val, ":")
		switch {
		case val == "nested":
		case ok && v != "" && (k == "user" || k == "role" || k == "type" || k == "level" || k == "filetype"):
		default:
			return bad("label takes disable, nested, user:USER, role:ROLE, type:TYPE, level:LEVEL or filetype:TYPE")
		}
		sec.LabelOpts = append(sec.LabelOpts, val)
	case "mask", "unmask":
		for _, p := range strings.Split(val, ":") {
			switch {
			case key == "unmask" && p == "ALL":
			case path.IsAbs(p):
				p = path.Clean(p)
			default:
				return bad(key + " takes absolute paths separated by colons")
			}
			if key == "mask" {
				sec.Mask = append(sec.Mask, p)
			} else {
				sec.Unmask = append(sec.Unmask, p)
			}
		}
	case "systempaths":
		if val != "unconfined" {
			return bad("only systempaths=unconfined is supported")
		}
		sec.Unmask = append(sec.Unmask, "ALL")
	case "proc-opts":
		var opts []string
		for _, po := range strings.Split(val, ",") {
			if err := checkProcOpt(po); err != nil {
				return bad(err.Error())
			}
			opts = append(opts, po)
		}
		sec.ProcOpts = opts
	default:
		return bad(securityOptUsage)
	}
	return nil
}

// checkProcOpt checks one proc-opts= option against proc(5): hidepid=,
// gid= and subset=pid.
func checkProcOpt(o string) error {
	k, v, _ := strings.Cut(o, "=")
	switch k {
	case "hidepid":
		switch v {
		case "0", "1", "2", "4", "off", "noaccess", "invisible", "ptraceable":
			return nil
		}
		return define.Invalidf("hidepid takes 0, 1, 2, 4, off, noaccess, invisible or ptraceable")
	case "gid":
		if _, err := strconv.ParseUint(v, 10, 32); err != nil {
			return define.Invalidf("gid takes a group id")
		}
		return nil
	case "subset":
		if v == "pid" {
			return nil
		}
		return define.Invalidf("subset takes pid")
	}
	return define.Invalidf("unknown /proc option %q: use hidepid=, gid= or subset=pid", o)
}

// validateSecurity checks the choices that conflict with each other.
func (sec *Security) validateSecurity() error {
	switch sec.SeccompPolicy {
	case "", "default":
	case SeccompPolicyImage:
		if sec.SeccompProfile != "" || sec.SeccompJSON != "" {
			return define.Invalidf("--seccomp-policy image conflicts with --security-opt seccomp=%s", cmp.Or(sec.SeccompProfile, "<profile>"))
		}
	default:
		return define.Invalidf("invalid --seccomp-policy %q: use default or image", sec.SeccompPolicy)
	}
	return nil
}
