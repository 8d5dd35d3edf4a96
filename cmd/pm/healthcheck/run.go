package healthcheck

import (
	"fmt"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newRunCommand) }

func newRunCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "run CONTAINER",
		Short: "Run a container's healthcheck now",
		Long: `Runs the healthcheck of a running container once, records the result and
exits 0 when the check passed, 1 (printing "unhealthy") when it failed, and
125 when it could not run: no such container, no healthcheck, not running.`,
		Args: cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			rep, err := eng.HealthcheckRun(cmd.Context(), args[0])
			if rep != nil && rep.ExitCode != 0 {
				fmt.Println(define.HealthUnhealthy)
			}
			if err != nil {
				return err
			}
			if rep.ExitCode != 0 {
				return &define.ExitCodeError{Code: 1}
			}
			return nil
		},
	}
}
