package system

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func init() {
	subcommands = append(subcommands, newResetCommand)
}

func newResetCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "reset [options]",
		Short: "Remove every container, pod, image, volume and network, and pm's state",
		Long: `Remove everything pm stores for this user: containers, pods, images,
volumes, networks, the state database and the storage directories, then stop
the pause process that holds the user namespace. Configuration files are kept.`,
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !force {
				ok, err := confirm()
				if err != nil {
					return err
				}
				if !ok {
					return nil
				}
			}
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			return eng.Reset(cmd.Context())
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Do not ask for confirmation")
	return cmd
}

// confirm asks on a terminal; without one, -f is required.
func confirm() (bool, error) {
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return false, define.Invalidf("pm system reset removes all data: confirm with --force when not on a terminal")
	}
	fmt.Fprint(os.Stderr, "WARNING! This removes all containers, pods, images, volumes and pm's state.\nAre you sure you want to continue? [y/N] ")
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil {
		return false, nil
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes", nil
}
