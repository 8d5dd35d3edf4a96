package containers

import (
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newCommitCommand, Sub: "commit", Top: "commit"})
}

func newCommitCommand(name string) *cobra.Command {
	var (
		req     engine.ContainerCommitRequest
		quiet   bool
		iidfile string
	)
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER [IMAGE]",
		Short: "Create new image based on the changed container",
		Long: `Make an image of the container's image layers plus one layer with the
container's changes. The config is the image's, updated with the container's
command, entrypoint, environment, labels, working directory and user, then by
--change. Prints the new image's ID; IMAGE names it (a short name goes under
localhost/).`,
		Args: cli.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Container = args[0]
			if len(args) == 2 {
				req.Reference = args[1]
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			rep, err := eng.ContainerCommit(cmd.Context(), req)
			if err != nil {
				return err
			}
			if iidfile != "" {
				if err := os.WriteFile(iidfile, []byte("sha256:"+rep.ID), 0o644); err != nil {
					return fmt.Errorf("writing image ID file: %w", err)
				}
			}
			fmt.Println(rep.ID)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&req.Author, "author", "a", "", "Set the author for the image committed")
	fs.StringArrayVarP(&req.Changes, "change", "c", nil, "Apply the following possible instructions to the created image (default []): CMD | ENTRYPOINT | ENV | EXPOSE | LABEL | STOPSIGNAL | USER | VOLUME | WORKDIR")
	fs.StringVarP(&req.Format, "format", "f", "oci", "`Format` of the image manifest and metadata (oci or docker)")
	fs.StringVar(&iidfile, "iidfile", "", "Write the image ID to the `file`")
	fs.StringVarP(&req.Message, "message", "m", "", "Set commit message for imported image")
	fs.BoolVarP(&req.Pause, "pause", "p", false, "Pause container during commit")
	fs.BoolVarP(&quiet, "quiet", "q", false, "Suppress output")
	return cmd
}
