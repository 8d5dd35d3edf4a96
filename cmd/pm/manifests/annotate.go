package manifests

import (
	"fmt"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newAnnotateCommand) }

func newAnnotateCommand() *cobra.Command {
	var plat platformFlags
	cmd := &cobra.Command{
		Use:   "annotate [options] LIST DIGEST",
		Short: "Add or update information about an entry in a manifest list or image index",
		Long: `Change the platform and annotations LIST records for its instance with
manifest digest DIGEST, and print the list's ID.`,
		Args: cli.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			id, err := eng.ManifestAnnotate(cmd.Context(), args[0], args[1], plat.a)
			if err != nil {
				return err
			}
			fmt.Println(id)
			return nil
		},
	}
	f := cmd.Flags()
	plat.bind(f)
	f.StringSliceVar(&plat.a.OSFeatures, "os-features", nil, "override the OS `features` of the specified image")
	return cmd
}
