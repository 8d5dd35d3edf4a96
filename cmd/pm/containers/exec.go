package containers

import (
	"fmt"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newExecCommand, Sub: "exec", Top: "exec"})
}

func newExecCommand(name string) *cobra.Command {
	var req engine.ExecRequest
	var latest bool
	var detachKeys string
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER COMMAND [ARG...]",
		Short: "Run a process in a running container",
		RunE: func(cmd *cobra.Command, args []string) error {
			want := 2
			if latest {
				want = 1
			}
			if len(args) < want {
				return define.Invalidf("%q requires the name or ID of a container and a command to run", cmd.CommandPath())
			}
			if cmd.Flags().Changed("detach-keys") {
				req.DetachKeys = &detachKeys
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			ctr := ""
			if latest {
				if ctr, err = eng.LatestContainer(cmd.Context()); err != nil {
					return err
				}
			} else {
				ctr, args = args[0], args[1:]
			}
			req.Command = args
			var o engine.AttachOptions
			restore := func() {}
			if !req.Detach {
				o, restore, err = attachOptions(req.Tty, req.Interactive, false)
				if err != nil {
					return err
				}
			}
			defer restore()
			rep, err := eng.ContainerExec(cmd.Context(), ctr, req, o)
			restore()
			if err != nil {
				return err
			}
			if req.Detach {
				fmt.Println(rep.SessionID)
				return nil
			}
			if rep.ExitCode != 0 && !rep.Detached {
				return &define.ExitCodeError{Code: rep.ExitCode}
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.SetInterspersed(false)
	fs.BoolVarP(&req.Interactive, "interactive", "i", false, "Make STDIN available to the contained process")
	fs.BoolVarP(&req.Tty, "tty", "t", false, "Allocate a pseudo-TTY")
	fs.BoolVarP(&req.Detach, "detach", "d", false, "Run the exec session in detached mode (backgrounded)")
	fs.StringArrayVarP(&req.Env, "env", "e", nil, "Set environment variables")
	fs.StringArrayVar(&req.EnvFiles, "env-file", nil, "Read in a file of environment variables")
	fs.StringVarP(&req.User, "user", "u", "", "Sets the username or UID used and optionally the groupname or GID for the specified command")
	fs.StringVarP(&req.WorkDir, "workdir", "w", "", "Working directory inside the container")
	fs.BoolVar(&req.Privileged, "privileged", false, "Give the process extended Linux capabilities inside the container")
	fs.StringVar(&detachKeys, "detach-keys", "ctrl-p,ctrl-q", "Select the key sequence for detaching an exec session")
	fs.BoolVarP(&latest, "latest", "l", false, "Act on the latest container pm is aware of")
	return cmd
}
