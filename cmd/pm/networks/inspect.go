package networks

import (
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newInspectCommand) }

func newInspectCommand() *cobra.Command {
	var fmtStr string
	cmd := &cobra.Command{
		Use:   "inspect [options] NETWORK [NETWORK...]",
		Short: "Display the configuration of networks",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			nets, err := eng.NetworkInspect(cmd.Context(), args)
			if err != nil {
				return err
			}
			f := fmtStr
			if f == "" {
				f = "json"
			}
			return format.Write(os.Stdout, nets, format.Options{Format: f})
		},
	}
	cmd.Flags().StringVarP(&fmtStr, "format", "f", "", "Pretty-print the networks to JSON or using a Go template")
	return cmd
}
