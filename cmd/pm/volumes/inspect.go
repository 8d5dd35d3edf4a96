package volumes

import (
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newInspectCommand) }

func newInspectCommand() *cobra.Command {
	var all bool
	var tmpl string
	cmd := &cobra.Command{
		Use:   "inspect [options] VOLUME [VOLUME...]",
		Short: "Display detailed information on one or more volumes",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !all {
				return define.Invalidf("%q requires at least 1 arg(s) or --all", cmd.CommandPath())
			}
			if all && len(args) > 0 {
				return define.Invalidf("--all and volume names cannot be used together")
			}
			if tmpl == "" {
				tmpl = "json"
			}
			if !format.IsJSON(tmpl) {
				if _, err := format.Parse(tmpl); err != nil {
					return err
				}
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			vols, lookErr := eng.VolumeInspect(cmd.Context(), args, all)
			if len(vols) > 0 || lookErr == nil {
				if err := format.Write(os.Stdout, vols, format.Options{Format: tmpl}); err != nil {
					return err
				}
			}
			return lookErr
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "Inspect all volumes")
	cmd.Flags().StringVarP(&tmpl, "format", "f", "json", "Format volume output using JSON or a Go template")
	return cmd
}
