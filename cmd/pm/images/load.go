package images

import (
	"fmt"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{mk: newLoadCommand, sub: "load", top: "load"})
}

func newLoadCommand(name string) *cobra.Command {
	var (
		req   engine.ImageLoadRequest
		quiet bool
	)
	cmd := &cobra.Command{
		Use:   name + " [options]",
		Short: "Load images from a docker-archive or oci-archive",
		Long: `Load the images of an archive made by save (docker-archive or oci-archive,
told apart by content) from --input or stdin, and print each name loaded.`,
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if req.Input == "" {
				if isTerminal(os.Stdin) {
					return invalid("cannot read an archive from a terminal: use --input or redirect stdin")
				}
				req.Reader = os.Stdin
			}
			req.Progress = progress(quiet)
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			rep, err := eng.ImageLoad(cmd.Context(), req)
			if err != nil {
				return err
			}
			var b strings.Builder
			for _, n := range rep.Names {
				fmt.Fprintf(&b, "Loaded image: %s\n", n)
			}
			_, err = os.Stdout.WriteString(b.String())
			return err
		},
	}
	f := cmd.Flags()
	f.StringVarP(&req.Input, "input", "i", "", "Read the archive from `PATH` instead of stdin")
	f.BoolVarP(&quiet, "quiet", "q", false, "Print no progress")
	return cmd
}
