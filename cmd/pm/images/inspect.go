package images

import (
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newInspectCommand, Sub: "inspect"})
}

func newInspectCommand(name string) *cobra.Command {
	var fmtFlag string
	cmd := &cobra.Command{
		Use:   name + " [options] IMAGE [IMAGE...]",
		Short: "Show the configuration of local images",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if fmtFlag != "" && !format.IsJSON(fmtFlag) {
				if _, err := format.Parse(fmtFlag); err != nil {
					return err
				}
			}
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			reps, err := eng.ImageInspect(cmd.Context(), args)
			if len(reps) > 0 || err == nil {
				f := fmtFlag
				if f == "" {
					f = "json"
				}
				if werr := format.Write(os.Stdout, reps, format.Options{Format: f}); werr != nil {
					return werr
				}
			}
			return err
		},
	}
	cmd.Flags().StringVarP(&fmtFlag, "format", "f", "", "Print with a Go template or \"json\" (default: json)")
	return cmd
}
