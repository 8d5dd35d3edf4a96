package pods

import (
	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newStatsCommand) }

func newStatsCommand() *cobra.Command {
	var noStream bool
	var fmtFlag string
	cmd := &cobra.Command{
		Use:   "stats [options] POD",
		Short: "Display the resource usage of the containers of a pod",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			return eng.PodStats(cmd.Context(), args[0])
		},
	}
	cmd.Flags().BoolVar(&noStream, "no-stream", false, "Print one sample and exit")
	cmd.Flags().StringVar(&fmtFlag, "format", "", "Pretty-print the statistics using a Go template or \"json\"")
	return cmd
}
