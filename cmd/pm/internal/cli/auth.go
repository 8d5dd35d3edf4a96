package cli

import (
	"os"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/pflag"
)

// AuthFlags are the registry flags of the commands that talk to registries
// (pull, push, login, search, manifest ...).
type AuthFlags struct {
	creds     string
	authFile  string
	tlsVerify bool
	fs        *pflag.FlagSet
	mustExist bool // --authfile must name an existing file (pull, push)
}

// Bind adds --authfile and --tls-verify to fs, and with withCreds --creds
// (and then --authfile must name an existing file).
func (a *AuthFlags) Bind(fs *pflag.FlagSet, withCreds bool) {
	a.fs = fs
	fs.StringVar(&a.authFile, "authfile", "", "Path of the authentication file (default: ${XDG_RUNTIME_DIR}/containers/auth.json)")
	fs.BoolVar(&a.tlsVerify, "tls-verify", true, "Require HTTPS and verify certificates when contacting registries")
	a.mustExist = withCreds
	if withCreds {
		fs.StringVar(&a.creds, "creds", "", "Use `USERNAME[:PASSWORD]` for accessing the registry")
	}
}

// Auth returns the engine's form of the flags; --tls-verify counts only
// when given, so registries.conf's insecure setting applies otherwise.
func (a *AuthFlags) Auth() (engine.RegistryAuth, error) {
	r := engine.RegistryAuth{AuthFile: a.authFile}
	if a.fs.Changed("tls-verify") {
		v := a.tlsVerify
		r.TLSVerify = &v
	}
	if a.creds != "" {
		u, p, err := ParseCreds(a.creds)
		if err != nil {
			return r, err
		}
		r.Username, r.Password = u, p
	}
	if a.authFile != "" && a.mustExist {
		if _, err := os.Stat(a.authFile); err != nil {
			return r, define.Invalidf("credential file is not accessible: %v", err)
		}
	}
	return r, nil
}

// ParseCreds splits --creds "user:pass"; a missing password is empty.
func ParseCreds(s string) (string, string, error) {
	u, p, _ := strings.Cut(s, ":")
	if u == "" {
		return "", "", define.Invalidf("invalid --creds %q: want USERNAME[:PASSWORD]", s)
	}
	return u, p, nil
}
