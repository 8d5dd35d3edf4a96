package containers

import (
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func init() {
	verbs = append(verbs, verb{Make: newExportCommand, Sub: "export", Top: "export"})
}

func newExportCommand(name string) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER",
		Short: "Export a container's filesystem contents as a tar archive",
		Long: `Write the container's filesystem as a tar archive to stdout, or to FILE
with --output. Ownership and modes are kept as seen inside the container;
"pm import" makes an image of the archive.`,
		Args: cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) (retErr error) {
			w := os.Stdout
			if output == "" {
				if term.IsTerminal(int(os.Stdout.Fd())) {
					return define.Invalidf("refusing to export to terminal. Use -o flag or redirect")
				}
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			if output != "" {
				f, err := os.Create(output)
				if err != nil {
					return fmt.Errorf("creating %s: %w", output, err)
				}
				defer func() {
					if err := f.Close(); err != nil && retErr == nil {
						retErr = fmt.Errorf("writing %s: %w", output, err)
					}
					if retErr != nil {
						os.Remove(output)
					}
				}()
				w = f
			}
			return eng.ContainerExport(cmd.Context(), args[0], w)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "Write to a specified `FILE` (default: stdout, which must be redirected)")
	return cmd
}
