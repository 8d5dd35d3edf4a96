package images

import (
	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newUntagCommand, Sub: "untag", Top: "untag"})
}

func newUntagCommand(name string) *cobra.Command {
	return &cobra.Command{
		Use:   name + " IMAGE [NAME...]",
		Short: "Remove names from a local image",
		Long:  `Remove the given names from an image, or all its names when none are given. The image stays.`,
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			_, err = eng.ImageUntag(cmd.Context(), args[0], args[1:])
			return err
		},
	}
}
