package images

import (
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newSaveCommand, Sub: "save", Top: "save"})
}

func newSaveCommand(name string) *cobra.Command {
	var (
		req   engine.ImageSaveRequest
		quiet bool
	)
	cmd := &cobra.Command{
		Use:   name + " [options] IMAGE [IMAGE...]",
		Short: "Save images to an archive or directory",
		Long: `Save images to a docker-archive (default), oci-archive, OCI layout or
docker dir. Without --output the archive goes to stdout, which must not be a
terminal. With docker-archive, names after the first are extra tags of the
first image unless --multi-image-archive makes each one an image.`,
		Args: cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch req.Format {
			case "docker-archive", "oci-archive", "oci-dir", "docker-dir":
			default:
				return invalid("invalid --format %q: use docker-archive, oci-archive, oci-dir or docker-dir", req.Format)
			}
			if req.Output == "" {
				if req.Format == "oci-dir" || req.Format == "docker-dir" {
					return invalid("--format %s writes a directory: use --output", req.Format)
				}
				if isTerminal(os.Stdout) {
					return invalid("refusing to save to terminal: use --output or redirect stdout")
				}
				req.Writer = os.Stdout
			}
			req.Names = args
			req.Progress = progress(quiet || req.Output == "")
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			return eng.ImageSave(cmd.Context(), req)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&req.Output, "output", "o", "", "Write to `PATH` instead of stdout")
	f.StringVar(&req.Format, "format", "docker-archive", "Save as docker-archive, oci-archive, oci-dir or docker-dir")
	f.BoolVarP(&req.MultiImage, "multi-image-archive", "m", false, "Save each name as its own image (docker-archive only)")
	f.BoolVarP(&quiet, "quiet", "q", false, "Print no progress")
	f.BoolVar(&req.Uncompressed, "uncompressed", false, "Keep layers uncompressed in the oci and dir formats")
	return cmd
}
