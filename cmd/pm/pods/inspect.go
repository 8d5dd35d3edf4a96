package pods

import (
	"encoding/json"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newInspectCommand) }

func newInspectCommand() *cobra.Command {
	var fmtFlag string
	var latest bool
	cmd := &cobra.Command{
		Use:   "inspect [options] POD [POD...]",
		Short: "Display the configuration of one or more pods",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return define.Invalidf("%q requires at least 1 arg(s)", cmd.CommandPath())
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			var out []*define.InspectPodData
			for _, a := range args {
				d, err := eng.PodInspect(cmd.Context(), a)
				if err != nil {
					return err
				}
				out = append(out, d)
			}
			if fmtFlag == "" || format.IsJSON(fmtFlag) {
				b, err := json.MarshalIndent(out, "", "     ")
				if err != nil {
					return err
				}
				_, err = os.Stdout.Write(append(b, '\n'))
				return err
			}
			return format.Write(os.Stdout, out, format.Options{Format: fmtFlag, Inspect: true})
		},
	}
	cmd.Flags().StringVarP(&fmtFlag, "format", "f", "", "Format the output using the given Go template or \"json\" (default: json)")
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "Act on the latest pod (not supported)")
	cmd.Flags().MarkHidden("latest")
	return cmd
}
