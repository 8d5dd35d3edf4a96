package manifests

import (
	"fmt"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newCreateCommand) }

func newCreateCommand() *cobra.Command {
	var (
		auth cli.AuthFlags
		req  engine.ManifestCreateRequest
	)
	cmd := &cobra.Command{
		Use:   "create [options] LIST [IMAGE...]",
		Short: "Create manifest list or image index",
		Long: `Create a manifest list named LIST, stored as an image, and add each IMAGE to
it; print the list's ID.`,
		Args: cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ra, err := auth.Auth()
			if err != nil {
				return err
			}
			req.RegistryAuth, req.Name, req.Images = ra, args[0], args[1:]
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			id, err := eng.ManifestCreate(cmd.Context(), req)
			if err != nil {
				return err
			}
			fmt.Println(id)
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&req.All, "all", false, "add all of the lists' images if the images to add are lists")
	f.BoolVarP(&req.Amend, "amend", "a", false, "modify an existing list if one with the desired name already exists")
	auth.Bind(f, false)
	return cmd
}
