package manifests

import (
	"io"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newPushCommand) }

func newPushCommand() *cobra.Command {
	var (
		auth       cli.AuthFlags
		req        engine.ManifestPushRequest
		quiet      bool
		digestFile string
	)
	cmd := &cobra.Command{
		Use:   "push [options] LIST [DESTINATION]",
		Short: "Push a manifest list or image index to a registry",
		Long: `Push the manifest list LIST, with its images (unless --all=false), to
DESTINATION (default: the list's name), a registry name unless it carries a
transport.`,
		Args: cli.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ra, err := auth.Auth()
			if err != nil {
				return err
			}
			req.RegistryAuth, req.List = ra, args[0]
			if len(args) == 2 {
				if args[1] == "" {
					return define.Invalidf(`invalid destination "%s"`, args[1])
				}
				req.Destination = args[1]
			}
			req.Progress = os.Stderr
			if quiet {
				req.Progress = io.Discard
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			d, err := eng.ManifestPush(cmd.Context(), req)
			if err != nil {
				return err
			}
			if digestFile != "" {
				if err := os.WriteFile(digestFile, []byte(d), 0o644); err != nil {
					return define.Invalidf("writing --digestfile: %v", err)
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&req.All, "all", true, "also push the images in the list")
	f.BoolVar(&req.Rm, "rm", false, "remove the manifest list if push succeeds")
	f.StringVar(&digestFile, "digestfile", "", "after copying the image, write the digest of the resulting digest to the file")
	f.StringVarP(&req.Format, "format", "f", "", "manifest type (oci or v2s2) to attempt to use when pushing the manifest list (default is manifest type of source)")
	f.BoolVar(&req.RemoveSignatures, "remove-signatures", false, "don't copy signatures when pushing images")
	f.BoolVarP(&quiet, "quiet", "q", false, "don't output progress information when pushing lists")
	f.StringVar(&req.CompressionFormat, "compression-format", "", "compression format to use")
	auth.Bind(f, true)
	return cmd
}
