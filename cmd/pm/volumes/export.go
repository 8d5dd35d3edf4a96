package volumes

import (
	"fmt"
	"io"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func init() { verbs = append(verbs, newExportCommand) }

func newExportCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export [options] VOLUME",
		Short: "Export the content of a volume as a tar archive",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) (retErr error) {
			var w io.Writer = os.Stdout
			if output == "" && term.IsTerminal(int(os.Stdout.Fd())) {
				return define.Invalidf("refusing to write a tar archive to a terminal: redirect stdout or use --output")
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			if ok, err := eng.VolumeExists(cmd.Context(), args[0]); err != nil || !ok {
				if err == nil {
					err = define.Errorf(define.ErrNoSuchVolume, "no volume with name %q found: %w", args[0], define.ErrNoSuchVolume)
				}
				return err
			}
			if output != "" {
				f, err := os.Create(output)
				if err != nil {
					return define.Invalidf("creating --output %s: %v", output, err)
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
			return eng.VolumeExport(cmd.Context(), args[0], w)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "Write to a file, default is STDOUT")
	return cmd
}
