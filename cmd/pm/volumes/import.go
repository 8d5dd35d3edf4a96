package volumes

import (
	"io"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newImportCommand) }

func newImportCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "import VOLUME [SOURCE]",
		Short: "Import a tarball's content into an existing volume",
		Long:  "Unpack a tar archive (a file, or - for stdin, the default) into an existing volume.",
		Args:  cli.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
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
			var r io.Reader = os.Stdin
			if len(args) == 2 && args[1] != "-" {
				f, err := os.Open(args[1])
				if err != nil {
					return define.Invalidf("opening %s: %v", args[1], err)
				}
				defer f.Close()
				r = f
			}
			return eng.VolumeImport(cmd.Context(), args[0], r)
		},
	}
}
