package volumes

import (
	"fmt"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newCreateCommand) }

func newCreateCommand() *cobra.Command {
	var req engine.VolumeCreateRequest
	var labels, opts []string
	cmd := &cobra.Command{
		Use:   "create [options] [NAME]",
		Short: "Create a new volume",
		Args:  maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				req.Name = args[0]
				if err := define.ValidateVolumeName(req.Name); err != nil {
					return err
				}
			}
			var err error
			if req.Labels, err = keyValues("--label", labels, false); err != nil {
				return err
			}
			if req.Options, err = keyValues("--opt", opts, true); err != nil {
				return err
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			name, err := eng.VolumeCreate(cmd.Context(), req)
			if err != nil {
				return err
			}
			fmt.Println(name)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&req.Driver, "driver", "d", "local", "Volume driver (only local)")
	fs.StringArrayVarP(&labels, "label", "l", nil, "Set metadata for a volume (key=value)")
	fs.StringArrayVarP(&opts, "opt", "o", nil, "Set driver specific options: type=tmpfs|none, o=OPTIONS, device=PATH")
	fs.BoolVar(&req.Ignore, "ignore", false, "Do not fail if the named volume already exists")
	return cmd
}

// keyValues parses KEY=VALUE items of flag; with needValue a bare KEY is
// an error, else it maps to "".
func keyValues(flag string, items []string, needValue bool) (map[string]string, error) {
	out := map[string]string{}
	for _, it := range items {
		k, v, ok := strings.Cut(it, "=")
		if k == "" || (needValue && !ok) {
			return nil, define.Invalidf("invalid %s %q: use key=value", flag, it)
		}
		out[k] = v
	}
	return out, nil
}
