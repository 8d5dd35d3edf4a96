package containers

import (
	"os"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newLogsCommand, Sub: "logs", Top: "logs"})
}

func newLogsCommand(name string) *cobra.Command {
	var req engine.LogsRequest
	var latest bool
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER [CONTAINER...]",
		Short: "Fetch the logs of one or more containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !latest {
				return define.Invalidf("%q requires at least one container name or ID, or --latest", cmd.CommandPath())
			}
			if len(args) > 0 && latest {
				return define.Invalidf("--latest and containers cannot be used together")
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			if latest {
				id, err := eng.LatestContainer(cmd.Context())
				if err != nil {
					return err
				}
				args = []string{id}
			}
			return eng.ContainerLogs(cmd.Context(), args, req, os.Stdout, os.Stderr)
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&req.Follow, "follow", "f", false, "Follow log output")
	fs.StringVar(&req.Since, "since", "", "Show logs since TIMESTAMP")
	fs.StringVar(&req.Until, "until", "", "Show logs until TIMESTAMP")
	fs.IntVar(&req.Tail, "tail", -1, "Output the specified number of LINES at the end of the logs")
	fs.BoolVarP(&req.Timestamps, "timestamps", "t", false, "Output the timestamps in the log")
	fs.BoolVarP(&req.Names, "names", "n", false, "Output the container name in the log")
	fs.BoolVarP(&latest, "latest", "l", false, "Act on the latest container pm is aware of")
	return cmd
}
