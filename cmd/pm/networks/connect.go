package networks

import (
	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newConnectCommand) }

func newConnectCommand() *cobra.Command {
	var req engine.NetworkConnectRequest
	cmd := &cobra.Command{
		Use:   "connect [options] NETWORK CONTAINER",
		Short: "Connect a container to a network",
		Args:  cli.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Network, req.Container = args[0], args[1]
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			return eng.NetworkConnect(cmd.Context(), req)
		},
	}
	cmd.Flags().StringArrayVar(&req.Aliases, "alias", nil, "Add a network-scoped alias for the container")
	cmd.Flags().StringVar(&req.IP, "ip", "", "Give the container this IPv4 address on the network")
	return cmd
}
