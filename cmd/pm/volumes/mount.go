package volumes

import (
	"fmt"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newMountCommand, newUnmountCommand) }

func newMountCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "mount VOLUME [VOLUME...]",
		Short: "Mount volumes and print their mountpoints",
		Long: `Print the mountpoint of each volume, where its data can be read and
written from the host. Rootless, it must run inside "pm unshare".`,
		Args: cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cli.NeedUnshare(cmd); err != nil {
				return err
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			mps, err := eng.VolumeMount(cmd.Context(), args)
			for _, mp := range mps {
				fmt.Println(mp)
			}
			return err
		},
	}
}

func newUnmountCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "unmount VOLUME [VOLUME...]",
		Aliases: []string{"umount"},
		Short:   "Unmount volumes mounted by pm volume mount",
		Long: `Undo "pm volume mount" and print each volume's name. Local volumes have no
mount of their own, so this only checks that they exist. Rootless, it must run
inside "pm unshare".`,
		Args: cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cli.NeedUnshare(cmd); err != nil {
				return err
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			names, err := eng.VolumeUnmount(cmd.Context(), args)
			for _, n := range names {
				fmt.Println(n)
			}
			return err
		},
	}
}
