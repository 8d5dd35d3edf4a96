package images

import (
	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newTagCommand, Sub: "tag", Top: "tag"})
}

func newTagCommand(name string) *cobra.Command {
	return &cobra.Command{
		Use:   name + " IMAGE TARGET [TARGET...]",
		Short: "Add names to a local image",
		Long: `Add names to an image. A short TARGET is stored under localhost/, and a
missing tag is :latest. A name another image had moves to this one.`,
		Args: cli.MinArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			return eng.ImageTag(cmd.Context(), args[0], args[1:])
		},
	}
}
