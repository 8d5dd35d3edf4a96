package networks

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newLsCommand) }

const lsDefault = "table {{.ID}}\t{{.Name}}\t{{.Driver}}"

// lsRow is one network for templates.
type lsRow struct {
	ID, Name, Driver, Labels string
	Internal, DNSEnabled     bool
	Subnets                  string
}

func newLsCommand() *cobra.Command {
	var filters []string
	var fmtStr string
	var quiet, noTrunc, noHeading bool
	cmd := &cobra.Command{
		Use:     "ls [options]",
		Aliases: []string{"list"},
		Short:   "List networks",
		Args:    cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			nets, err := eng.NetworkList(cmd.Context(), filters)
			if err != nil {
				return err
			}
			if quiet {
				for _, n := range nets {
					fmt.Println(n.Name)
				}
				return nil
			}
			if format.IsJSON(fmtStr) {
				return format.Write(os.Stdout, nets, format.Options{Format: "json"})
			}
			rows := make([]lsRow, 0, len(nets))
			for _, n := range nets {
				id := n.ID
				if !noTrunc && len(id) > 12 {
					id = id[:12]
				}
				var labels, subnets []string
				for k, v := range n.Labels {
					labels = append(labels, k+"="+v)
				}
				sort.Strings(labels)
				for _, s := range n.Subnets {
					subnets = append(subnets, s.Subnet)
				}
				rows = append(rows, lsRow{ID: id, Name: n.Name, Driver: n.Driver, Labels: strings.Join(labels, ","),
					Internal: n.Internal, DNSEnabled: n.DNSEnabled, Subnets: strings.Join(subnets, ",")})
			}
			return format.Write(os.Stdout, rows, format.Options{Format: fmtStr, Default: lsDefault, NoHeader: noHeading,
				Headers: map[string]string{"ID": "NETWORK ID", "Name": "NAME", "Driver": "DRIVER", "Labels": "LABELS", "Subnets": "SUBNETS"}})
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVarP(&filters, "filter", "f", nil, "Filter output (name=, label=, driver=, id=)")
	fs.StringVar(&fmtStr, "format", "", "Pretty-print networks to JSON or using a Go template")
	fs.BoolVarP(&quiet, "quiet", "q", false, "Display only network names")
	fs.BoolVar(&noTrunc, "no-trunc", false, "Do not truncate the network ID")
	fs.BoolVarP(&noHeading, "noheading", "n", false, "Do not print headers")
	return cmd
}
