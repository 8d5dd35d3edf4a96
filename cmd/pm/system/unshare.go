package system

import (
	"fmt"
	"os"
	"os/exec"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/rootless"
	"github.com/spf13/cobra"
)

func init() { topLevel = append(topLevel, newUnshareCommand) }

func newUnshareCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "unshare [COMMAND [ARG...]]",
		Short: "Run a command inside pm's user namespace",
		Long: `Run COMMAND (default: $SHELL, else /bin/sh) inside the user and mount
namespaces pm uses, as root of that namespace, with CONTAINERS_GRAPHROOT and
CONTAINERS_RUNROOT set to pm's storage directories. Rootless only.`,
		Args: cobra.ArbitraryArgs,
		RunE: runUnshare,
	}
	// Everything after COMMAND belongs to COMMAND: pm unshare ls -l.
	cmd.Flags().SetInterspersed(false)
	return cmd
}

func runUnshare(cmd *cobra.Command, args []string) error {
	if !rootless.IsRootless() {
		return define.Errorf(define.ErrUnsupported, "please use unshare with rootless")
	}
	if err := rootless.EnsureUserNamespace(); err != nil {
		return fmt.Errorf("entering the user namespace: %w", err)
	}
	cfg, err := cli.FromCmd(cmd).Config()
	if err != nil {
		return err
	}
	if len(args) == 0 {
		sh := os.Getenv("SHELL")
		if sh == "" {
			sh = "/bin/sh"
		}
		args = []string{sh}
	}
	c := exec.Command(args[0], args[1:]...)
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
	c.Env = append(os.Environ(),
		"CONTAINERS_GRAPHROOT="+cfg.Storage.GraphRoot,
		"CONTAINERS_RUNROOT="+cfg.Storage.RunRoot,
		"_PM_UNSHARE=1") // pm mount checks it
	return cli.RunForwarding(c)
}
