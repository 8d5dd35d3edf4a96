package images

import (
	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newPushCommand, Sub: "push", Top: "push"})
}

func newPushCommand(name string) *cobra.Command {
	var (
		auth                    cli.AuthFlags
		manifestFmt, compFormat string
		quiet, removeSigs       bool
	)
	cmd := &cobra.Command{
		Use:   name + " [options] IMAGE [DESTINATION]",
		Short: "Push an image to a registry or another transport",
		Long: `Push a local image. DESTINATION defaults to the image's own name; it may
carry a transport (docker://, oci:, oci-archive:, docker-archive:, dir:),
and without one is a registry name.`,
		Args: cli.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ra, err := auth.Auth()
			if err != nil {
				return err
			}
			req := engine.ImagePushRequest{RegistryAuth: ra, Name: args[0], Format: manifestFmt,
				CompressionFormat: compFormat, RemoveSignatures: removeSigs, Progress: progress(quiet)}
			if len(args) == 2 {
				req.Destination = args[1]
			}
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			_, err = eng.ImagePush(cmd.Context(), req)
			return err
		},
	}
	f := cmd.Flags()
	auth.Bind(f, true)
	f.StringVarP(&manifestFmt, "format", "f", "", "Manifest type to push: oci, v2s2 or v2s1 (default: the stored type)")
	f.StringVar(&compFormat, "compression-format", "", "Compress layers with `FORMAT`: gzip, zstd or zstd:chunked")
	f.BoolVarP(&quiet, "quiet", "q", false, "Print no progress")
	f.BoolVar(&removeSigs, "remove-signatures", false, "Drop signatures while pushing")
	return cmd
}
