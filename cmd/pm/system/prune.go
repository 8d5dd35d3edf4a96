package system

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newPruneCommand) }

func newPruneCommand() *cobra.Command {
	var req engine.SystemPruneRequest
	var force bool
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove unused data: stopped containers, dangling images, unused volumes",
		Long: `Remove every stopped container and dangling image (with --all, every image no
container uses) and, with --volumes, every volume no container uses; then what
pm processes killed at the wrong moment left behind (orphan layers and storage
containers, temporary files, lock and exit files of removed containers).
Without --force it asks first, reading the answer from stdin.`,
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !force && !confirmPrune(req) {
				return nil
			}
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			rep, err := eng.SystemPrune(cmd.Context(), req)
			if rep == nil {
				return err
			}
			var b strings.Builder
			section := func(title string, ids []string) {
				if len(ids) == 0 {
					return
				}
				fmt.Fprintf(&b, "Deleted %s\n", title)
				for _, id := range ids {
					fmt.Fprintln(&b, id)
				}
			}
			section("Containers", rep.Containers)
			section("Images", rep.Images)
			section("Volumes", rep.Volumes)
			fmt.Fprintf(&b, "Total reclaimed space: %s\n", dfSize(rep.Reclaimed))
			os.Stdout.WriteString(b.String())
			return err
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&req.All, "all", "a", false, "Remove all unused images, not only dangling ones")
	fs.BoolVar(&req.Volumes, "volumes", false, "Prune volumes no container uses")
	fs.BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	fs.StringArrayVar(&req.Filters, "filter", nil, "Only what passes these filters: label=, label!=, until=")
	return cmd
}

func confirmPrune(req engine.SystemPruneRequest) bool {
	imgs := "all dangling images"
	if req.All {
		imgs = "all images without at least one container associated with them"
	}
	vols := ""
	if req.Volumes {
		vols = "\n        - all volumes not used by at least one container"
	}
	fmt.Printf("WARNING! This command removes:\n        - all stopped containers%s\n        - %s\n        - all build cache\n\nAre you sure you want to continue? [y/N] ", vols, imgs)
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		fmt.Println()
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes"
}
