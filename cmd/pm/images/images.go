// Package images holds pm's image commands: pm image ..., and their
// top-level forms (pm pull, pm images, pm rmi, ...).
package images

import (
	"io"
	"os"

	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// verb is one image command: built by mk under the name it is given.
type verb struct {
	mk      func(name string) *cobra.Command
	sub     string   // name under `pm image`, "" for none
	aliases []string // aliases under `pm image`
	top     string   // top-level name, "" for none
}

// verbs are filled by each verb's file in init().
var verbs []verb

// Register adds `pm image` with its subcommands, and the top-level image
// commands, to root.
func Register(root *cobra.Command) {
	img := &cobra.Command{
		Use:   "image",
		Short: "Manage images",
	}
	for _, v := range verbs {
		if v.sub != "" {
			c := v.mk(v.sub)
			c.Aliases = v.aliases
			img.AddCommand(c)
		}
		if v.top != "" {
			root.AddCommand(v.mk(v.top))
		}
	}
	root.AddCommand(img)
}

// authFlags binds the registry flags pull, push and login share.
type authFlags struct {
	creds     string
	authFile  string
	tlsVerify bool
	fs        *pflag.FlagSet
	mustExist bool // --authfile must name an existing file (pull, push)
}

func (a *authFlags) bind(fs *pflag.FlagSet, withCreds bool) {
	a.fs = fs
	fs.StringVar(&a.authFile, "authfile", "", "Path of the authentication file (default: ${XDG_RUNTIME_DIR}/containers/auth.json)")
	fs.BoolVar(&a.tlsVerify, "tls-verify", true, "Require HTTPS and verify certificates when contacting registries")
	a.mustExist = withCreds
	if withCreds {
		fs.StringVar(&a.creds, "creds", "", "Use `USERNAME[:PASSWORD]` for accessing the registry")
	}
}

// auth returns the engine's form of the flags; --tls-verify counts only
// when given, so registries.conf's insecure setting applies otherwise.
func (a *authFlags) auth() (engine.RegistryAuth, error) {
	r := engine.RegistryAuth{AuthFile: a.authFile}
	if a.fs.Changed("tls-verify") {
		v := a.tlsVerify
		r.TLSVerify = &v
	}
	if a.creds != "" {
		u, p, err := parseCreds(a.creds)
		if err != nil {
			return r, err
		}
		r.Username, r.Password = u, p
	}
	if a.authFile != "" && a.mustExist {
		if _, err := os.Stat(a.authFile); err != nil {
			return r, invalid("credential file is not accessible: %v", err)
		}
	}
	return r, nil
}

// progress returns where copy progress goes: stderr, or nowhere with -q.
func progress(quiet bool) io.Writer {
	if quiet {
		return nil
	}
	return os.Stderr
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
