package containers

import (
	"context"
	"errors"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newStartCommand, Sub: "start", Top: "start"})
}

func newStartCommand(name string) *cobra.Command {
	var attach, interactive, all, sigProxy bool
	var detachKeys string
	var filters []string
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER [CONTAINER...]",
		Short: "Start one or more containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !all && len(filters) == 0 {
				return define.Invalidf("%q requires at least 1 arg(s)", cmd.CommandPath())
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			if attach {
				if len(args) != 1 {
					return define.Invalidf("you cannot start and attach multiple containers at once")
				}
				o, restore, err := attachOptions(false, interactive, sigProxy)
				if err != nil {
					return err
				}
				defer restore()
				code, err := eng.ContainerStartAttached(cmd.Context(), args[0], o)
				if err != nil {
					return err
				}
				if code != 0 {
					return &define.ExitCodeError{Code: code}
				}
				return nil
			}
			names, err := eng.ContainersToStart(cmd.Context(), args, all, filters)
			if err != nil {
				return err
			}
			return forEach(cmd.Context(), names, func(ctx context.Context, n string) (string, error) {
				if _, err := eng.ContainerStart(ctx, n); err != nil {
					return "", startExit(err)
				}
				return n, nil
			})
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&attach, "attach", "a", false, "Attach container's STDOUT and STDERR")
	fs.BoolVarP(&interactive, "interactive", "i", false, "Make STDIN available to the contained process")
	fs.BoolVar(&all, "all", false, "Start all containers regardless of their state or configuration")
	fs.StringSliceVarP(&filters, "filter", "f", nil, "Filter output based on conditions given")
	fs.BoolVar(&sigProxy, "sig-proxy", true, "Proxy received signals to the process (default true if attaching, false otherwise)")
	fs.StringVar(&detachKeys, "detach-keys", "ctrl-p,ctrl-q", "Select the key sequence for detaching a container")
	_ = cli.NoArgs
	return cmd
}

// startExit gives a detached start's failure exit code 125, as Podman's
// start does even when the command cannot be run (126, 127 for run).
func startExit(err error) error {
	var ec *define.ExitCodeError
	if errors.As(err, &ec) && ec.Err != nil && (ec.Code == define.ExitCannotRun || ec.Code == define.ExitCmdNotFound) {
		return ec.Err
	}
	return err
}
