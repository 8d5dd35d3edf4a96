package images

import (
	"fmt"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newLogoutCommand, Top: "logout"})
}

func newLogoutCommand(name string) *cobra.Command {
	var req engine.LogoutRequest
	cmd := &cobra.Command{
		Use:   name + " [options] REGISTRY",
		Short: "Remove the stored credentials of a registry",
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case req.All && len(args) > 0:
				return invalid("--all takes no registry")
			case !req.All && len(args) != 1:
				return invalid("%q requires exactly 1 arg(s), received %d", cmd.CommandPath(), len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			if len(args) == 1 {
				req.Registry = args[0]
			}
			if err := eng.Logout(cmd.Context(), req); err != nil {
				return err
			}
			if req.All {
				fmt.Println("Removed login credentials for all registries")
			} else {
				fmt.Printf("Removed login credentials for %s\n", req.Registry)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.AuthFile, "authfile", "", "Path of the authentication file")
	f.BoolVarP(&req.All, "all", "a", false, "Remove the credentials of every registry")
	return cmd
}
