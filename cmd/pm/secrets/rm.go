package secrets

import (
	"fmt"

	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newRmCommand) }

func newRmCommand() *cobra.Command {
	var all, ignore bool
	cmd := &cobra.Command{
		Use:     "rm [options] SECRET [SECRET...]",
		Aliases: []string{"remove"},
		Short:   "Remove one or more secrets",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !all {
				return define.Invalidf("%q requires at least 1 arg(s) or --all", cmd.CommandPath())
			}
			if all && len(args) > 0 {
				return define.Invalidf("--all and secret names cannot be used together")
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			reps, err := eng.SecretRemove(cmd.Context(), args, all, ignore)
			if err != nil {
				return err
			}
			var last error
			for _, r := range reps {
				if r.Err == nil {
					fmt.Println(r.ID)
					continue
				}
				if last != nil {
					printErr(last)
				}
				last = r.Err
			}
			return last
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&all, "all", "a", false, "Remove all secrets")
	fs.BoolVarP(&ignore, "ignore", "i", false, "Ignore errors when a secret does not exist")
	return cmd
}
