// Package containers holds pm's container commands: pm container ..., and
// their top-level forms (pm run, pm ps, pm rm, ...).
package containers

import (
	"context"
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

// verb is one container command, built by mk under the name it is given.
type verb struct {
	mk      func(name string) *cobra.Command
	sub     string   // name under `pm container`, "" for none
	aliases []string // aliases under `pm container`
	top     string   // top-level name, "" for none
}

// verbs are filled by each verb's file in init().
var verbs []verb

// Register adds `pm container` with its subcommands, and the top-level
// container commands, to root.
func Register(root *cobra.Command) {
	ctr := &cobra.Command{
		Use:     "container",
		Aliases: []string{"containers"},
		Short:   "Manage containers",
	}
	for _, v := range verbs {
		if v.sub != "" {
			c := v.mk(v.sub)
			c.Aliases = v.aliases
			ctr.AddCommand(c)
		}
		if v.top != "" {
			root.AddCommand(v.mk(v.top))
		}
	}
	root.AddCommand(ctr)
}

func engineOf(cmd *cobra.Command) (*engine.Engine, error) {
	return cli.FromCmd(cmd).Engine(cmd.Context())
}

// forEach runs fn on every name, printing what fn returns; errors but the
// last are printed, the last is returned, as Podman does.
func forEach(ctx context.Context, names []string, fn func(ctx context.Context, name string) (string, error)) error {
	var last error
	for _, n := range names {
		out, err := fn(ctx, n)
		if err != nil {
			if last != nil {
				fmt.Fprintf(os.Stderr, "Error: %s\n", last)
			}
			last = err
			continue
		}
		if out != "" {
			fmt.Println(out)
		}
	}
	return last
}

// targets returns the containers a multi-container verb acts on: args, or
// every (running) container with --all.
func targets(ctx context.Context, eng *engine.Engine, args []string, all, running bool) ([]string, error) {
	if !all {
		return args, nil
	}
	return eng.ContainerIDs(ctx, running)
}
