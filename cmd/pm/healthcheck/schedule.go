package healthcheck

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newScheduleCommand) }

// newScheduleCommand is the detached scheduler's command: a start runs it
// (as pm-healthcheck) for a container with a healthcheck; no one else
// should.
func newScheduleCommand() *cobra.Command {
	return &cobra.Command{
		Use:    define.HealthSchedulerCommand + " CONTAINER",
		Short:  "Run a container's healthcheck every interval while it runs",
		Hidden: true,
		Args:   cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			os.WriteFile("/proc/self/comm", []byte(define.HealthSchedulerName), 0)
			signal.Ignore(syscall.SIGHUP, syscall.SIGPIPE)
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			return eng.HealthcheckSchedule(cmd.Context(), args[0])
		},
	}
}
