package images

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newRemoveCommand, Sub: "rm", Aliases: []string{"remove"}, Top: "rmi"})
}

func newRemoveCommand(name string) *cobra.Command {
	var req engine.ImageRemoveRequest
	cmd := &cobra.Command{
		Use:   name + " [options] IMAGE [IMAGE...]",
		Short: "Remove images from local storage",
		Long: `Remove images. An image named by one of several names only loses that
name; an image named by ID with several names needs --force, which removes
all of them.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if req.All && len(args) > 0 {
				return invalid("when using --all, no image names may be given")
			}
			if !req.All && len(args) == 0 {
				return invalid("%q requires at least one image name, or --all", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			req.Names = args
			// As in Podman: --force also removes the containers using
			// the images, and a missing image is no error.
			req.Containers = req.Force
			req.Ignore = req.Ignore || req.Force
			rep, err := eng.ImageRemove(cmd.Context(), req)
			var b strings.Builder
			if rep != nil {
				for _, n := range rep.Untagged {
					fmt.Fprintf(&b, "Untagged: %s\n", n)
				}
				for _, id := range rep.Deleted {
					fmt.Fprintf(&b, "Deleted: %s\n", id)
				}
			}
			os.Stdout.WriteString(b.String())
			// Exit 1 when only missing images failed, 2 when one is in use.
			return cli.RemoveExit(err, func(err error) bool { return errors.Is(err, define.ErrImageInUse) })
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&req.All, "all", "a", false, "Remove all images")
	f.BoolVarP(&req.Force, "force", "f", false, "Remove the images with all their names, and the containers (and pods) using them")
	f.BoolVarP(&req.Ignore, "ignore", "i", false, "Ignore images that do not exist")
	f.BoolVar(&req.NoPrune, "no-prune", false, "Do not remove the dangling images the removed ones were built on")
	return cmd
}
