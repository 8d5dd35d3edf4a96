package pods

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newTopCommand) }

func newTopCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "top POD [FORMAT-DESCRIPTORS...]",
		Short: "Display the running processes of the containers of a pod",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			rep, err := eng.PodTop(cmd.Context(), args[0], args[1:])
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
	return cmd
}
