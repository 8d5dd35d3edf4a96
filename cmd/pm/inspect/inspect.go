// Package inspect holds `pm inspect`, which shows containers and images.
package inspect

import (
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

// Register adds `pm inspect` to root.
func Register(root *cobra.Command) {
	root.AddCommand(newInspectCommand())
}

func newInspectCommand() *cobra.Command {
	var fmtFlag, typ string
	var size, latest bool
	cmd := &cobra.Command{
		Use:   "inspect [options] {CONTAINER|IMAGE} [...]",
		Short: "Display the configuration of object denoted by ID",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !latest {
				return define.Invalidf("%q requires a name or ID, or --latest", cmd.CommandPath())
			}
			if len(args) > 0 && latest {
				return define.Invalidf("--latest and arguments cannot be used together")
			}
			switch typ {
			case "all", "container", "image":
			default:
				return define.Invalidf("invalid --type %q: use container, image or all", typ)
			}
			if fmtFlag != "" && !format.IsJSON(fmtFlag) {
				if _, err := format.Parse(fmtFlag); err != nil {
					return err
				}
			}
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			if latest {
				if typ == "image" {
					return define.Invalidf("--latest applies to containers only")
				}
				id, err := eng.LatestContainer(cmd.Context())
				if err != nil {
					return err
				}
				args = []string{id}
			}
			items, err := eng.Inspect(cmd.Context(), args, typ, size)
			if len(items) > 0 || err == nil {
				f := fmtFlag
				if f == "" {
					f = "json"
				}
				if items == nil {
					items = []any{}
				}
				if werr := format.Write(os.Stdout, items, format.Options{Format: f, Inspect: true}); werr != nil {
					return werr
				}
			}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				errs := j.Unwrap()
				for _, e := range errs[:len(errs)-1] {
					fmt.Fprintf(os.Stderr, "Error: %s\n", e)
				}
				return errs[len(errs)-1]
			}
			return err
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&fmtFlag, "format", "f", "", "Format the output using the given Go template or \"json\" (default: json)")
	fs.StringVarP(&typ, "type", "t", "all", "Specify inspect-object type: container, image or all")
	fs.BoolVarP(&size, "size", "s", false, "Display total file size")
	fs.BoolVarP(&latest, "latest", "l", false, "Act on the latest container pm is aware of")
	return cmd
}
