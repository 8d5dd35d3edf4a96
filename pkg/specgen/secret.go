package specgen

import (
	"path"
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// SecretsDir is where a mount secret goes when its target is not an
// absolute path.
const SecretsDir = "/run/secrets"

// defaultSecretMode is a mount secret's mode unless mode= is given.
const defaultSecretMode = 0o444

// Secret is one --secret: the secret Source exposed as a file (mount) or
// an environment variable (env).
type Secret struct {
	Source string // the secret's name or ID
	Type   string // mount (the default) or env
	// Target is the file's absolute path for mount (default
	// /run/secrets/SOURCE), the variable's name for env (default SOURCE).
	Target string
	// UID, GID and Mode are the file's owner and mode (mount only;
	// default 0, 0, 0444).
	UID, GID, Mode uint32
}

// ParseSecret parses --secret NAME[,type=mount|env][,target=T][,uid=U]
// [,gid=G][,mode=M]; the name may also be given as source=NAME. A
// relative mount target lands under /run/secrets.
func ParseSecret(s string) (Secret, error) {
	bad := func(format string, args ...any) (Secret, error) {
		return Secret{}, define.Invalidf("invalid --secret %q: "+format, append([]any{s}, args...)...)
	}
	sec := Secret{Type: define.SecretTypeMount, Mode: defaultSecretMode}
	parts := strings.Split(s, ",")
	if !strings.Contains(parts[0], "=") {
		sec.Source, parts = parts[0], parts[1:]
	}
	mountOnly := ""
	for _, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return bad("option %q must be key=value", p)
		}
		switch k {
		case "source":
			sec.Source = v
		case "type":
			if v != define.SecretTypeMount && v != define.SecretTypeEnv {
				return bad("type must be mount or env, not %q", v)
			}
			sec.Type = v
		case "target":
			if v == "" {
				return bad("target must not be empty")
			}
			sec.Target = v
		case "uid", "gid":
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				return bad("%s must be a number, not %q", k, v)
			}
			if k == "uid" {
				sec.UID = uint32(n)
			} else {
				sec.GID = uint32(n)
			}
			mountOnly = k
		case "mode":
			n, err := strconv.ParseUint(v, 8, 32)
			if err != nil || n > 0o777 {
				return bad("mode must be an octal mode of at most 0777, not %q", v)
			}
			sec.Mode = uint32(n)
			mountOnly = k
		default:
			return bad("unknown option %q: use type, target, uid, gid or mode", k)
		}
	}
	if sec.Source == "" {
		return bad("no secret name given")
	}
	if sec.Type == define.SecretTypeEnv {
		if mountOnly != "" {
			return bad("%s applies to type=mount only", mountOnly)
		}
		sec.Mode = 0
		if sec.Target == "" {
			sec.Target = sec.Source
		}
		return sec, nil
	}
	if sec.Target == "" {
		sec.Target = sec.Source
	}
	if !path.IsAbs(sec.Target) {
		sec.Target = path.Join(SecretsDir, sec.Target)
	}
	return sec, nil
}

// validateSecrets checks the secrets of a Spec that did not come through
// ParseSecret (the API) as well as those that did, and adds the mount
// targets to seen, the destinations of the other mounts.
func (s *Spec) validateSecrets(seen map[string]bool) error {
	envs := map[string]bool{}
	for _, sec := range s.Secrets {
		if err := define.ValidateSecretName(sec.Source); err != nil {
			return define.Invalidf("invalid --secret %q: not a secret name or ID", sec.Source)
		}
		switch sec.Type {
		case define.SecretTypeMount:
			if !path.IsAbs(sec.Target) {
				return define.Invalidf("invalid --secret %s: target %q is not an absolute path", sec.Source, sec.Target)
			}
			if sec.Mode > 0o777 {
				return define.Invalidf("invalid --secret %s: mode %o is more than 0777", sec.Source, sec.Mode)
			}
			dst := path.Clean(sec.Target)
			if seen[dst] {
				return define.Invalidf("%s: duplicate mount destination", dst)
			}
			seen[dst] = true
		case define.SecretTypeEnv:
			if sec.Target == "" || strings.ContainsAny(sec.Target, "=\x00") {
				return define.Invalidf("invalid --secret %s: %q is not an environment variable name", sec.Source, sec.Target)
			}
			if sec.UID != 0 || sec.GID != 0 || sec.Mode != 0 {
				return define.Invalidf("invalid --secret %s: uid, gid and mode apply to type=mount only", sec.Source)
			}
			if envs[sec.Target] {
				return define.Invalidf("invalid --secret %s: environment variable %s is set by two secrets", sec.Source, sec.Target)
			}
			envs[sec.Target] = true
		default:
			return define.Invalidf("invalid --secret %s: type must be mount or env, not %q", sec.Source, sec.Type)
		}
	}
	return nil
}
