package containers

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newDiffCommand, Sub: "diff", Top: "diff"})
}

// diffJSON is diff --format json, as Podman prints it.
type diffJSON struct {
	Changed []string `json:"changed,omitempty"`
	Added   []string `json:"added,omitempty"`
	Deleted []string `json:"deleted,omitempty"`
}

func newDiffCommand(name string) *cobra.Command {
	var fmtStr string
	cmd := &cobra.Command{
		Use:   name + " [options] {CONTAINER|IMAGE} [{CONTAINER|IMAGE}]",
		Short: "Inspect changes to the container's file systems",
		Long: `List the files a container (or an image's top layer) added (A), changed (C)
or deleted (D) against its image, or against the second container or image.`,
		Args: cli.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if fmtStr != "" && fmtStr != "json" {
				return define.Invalidf("only supported value for '--format' is 'json'")
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			var against string
			target := args[0]
			if len(args) == 2 {
				against, target = args[0], args[1]
			}
			changes, err := eng.ContainerDiff(cmd.Context(), target, against)
			if err != nil {
				return err
			}
			if fmtStr == "json" {
				var out diffJSON
				for _, ch := range changes {
					switch ch.Kind {
					case "A":
						out.Added = append(out.Added, ch.Path)
					case "D":
						out.Deleted = append(out.Deleted, ch.Path)
					default:
						out.Changed = append(out.Changed, ch.Path)
					}
				}
				b, err := json.MarshalIndent(out, "", "    ")
				if err != nil {
					return err
				}
				fmt.Printf("%s\n", b)
				return nil
			}
			for _, ch := range changes {
				fmt.Fprintf(os.Stdout, "%s %s\n", ch.Kind, ch.Path)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&fmtStr, "format", "", "Change the output format (json)")
	return cmd
}
