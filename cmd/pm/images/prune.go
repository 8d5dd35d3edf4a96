package images

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newPruneCommand, Sub: "prune"})
}

func newPruneCommand(name string) *cobra.Command {
	var all, force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   name + " [options]",
		Short: "Remove unused images",
		Long: `Remove dangling images (with --all, every image no container uses). Without
--force it asks first, reading the answer from stdin.`,
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !force {
				what := "all dangling images"
				if all {
					what = "all images without at least one container associated with them"
				}
				fmt.Printf("WARNING! This command removes %s.\nAre you sure you want to continue? [y/N] ", what)
				line, err := bufio.NewReader(os.Stdin).ReadString('\n')
				if err != nil && line == "" {
					fmt.Println()
				}
				if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
					return nil
				}
			}
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			rep, err := eng.ImagePrune(cmd.Context(), engine.ImagePruneRequest{All: all, Filters: filters})
			var b strings.Builder
			if rep != nil {
				for _, id := range rep.Removed {
					fmt.Fprintln(&b, id)
				}
			}
			os.Stdout.WriteString(b.String())
			return err
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "Remove every image no container uses, not only dangling ones")
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Do not ask for confirmation")
	cmd.Flags().StringArrayVar(&filters, "filter", nil, "Only images that pass these filters: label=, label!=, until=, dangling=")
	return cmd
}
