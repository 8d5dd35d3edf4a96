package volumes

import (
	"errors"
	"fmt"

	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newRmCommand) }

// Exit codes of volume rm, as Podman documents them.
const (
	exitNoSuchVolume = 1
	exitVolumeInUse  = 2
)

func newRmCommand() *cobra.Command {
	var all, force bool
	var timeout uint
	cmd := &cobra.Command{
		Use:     "rm [options] VOLUME [VOLUME...]",
		Aliases: []string{"remove"},
		Short:   "Remove one or more volumes",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !all {
				return define.Invalidf("%q requires at least 1 arg(s) or --all", cmd.CommandPath())
			}
			if all && len(args) > 0 {
				return define.Invalidf("--all and volume names cannot be used together")
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			var t *uint
			if cmd.Flags().Changed("time") {
				t = &timeout
			}
			reps, err := eng.VolumeRemove(cmd.Context(), args, all, force, t)
			if err != nil {
				return err
			}
			var last error
			for _, r := range reps {
				if r.Err == nil {
					fmt.Println(r.Name)
					continue
				}
				if force && errors.Is(r.Err, define.ErrNoSuchVolume) {
					continue // --force: a missing volume is no error, as in Podman
				}
				if last != nil {
					printErr(last)
				}
				last = r.Err
				switch {
				case errors.Is(r.Err, define.ErrNoSuchVolume):
					last = &define.ExitCodeError{Code: exitNoSuchVolume, Err: r.Err}
				case errors.Is(r.Err, define.ErrVolumeInUse):
					last = &define.ExitCodeError{Code: exitVolumeInUse, Err: r.Err}
				}
			}
			return last
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&all, "all", "a", false, "Remove all volumes")
	fs.BoolVarP(&force, "force", "f", false, "Remove a volume by force, removing the containers that use it first")
	fs.UintVarP(&timeout, "time", "t", 10, "Seconds to wait for a container to stop before killing it (with --force)")
	return cmd
}
