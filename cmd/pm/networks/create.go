package networks

import (
	"fmt"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newCreateCommand) }

func newCreateCommand() *cobra.Command {
	var req engine.NetworkCreateRequest
	var labels []string
	cmd := &cobra.Command{
		Use:   "create [options] [NAME]",
		Short: "Create a network",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				req.Name = args[0]
			}
			req.Labels = map[string]string{}
			for _, l := range labels {
				k, v, _ := strings.Cut(l, "=")
				if k == "" {
					return define.Invalidf("invalid --label %q: use key=value", l)
				}
				req.Labels[k] = v
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			n, err := eng.NetworkCreate(cmd.Context(), req)
			if err != nil {
				return err
			}
			fmt.Println(n.Name)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&req.Driver, "driver", "d", "bridge", "Driver to manage the network")
	fs.StringVar(&req.Subnet, "subnet", "", "Subnet in CIDR format")
	fs.StringVar(&req.Gateway, "gateway", "", "IPv4 gateway for the subnet")
	fs.StringVar(&req.IPRange, "ip-range", "", "Allocate container IPs from a range (CIDR)")
	fs.BoolVar(&req.Internal, "internal", false, "Restrict external access from this network")
	fs.BoolVar(&req.DisableDNS, "disable-dns", false, "Disable DNS plugin")
	fs.StringArrayVar(&labels, "label", nil, "Set metadata on a network")
	fs.BoolVar(&req.Ignore, "ignore", false, "Do not fail if a network of that name exists")
	return cmd
}
