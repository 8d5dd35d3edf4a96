package containers

import (
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newCheckpointCommand, Sub: "checkpoint"})
}

func newCheckpointCommand(name string) *cobra.Command {
	var (
		all, keep, leaveRunning, tcp, fileLocks  bool
		ignoreRootfs, ignoreVolumes, pre, withPr bool
		printStats                               bool
		export, createImage, compress            string
	)
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER [CONTAINER...]",
		Short: "Checkpoints one or more containers",
		Long: `Checkpoint running containers with CRIU. pm refuses, naming why: CRIU
cannot checkpoint rootless containers, and, as root, pm checks that CRIU can
run on this host; pm does not implement CRIU checkpoints. Nothing is changed.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if all && len(args) > 0 {
				return define.Invalidf("--all and containers cannot be used together")
			}
			if !all && len(args) == 0 {
				return define.Invalidf("you must provide at least one name or id")
			}
			if cmd.Flags().Changed("compress") {
				if export == "" {
					return define.Invalidf("--compress can only be used with --export")
				}
				switch strings.ToLower(compress) {
				case "none", "gzip", "zstd":
				default:
					return define.Invalidf("selected compression algorithm (%q) not supported. Please select one from: gzip, none, zstd", compress)
				}
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			if !eng.Config().Rootless {
				switch {
				case export == "" && ignoreRootfs:
					return define.Invalidf("--ignore-rootfs can only be used with --export")
				case export == "" && ignoreVolumes:
					return define.Invalidf("--ignore-volumes can only be used with --export")
				case withPr && pre:
					return define.Invalidf("--with-previous can not be used with --pre-checkpoint")
				}
			}
			names, err := targets(cmd.Context(), eng, args, all, true)
			if err != nil {
				return err
			}
			return eng.ContainerCheckpoint(cmd.Context(), names)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&keep, "keep", "k", false, "Keep all temporary checkpoint files")
	f.BoolVarP(&leaveRunning, "leave-running", "R", false, "Leave the container running after writing checkpoint to disk")
	f.BoolVar(&tcp, "tcp-established", false, "Checkpoint a container with established TCP connections")
	f.BoolVar(&fileLocks, "file-locks", false, "Checkpoint a container with file locks")
	f.BoolVarP(&all, "all", "a", false, "Checkpoint all running containers")
	f.StringVarP(&export, "export", "e", "", "Export the checkpoint image to a tar.gz")
	f.BoolVar(&ignoreRootfs, "ignore-rootfs", false, "Do not include root file-system changes when exporting")
	f.BoolVar(&ignoreVolumes, "ignore-volumes", false, "Do not export volumes associated with container")
	f.BoolVarP(&pre, "pre-checkpoint", "P", false, "Dump container's memory information only, leave the container running")
	f.BoolVar(&withPr, "with-previous", false, "Checkpoint container with pre-checkpoint images")
	f.StringVar(&createImage, "create-image", "", "Create checkpoint image with specified name")
	f.StringVarP(&compress, "compress", "c", "zstd", "Select compression algorithm (gzip, none, zstd) for checkpoint archive.")
	f.BoolVar(&printStats, "print-stats", false, "Display checkpoint statistics")
	return cmd
}
