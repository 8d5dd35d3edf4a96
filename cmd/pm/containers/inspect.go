package containers

import (
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newInspectCommand, Sub: "inspect"})
}

func newInspectCommand(name string) *cobra.Command {
	var fmtFlag string
	var size, latest bool
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER [CONTAINER...]",
		Short: "Display the configuration of a container",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !latest {
				return define.Invalidf("%q requires a name or ID, or --latest", cmd.CommandPath())
			}
			if len(args) > 0 && latest {
				return define.Invalidf("--latest and containers cannot be used together")
			}
			if fmtFlag != "" && !format.IsJSON(fmtFlag) {
				if _, err := format.Parse(fmtFlag); err != nil {
					return err
				}
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			if latest {
				id, err := eng.LatestContainer(cmd.Context())
				if err != nil {
					return err
				}
				args = []string{id}
			}
			reps, err := eng.ContainerInspect(cmd.Context(), args, size)
			return writeInspect(reps, len(reps), fmtFlag, err)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&fmtFlag, "format", "f", "", "Format the output using the given Go template or \"json\" (default: json)")
	fs.BoolVarP(&size, "size", "s", false, "Display total file size")
	fs.BoolVarP(&latest, "latest", "l", false, "Act on the latest container pm is aware of")
	return cmd
}

// writeInspect prints the n items found, then every error but the last,
// which it returns, as Podman does.
func writeInspect(items any, n int, f string, err error) error {
	if n > 0 || err == nil {
		if f == "" {
			f = "json"
		}
		if werr := format.Write(os.Stdout, items, format.Options{Format: f, Inspect: true}); werr != nil {
			return werr
		}
	}
	return lastError(err)
}

// lastError prints all but the last of a joined error and returns the last.
func lastError(err error) error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return err
	}
	errs := j.Unwrap()
	for _, e := range errs[:len(errs)-1] {
		fmt.Fprintf(os.Stderr, "Error: %s\n", e)
	}
	return errs[len(errs)-1]
}
