package images

import (
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newImportCommand, Sub: "import", Top: "import"})
}

func newImportCommand(name string) *cobra.Command {
	var (
		req   engine.ImageImportRequest
		quiet bool
	)
	cmd := &cobra.Command{
		Use:   name + " [options] FILE|- [REFERENCE]",
		Short: "Make an image from a root filesystem tarball",
		Long: `Make a one-layer image from a tarball (plain or compressed) of a root
filesystem, read from FILE or, for "-", stdin. --change applies Dockerfile
instructions (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME,
WORKDIR) to the image's config. Prints the new image's ID.`,
		Args: cli.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Source = args[0]
			if len(args) == 2 {
				req.Reference = args[1]
			}
			if req.Source == "-" {
				if isTerminal(os.Stdin) {
					return invalid("cannot read a tarball from a terminal: redirect stdin")
				}
				req.Reader = os.Stdin
			}
			req.Progress = progress(quiet)
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			rep, err := eng.ImageImport(cmd.Context(), req)
			if err != nil {
				return err
			}
			fmt.Fprintln(os.Stdout, rep.ID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&req.Changes, "change", "c", nil, "Apply a Dockerfile `INSTRUCTION` to the config, e.g. CMD=/bin/sh")
	f.StringVarP(&req.Message, "message", "m", "", "Record `MESSAGE` as the history comment")
	f.StringVar(&req.OS, "os", "", "Record `OS` in the config instead of this host's")
	f.StringVar(&req.Arch, "arch", "", "Record `ARCH` in the config instead of this host's")
	f.StringVar(&req.Variant, "variant", "", "Record CPU `VARIANT` in the config")
	f.BoolVarP(&quiet, "quiet", "q", false, "Print no progress")
	return cmd
}
