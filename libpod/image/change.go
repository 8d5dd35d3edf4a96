package image

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pm-project/pm/libpod/define"
)

// ApplyChanges applies Dockerfile-style instructions ("CMD [\"sh\"]",
// "ENV=A=b", "EXPOSE 80/tcp", ...) to cfg, as import --change does. The
// instruction and its value are separated by "=" or whitespace.
func ApplyChanges(cfg *imgspecv1.ImageConfig, changes []string) error {
	for _, ch := range changes {
		if err := applyChange(cfg, ch); err != nil {
			return err
		}
	}
	return nil
}

func applyChange(cfg *imgspecv1.ImageConfig, ch string) error {
	ch = strings.TrimSpace(ch)
	i := strings.IndexAny(ch, " \t=")
	if i < 0 {
		return define.Invalidf("invalid change %q: want INSTRUCTION value", ch)
	}
	key, val := strings.ToUpper(ch[:i]), strings.TrimSpace(ch[i+1:])
	bad := func(why string) error { return define.Invalidf("invalid change %q: %s", ch, why) }
	switch key {
	case "CMD", "ENTRYPOINT":
		args, err := commandValue(val)
		if err != nil {
			return bad(err.Error())
		}
		if key == "CMD" {
			cfg.Cmd = args
		} else {
			cfg.Entrypoint = args
		}
	case "ENV", "LABEL":
		pairs, err := keyValues(val)
		if err != nil {
			return bad(err.Error())
		}
		for _, kv := range pairs {
			if key == "ENV" {
				cfg.Env = SetEnv(cfg.Env, kv[0], kv[1])
				continue
			}
			if cfg.Labels == nil {
				cfg.Labels = map[string]string{}
			}
			cfg.Labels[kv[0]] = kv[1]
		}
	case "EXPOSE":
		fields := strings.Fields(val)
		if len(fields) == 0 {
			return bad("no port")
		}
		for _, p := range fields {
			port, proto, _ := strings.Cut(p, "/")
			if proto == "" {
				proto = "tcp"
			}
			if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
				return bad(fmt.Sprintf("invalid port %q", p))
			}
			if proto != "tcp" && proto != "udp" && proto != "sctp" {
				return bad(fmt.Sprintf("invalid protocol %q", proto))
			}
			if cfg.ExposedPorts == nil {
				cfg.ExposedPorts = map[string]struct{}{}
			}
			cfg.ExposedPorts[port+"/"+proto] = struct{}{}
		}
	case "VOLUME":
		var vols []string
		if strings.HasPrefix(val, "[") {
			if err := json.Unmarshal([]byte(val), &vols); err != nil {
				return bad("not a JSON array of strings")
			}
		} else {
			vols = strings.Fields(val)
		}
		if len(vols) == 0 {
			return bad("no volume")
		}
		for _, v := range vols {
			if !strings.HasPrefix(v, "/") {
				return bad(fmt.Sprintf("volume %q is not an absolute path", v))
			}
			if cfg.Volumes == nil {
				cfg.Volumes = map[string]struct{}{}
			}
			cfg.Volumes[v] = struct{}{}
		}
	case "WORKDIR":
		if val == "" {
			return bad("empty directory")
		}
		if !strings.HasPrefix(val, "/") && cfg.WorkingDir != "" {
			val = strings.TrimSuffix(cfg.WorkingDir, "/") + "/" + val
		}
		cfg.WorkingDir = val
	case "USER":
		if val == "" {
			return bad("empty user")
		}
		cfg.User = val
	case "STOPSIGNAL":
		if val == "" {
			return bad("empty signal")
		}
		cfg.StopSignal = val
	default:
		return bad("instruction must be one of CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR")
	}
	return nil
}

// commandValue parses a JSON array (exec form) or a shell-form command.
func commandValue(val string) ([]string, error) {
	if strings.HasPrefix(val, "[") {
		var args []string
		if err := json.Unmarshal([]byte(val), &args); err != nil {
			return nil, fmt.Errorf("not a JSON array of strings")
		}
		return args, nil
	}
	if val == "" {
		return nil, fmt.Errorf("empty command")
	}
	return []string{"/bin/sh", "-c", val}, nil
}

// keyValues parses "k=v k2=\"v 2\"" or the legacy "k v" form.
func keyValues(val string) ([][2]string, error) {
	words, err := splitWords(val)
	if err != nil {
		return nil, err
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("no key")
	}
	if !strings.Contains(words[0], "=") {
		rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(val), words[0]))
		return [][2]string{{words[0], strings.Trim(rest, `"`)}}, nil
	}
	var out [][2]string
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%q is not key=value", w)
		}
		out = append(out, [2]string{k, v})
	}
	return out, nil
}

// splitWords splits on whitespace, honouring double and single quotes.
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	var quote rune
	inWord := false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// SetEnv sets key=val in env, replacing an earlier value.
func SetEnv(env []string, key, val string) []string {
	for i, e := range env {
		if k, _, _ := strings.Cut(e, "="); k == key {
			env[i] = key + "=" + val
			return env
		}
	}
	return append(env, key+"="+val)
}
