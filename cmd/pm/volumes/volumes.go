// Package volumes holds pm's volume commands: pm volume create, ls,
// inspect, rm, prune, exists, export, import, mount and unmount.
package volumes

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

// verbs build the commands under `pm volume`; each verb's file appends its
// constructor in init().
var verbs []func() *cobra.Command

// Register adds `pm volume` with its subcommands to root.
func Register(root *cobra.Command) {
	vol := &cobra.Command{
		Use:     "volume",
		Aliases: []string{"volumes"},
		Short:   "Manage volumes",
	}
	for _, mk := range verbs {
		vol.AddCommand(mk())
	}
	root.AddCommand(vol)
}

func engineOf(cmd *cobra.Command) (*engine.Engine, error) {
	return cli.FromCmd(cmd).Engine(cmd.Context())
}

// confirm asks question on stdout and reads y or yes from in.
func confirm(in io.Reader, question string) bool {
	fmt.Printf("%s\nAre you sure you want to continue? [y/N] ", question)
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && line == "" {
		fmt.Println()
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes"
}

// printErr prints an error that is not the command's last one.
func printErr(err error) { fmt.Fprintf(os.Stderr, "Error: %s\n", err) }

// maxArgs refuses more than n positional arguments.
func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return define.Invalidf("%q accepts at most %d arg(s), received %d", cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}
