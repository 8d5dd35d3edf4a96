package containers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newWaitCommand, Sub: "wait", Top: "wait"})
}

func newWaitCommand(name string) *cobra.Command {
	var conds []string
	var interval string
	var ignore bool
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER [CONTAINER...]",
		Short: "Block on one or more containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return define.Invalidf("%q requires at least 1 arg(s)", cmd.CommandPath())
			}
			d, err := time.ParseDuration(interval)
			if err != nil {
				ms, err2 := strconv.Atoi(interval)
				if err2 != nil {
					return define.Invalidf("invalid --interval %q", interval)
				}
				d = time.Duration(ms) * time.Millisecond
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			return forEach(cmd.Context(), args, func(ctx context.Context, n string) (string, error) {
				code, err := eng.ContainerWait(ctx, n, conds, d)
				if err != nil {
					if ignore && errors.Is(err, define.ErrNoSuchCtr) {
						fmt.Fprintln(os.Stdout, -1)
						return "", nil
					}
					return "", err
				}
				return strconv.Itoa(code), nil
			})
		},
	}
	fs := cmd.Flags()
	fs.StringSliceVar(&conds, "condition", nil, "Condition to wait on (stopped, running, created, exited, paused)")
	fs.StringVarP(&interval, "interval", "i", "250ms", "Time interval to wait before polling for completion")
	fs.BoolVar(&ignore, "ignore", false, "Ignore if a container does not exist")
	return cmd
}
