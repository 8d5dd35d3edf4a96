package containers

import (
	"fmt"

	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newPortCommand, Sub: "port", Top: "port"})
}

func newPortCommand(name string) *cobra.Command {
	var all, latest bool
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER [PRIVATE_PORT[/PROTO]]",
		Short: "List port mappings or a specific mapping for the container",
		RunE: func(cmd *cobra.Command, args []string) error {
			max := 2
			if all || latest {
				max = 1
				if len(args) > 1 || all && latest {
					return define.Invalidf("the --all and --latest options take no container name and at most a port")
				}
			}
			if !all && !latest && len(args) == 0 {
				return define.Invalidf("%q requires a container name or ID, or --all or --latest", cmd.CommandPath())
			}
			if len(args) > max {
				return define.Invalidf("%q accepts at most a container and a port, got %d arguments", cmd.CommandPath(), len(args))
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			var names []string
			port := ""
			switch {
			case all:
				if names, err = eng.ContainerIDs(cmd.Context(), true); err != nil {
					return err
				}
			case latest:
				id, err := eng.LatestContainer(cmd.Context())
				if err != nil {
					return err
				}
				names = []string{id}
			default:
				names = args[:1]
				args = args[1:]
			}
			if len(args) > 0 {
				port = args[0]
			}
			for _, n := range names {
				lines, err := eng.ContainerPort(cmd.Context(), n, port)
				if err != nil {
					return err
				}
				if all && len(lines) > 0 {
					fmt.Println(trunc(n, false))
				}
				for _, l := range lines {
					fmt.Println(l)
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "Display port information for all containers")
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "Act on the latest container pm is aware of")
	return cmd
}
