package manifests

import (
	"fmt"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newRemoveCommand) }

func newRemoveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "remove LIST DIGEST",
		Short: "Remove an entry from a manifest list or image index",
		Long:  `Remove the instance with manifest digest DIGEST from LIST and print the list's ID.`,
		Args:  cli.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			id, err := eng.ManifestRemove(cmd.Context(), args[0], args[1])
			if err != nil {
				return fmt.Errorf("removing from manifest list %s: %w", args[0], err)
			}
			fmt.Println(id)
			return nil
		},
	}
}
