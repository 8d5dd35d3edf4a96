package containers

import (
	"context"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newUnmountCommand, Sub: "unmount", Aliases: []string{"umount"}, Top: "unmount"})
}

func newUnmountCommand(name string) *cobra.Command {
	var all, force bool
	cmd := &cobra.Command{
		Use:     name + " [options] CONTAINER [CONTAINER...]",
		Aliases: []string{"umount"},
		Short:   "Unmount working container's root filesystem",
		Long: `Take back one mount of each CONTAINER's root filesystem, made by "pm mount";
the filesystem is unmounted when no mount is left. A running container keeps
its own mount.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !all {
				return define.Invalidf("%q requires at least 1 arg(s)", cmd.CommandPath())
			}
			if len(args) > 0 && all {
				return define.Invalidf("--all and a container name cannot be used together")
			}
			if err := cli.NeedUnshare(cmd); err != nil {
				return err
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			names := args
			if all {
				ms, err := eng.ContainerMounted(cmd.Context())
				if err != nil {
					return err
				}
				for _, m := range ms {
					names = append(names, m.ID)
				}
			}
			return forEach(cmd.Context(), names, func(ctx context.Context, n string) (string, error) {
				id, err := eng.ContainerUnmount(ctx, n, force)
				if err != nil {
					return "", err
				}
				return id, nil
			})
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&all, "all", "a", false, "Unmount all of the currently mounted containers")
	fs.BoolVarP(&force, "force", "f", false, "Force the complete unmount of the specified mounted containers")
	return cmd
}
