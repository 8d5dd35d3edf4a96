package containers

import (
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newRestoreCommand, Sub: "restore"})
}

func newRestoreCommand(name string) *cobra.Command {
	var (
		all, keep, tcp, fileLocks, printStats     bool
		ignoreRootfs, ignoreIP, ignoreMAC, ignVol bool
		imp, ctrName, importPrev, pod             string
		publish                                   []string
	)
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER [CONTAINER...]",
		Short: "Restores one or more containers from a checkpoint",
		Long: `Restore checkpointed containers with CRIU. pm refuses, naming why, as pm
container checkpoint does. Nothing is changed.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			if !eng.Config().Rootless {
				notImport := imp == ""
				switch {
				case notImport && importPrev != "":
					return define.Invalidf("--import-previous can only be used with image or --import")
				case notImport && ignoreRootfs:
					return define.Invalidf("--ignore-rootfs can only be used with image or --import")
				case notImport && ignVol:
					return define.Invalidf("--ignore-volumes can only be used with image or --import")
				case notImport && ctrName != "":
					return define.Invalidf("--name can only be used with image or --import")
				case notImport && pod != "":
					return define.Invalidf("--pod can only be used with image or --import")
				case ctrName != "" && tcp:
					return define.Invalidf("--tcp-established cannot be used with --name")
				case imp != "" && all:
					return define.Invalidf("cannot use --import with --all or --latest")
				case imp != "" && len(args) > 0:
					return define.Invalidf("cannot use --import with positional arguments")
				case all && len(args) > 0:
					return define.Invalidf("--all or --latest and containers cannot be used together")
				case len(args) == 0 && !all && imp == "":
					return define.Invalidf("you must provide at least one name or id")
				}
			}
			names, err := targets(cmd.Context(), eng, args, all, false)
			if err != nil {
				return err
			}
			return eng.ContainerRestore(cmd.Context(), names)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&all, "all", "a", false, "Restore all checkpointed containers")
	f.BoolVarP(&keep, "keep", "k", false, "Keep all temporary checkpoint files")
	f.BoolVar(&tcp, "tcp-established", false, "Restore a container with established TCP connections")
	f.BoolVar(&fileLocks, "file-locks", false, "Restore a container with file locks")
	f.StringVarP(&imp, "import", "i", "", "Restore from exported checkpoint archive (tar.gz)")
	f.StringVarP(&ctrName, "name", "n", "", "Specify new name for container restored from exported checkpoint (only works with image or --import)")
	f.StringVar(&importPrev, "import-previous", "", "Restore from exported pre-checkpoint archive (tar.gz)")
	f.BoolVar(&ignoreRootfs, "ignore-rootfs", false, "Do not apply root file-system changes when importing from exported checkpoint")
	f.BoolVar(&ignoreIP, "ignore-static-ip", false, "Ignore IP address set via --static-ip")
	f.BoolVar(&ignoreMAC, "ignore-static-mac", false, "Ignore MAC address set via --mac-address")
	f.BoolVar(&ignVol, "ignore-volumes", false, "Do not export volumes associated with container")
	f.StringSliceVarP(&publish, "publish", "p", nil, "Publish a container's port, or a range of ports, to the host (default [])")
	f.StringVar(&pod, "pod", "", "Restore container into existing Pod (only works with image or --import)")
	f.BoolVar(&printStats, "print-stats", false, "Display restore statistics")
	return cmd
}
