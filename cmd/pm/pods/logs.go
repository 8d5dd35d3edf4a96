package pods

import (
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newLogsCommand) }

func newLogsCommand() *cobra.Command {
	var req engine.LogsRequest
	var container string
	cmd := &cobra.Command{
		Use:   "logs [options] POD",
		Short: "Fetch the logs of the containers of a pod",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			return eng.PodLogs(cmd.Context(), args[0], container, req, os.Stdout, os.Stderr)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&container, "container", "c", "", "Only the logs of this container of the pod")
	fs.BoolVarP(&req.Follow, "follow", "f", false, "Follow log output")
	fs.StringVar(&req.Since, "since", "", "Show logs since TIMESTAMP")
	fs.StringVar(&req.Until, "until", "", "Show logs until TIMESTAMP")
	fs.IntVar(&req.Tail, "tail", -1, "Output the specified number of lines at the end of each container's log (-1: all)")
	fs.BoolVarP(&req.Timestamps, "timestamps", "t", false, "Output the timestamps of the log lines")
	return cmd
}
