// Package secrets holds pm's secret commands: pm secret create, ls,
// inspect, rm and exists.
package secrets

import (
	"fmt"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

// verbs build the commands under `pm secret`; each verb's file appends
// its constructor in init().
var verbs []func() *cobra.Command

// Register adds `pm secret` with its subcommands to root.
func Register(root *cobra.Command) {
	sec := &cobra.Command{
		Use:     "secret",
		Aliases: []string{"secrets"},
		Short:   "Manage secrets",
	}
	for _, mk := range verbs {
		sec.AddCommand(mk())
	}
	root.AddCommand(sec)
}

func engineOf(cmd *cobra.Command) (*engine.Engine, error) {
	return cli.FromCmd(cmd).Engine(cmd.Context())
}

// printErr prints an error that is not the command's last one.
func printErr(err error) { fmt.Fprintf(os.Stderr, "Error: %s\n", err) }

// keyValues parses KEY=VALUE items of flag; with commas, each item may
// be a comma-separated list (--driver-opts a=1,b=2, as Podman's). A bare
// KEY maps to "".
func keyValues(flag string, items []string, commas bool) (map[string]string, error) {
	out := map[string]string{}
	for _, item := range items {
		parts := []string{item}
		if commas {
			parts = strings.Split(item, ",")
		}
		for _, it := range parts {
			k, v, _ := strings.Cut(it, "=")
			if k == "" {
				return nil, define.Invalidf("invalid %s %q: use key=value", flag, item)
			}
			out[k] = v
		}
	}
	return out, nil
}
