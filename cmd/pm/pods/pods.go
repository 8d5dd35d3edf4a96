// Package pods holds pm's pod commands: pm pod create, ps, inspect, start,
// stop, rm, ...
package pods

import (
	"context"
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

// verbs are the pod subcommands, added by each verb's file in init().
var verbs []func() *cobra.Command

// Register adds `pm pod` with its subcommands to root.
func Register(root *cobra.Command) {
	pod := &cobra.Command{
		Use:     "pod",
		Aliases: []string{"pods"},
		Short:   "Manage pods",
	}
	for _, mk := range verbs {
		pod.AddCommand(mk())
	}
	root.AddCommand(pod)
}

func engineOf(cmd *cobra.Command) (*engine.Engine, error) {
	return cli.FromCmd(cmd).Engine(cmd.Context())
}

// forEachPod runs fn on every pod named (or every pod with all), printing
// the IDs it returns; errors but the last are printed, the last returned.
func forEachPod(cmd *cobra.Command, eng *engine.Engine, args []string, all bool, fn func(ctx context.Context, name string) (string, error)) error {
	if all && len(args) > 0 {
		return define.Invalidf("--all and a pod name cannot be used together")
	}
	if !all && len(args) == 0 {
		return define.Invalidf("%q requires at least 1 arg(s)", cmd.CommandPath())
	}
	names := args
	if all {
		ids, err := eng.PodIDs(cmd.Context())
		if err != nil {
			return err
		}
		names = ids
	}
	var last error
	for _, n := range names {
		out, err := fn(cmd.Context(), n)
		if err != nil {
			if last != nil {
				fmt.Fprintf(os.Stderr, "Error: %s\n", last)
			}
			last = err
			continue
		}
		if out != "" { // "" for a missing pod --ignore skipped
			fmt.Println(out)
		}
	}
	return last
}

// podArgs adds the IDs in files to args. none reports that files were
// named but every one was missing and ignored: nothing to do.
func podArgs(args, files []string, ignore bool) (_ []string, none bool, _ error) {
	ids, err := cli.ReadIDFiles(files, "pod ID file", ignore)
	if err != nil {
		return nil, false, err
	}
	return append(args, ids...), len(files) > 0 && len(ids) == 0 && len(args) == 0, nil
}

// simpleVerb builds start, pause and unpause: a pod verb with --all and
// no other flag.
func simpleVerb(use, short string, fn func(ctx context.Context, eng *engine.Engine, name string) (string, error)) *cobra.Command {
	var all bool
	var idFiles []string
	cmd := &cobra.Command{
		Use:   use + " [options] POD [POD...]",
		Short: short,
		RunE: func(cmd *cobra.Command, args []string) error {
			args, none, err := podArgs(args, idFiles, false)
			if err != nil || none {
				return err
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			return forEachPod(cmd, eng, args, all, func(ctx context.Context, n string) (string, error) {
				return fn(ctx, eng, n)
			})
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "Act on all pods")
	if use == "start" {
		// As Podman's: start, stop, restart and rm read pod create's file.
		cmd.Flags().StringArrayVar(&idFiles, "pod-id-file", nil, "Read the pod ID from the file")
	}
	return cmd
}
