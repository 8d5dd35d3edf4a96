package images

import (
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newUnmountCommand, Sub: "unmount", Aliases: []string{"umount"}})
}

func newUnmountCommand(name string) *cobra.Command {
	var all, force bool
	cmd := &cobra.Command{
		Use:   name + " [options] IMAGE [IMAGE...]",
		Short: "Unmount an image's root filesystem",
		Long: `Take back one mount of each IMAGE's root filesystem, made by "pm image
mount", and print the IDs of the images unmounted; --force takes back all of
them. An image that is not mounted is skipped silently.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !all {
				return invalid("image name or ID must be specified")
			}
			if len(args) > 0 && all {
				return invalid("when using the --all switch, you may not pass any image names or IDs")
			}
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			reps, err := eng.ImageUnmount(cmd.Context(), args, all, force)
			if err != nil {
				return err
			}
			var last error
			for _, r := range reps {
				if r.Err == nil {
					fmt.Println(r.ID)
					continue
				}
				if last != nil {
					fmt.Fprintf(os.Stderr, "Error: %s\n", last)
				}
				last = r.Err
			}
			return last
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&all, "all", "a", false, "Unmount all of the currently mounted images")
	f.BoolVarP(&force, "force", "f", false, "Force the complete unmount of the specified mounted images")
	return cmd
}
