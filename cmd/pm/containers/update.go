package containers

import (
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newUpdateCommand, Sub: "update", Top: "update"})
}

func newUpdateCommand(name string) *cobra.Command {
	var (
		res     resourceFlags
		restart string
	)
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER",
		Short: "Update the configuration of a given container",
		Long: `Change a container's cgroup limits and restart policy. A running
container gets the new limits at once; every container keeps them, and the
restart policy, in its configuration for its next start.`,
		Args: cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var req engine.ContainerUpdateRequest
			if cmd.Flags().Changed("restart") {
				req.Restart = &restart
			}
			var err error
			if req.Resources, err = res.resources(cmd.Flags()); err != nil {
				return err
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			rep, err := eng.ContainerUpdate(cmd.Context(), args[0], req)
			if err != nil {
				return err
			}
			for _, w := range rep.Warnings {
				fmt.Fprintln(os.Stderr, w)
			}
			fmt.Println(rep.ID)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&restart, "restart", "", "Restart policy to apply when a container exits (\"always\"|\"no\"|\"on-failure\"|\"unless-stopped\")")
	res.bind(fs, true)
	return cmd
}
