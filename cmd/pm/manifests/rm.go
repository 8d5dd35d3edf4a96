package manifests

import (
	"errors"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newRmCommand) }

func newRmCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "rm LIST [LIST...]",
		Short: "Remove manifest list or image index from local storage",
		Long: `Remove each manifest list LIST (not the images it lists), as pm rmi
removes images: "Untagged:" and "Deleted:" lines, exit 1 when only missing
lists failed.`,
		Args: cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			rep, err := eng.ManifestRm(cmd.Context(), args)
			var b strings.Builder
			if rep != nil {
				for _, n := range rep.Untagged {
					b.WriteString("Untagged: " + n + "\n")
				}
				for _, id := range rep.Deleted {
					b.WriteString("Deleted: " + id + "\n")
				}
			}
			os.Stdout.WriteString(b.String())
			return cli.RemoveExit(err, func(err error) bool { return errors.Is(err, define.ErrImageInUse) })
		},
	}
}
