package containers

import (
	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newAttachCommand, Sub: "attach", Top: "attach"})
}

func newAttachCommand(name string) *cobra.Command {
	var req engine.AttachRequest
	var sigProxy, latest bool
	var detachKeys string
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER",
		Short: "Attach to a running container",
		RunE: func(cmd *cobra.Command, args []string) error {
			if latest && len(args) > 0 {
				return define.Invalidf("--latest and containers cannot be used together")
			}
			if !latest {
				if err := cli.ExactArgs(1)(cmd, args); err != nil {
					return err
				}
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
				ctr = args[0]
			}
			info, err := eng.ContainerInspect(cmd.Context(), []string{ctr}, false)
			if err != nil {
				return err
			}
			tty := info[0].Config.Tty
			stdin := info[0].Config.OpenStdin && !req.NoStdin
			o, restore, err := attachOptions(tty, stdin, sigProxy)
			if err != nil {
				return err
			}
			defer restore()
			rep, err := eng.ContainerAttach(cmd.Context(), ctr, req, o)
			restore()
			if err != nil {
				return err
			}
			if !rep.Detached && rep.ExitCode != 0 {
				return &define.ExitCodeError{Code: rep.ExitCode}
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&req.NoStdin, "no-stdin", false, "Do not attach STDIN. The default is false")
	fs.BoolVar(&sigProxy, "sig-proxy", true, "Proxy received signals to the container process (non-TTY mode only)")
	fs.StringVar(&detachKeys, "detach-keys", "ctrl-p,ctrl-q", "Select the key sequence for detaching a container")
	fs.BoolVarP(&latest, "latest", "l", false, "Act on the latest container pm is aware of")
	return cmd
}
