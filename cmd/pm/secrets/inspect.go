package secrets

import (
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newInspectCommand) }

func newInspectCommand() *cobra.Command {
	var tmpl string
	var show bool
	cmd := &cobra.Command{
		Use:   "inspect [options] SECRET [SECRET...]",
		Short: "Display detailed information on one or more secrets",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
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
			list, lookErr := eng.SecretInspect(cmd.Context(), args, show)
			if len(list) > 0 || lookErr == nil {
				if err := format.Write(os.Stdout, list, format.Options{Format: tmpl, Inspect: true}); err != nil {
					return err
				}
			}
			return lookErr
		},
	}
	cmd.Flags().StringVarP(&tmpl, "format", "f", "json", "Format secret output using JSON or a Go template")
	cmd.Flags().BoolVar(&show, "showsecret", false, "Show the secret's data")
	return cmd
}
