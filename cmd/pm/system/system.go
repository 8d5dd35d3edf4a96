// Package system holds pm's system commands (pm system ...) and the
// top-level commands about the host: pm unshare, pm info, pm version.
package system

import "github.com/spf13/cobra"

// subcommands build the commands under `pm system`; each verb's file
// appends its constructor in init().
var subcommands []func() *cobra.Command

// topLevel build commands this package adds directly under the root command
// (pm unshare, ...); each file appends its constructor in init().
var topLevel []func() *cobra.Command

// Register adds the system parent command and this package's top-level
// commands to root.
func Register(root *cobra.Command) {
	sys := &cobra.Command{
		Use:   "system",
		Short: "Manage pm itself: namespaces, migration, information",
	}
	for _, mk := range subcommands {
		sys.AddCommand(mk())
	}
	root.AddCommand(sys)
	for _, mk := range topLevel {
		root.AddCommand(mk())
	}
}
