package manifests

import (
	"fmt"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newAddCommand) }

func newAddCommand() *cobra.Command {
	var (
		auth cli.AuthFlags
		plat platformFlags
		all  bool
	)
	cmd := &cobra.Command{
		Use:   "add [options] LIST IMAGE [IMAGE...]",
		Short: "Add images to a manifest list or image index",
		Long: `Add each IMAGE to the manifest list LIST and print the list's ID. IMAGE may
carry a transport (containers-storage:, docker://, oci:, oci-archive:,
docker-archive:, dir:); without one a local image is used, else a
registry's.`,
		Args: cli.MinArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ra, err := auth.Auth()
			if err != nil {
				return err
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			id, err := eng.ManifestAdd(cmd.Context(), engine.ManifestAddRequest{RegistryAuth: ra, List: args[0], Images: args[1:],
				All: all, ManifestAnnotation: plat.a})
			if err != nil {
				return err
			}
			fmt.Println(id)
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&all, "all", false, "add all of the list's images if the image is a list")
	plat.bind(f)
	auth.Bind(f, true)
	return cmd
}
