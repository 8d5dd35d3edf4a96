package networks

import (
	"errors"
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newRmCommand) }

func newRmCommand() *cobra.Command {
	var force bool
	var timeout uint
	cmd := &cobra.Command{
		Use:     "rm [options] NETWORK [NETWORK...]",
		Aliases: []string{"remove"},
		Short:   "Remove networks",
		Args:    cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			var last error
			for _, a := range args {
				name, err := eng.NetworkRemove(cmd.Context(), a, force)
				if force && errors.Is(err, define.ErrNotFound) {
					continue // --force: a missing network is no error, as in Podman
				}
				// Exit 1 for a missing network, 2 for one in use.
				err = cli.RemoveExit(err, func(err error) bool { return errors.Is(err, define.ErrConflict) })
				if err != nil {
					if last != nil {
						fmt.Fprintf(os.Stderr, "Error: %s\n", last)
					}
					last = err
					continue
				}
				fmt.Println(name)
			}
			return last
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Remove the containers that use the network too")
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "Seconds to wait for running containers to stop before killing them")
	return cmd
}
