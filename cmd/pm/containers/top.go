package containers

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newTopCommand, Sub: "top", Top: "top"})
}

func newTopCommand(name string) *cobra.Command {
	var latest bool
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER [FORMAT-DESCRIPTORS|ARGS...]",
		Short: "Display the running processes of a container",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !latest {
				return define.Invalidf("%q requires a container name or ID, or --latest", cmd.CommandPath())
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
			rep, err := eng.ContainerTop(cmd.Context(), ctr, args)
			if err != nil {
				return err
			}
			if rep.Rows == nil {
				_, err := os.Stdout.Write(rep.Raw)
				return err
			}
			w := tabwriter.NewWriter(os.Stdout, 12, 2, 2, ' ', 0)
			for _, r := range rep.Rows {
				fmt.Fprintln(w, strings.Join(r, "\t"))
			}
			return w.Flush()
		},
	}
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "Act on the latest container pm is aware of")
	return cmd
}
