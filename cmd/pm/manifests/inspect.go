package manifests

import (
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newInspectCommand) }

func newInspectCommand() *cobra.Command {
	var auth cli.AuthFlags
	cmd := &cobra.Command{
		Use:   "inspect [options] LIST",
		Short: "Display the contents of a manifest list or image index",
		Long: `Print the manifest list LIST as JSON: a local list as pm stores it, an OCI
image index; without a local list of that name, the manifest a registry
serves for it.`,
		Args: cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ra, err := auth.Auth()
			if err != nil {
				return err
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			rep, err := eng.ManifestInspect(cmd.Context(), args[0], ra)
			if err != nil {
				return err
			}
			if rep.Warning != "" {
				fmt.Fprintln(os.Stderr, rep.Warning)
			}
			fmt.Println(string(rep.JSON))
			return nil
		},
	}
	auth.Bind(cmd.Flags(), false)
	return cmd
}
