package volumes

import (
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newLsCommand) }

func newLsCommand() *cobra.Command {
	var filters []string
	var tmpl string
	var quiet, noHeading bool
	cmd := &cobra.Command{
		Use:     "ls [options]",
		Aliases: []string{"list"},
		Short:   "List volumes",
		Args:    cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if tmpl != "" && !format.IsJSON(tmpl) {
				if _, err := format.Parse(tmpl); err != nil {
					return err
				}
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			vols, err := eng.VolumeList(cmd.Context(), filters)
			if err != nil {
				return err
			}
			if quiet {
				tmpl = "{{.Name}}"
			}
			return format.Write(os.Stdout, vols, format.Options{
				Format:   tmpl,
				Default:  "table {{.Driver}}\t{{.Name}}",
				Headers:  map[string]string{"Name": "VOLUME NAME"},
				NoHeader: noHeading,
			})
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVarP(&filters, "filter", "f", nil, "Filter volume output (name=, label=, dangling=, driver=, anonymous=)")
	fs.StringVar(&tmpl, "format", "", "Format volume output using JSON or a Go template")
	fs.BoolVarP(&quiet, "quiet", "q", false, "Print volume output in quiet mode")
	fs.BoolVarP(&noHeading, "noheading", "n", false, "Do not print headers")
	return cmd
}
