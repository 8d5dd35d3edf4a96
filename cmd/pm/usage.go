package main

import (
	"fmt"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

// usageTemplate is cobra's usage layout in Podman's words: the synopsis of a
// command with subcommands is `pm NOUN [command]` only, flags are
// "Options", and a subcommand's help lists its own options, not the global
// ones (`pm --help` lists those).
const usageTemplate = `Usage:{{if .HasAvailableSubCommands}}
  {{.CommandPath}}{{if .HasAvailableLocalFlags}} [options]{{end}} [command]{{else if .Runnable}}
  {{.UseLine}}{{end}}{{if gt (len .Aliases) 0}}

Aliases:
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

Examples:
  {{.Example}}{{end}}{{if .HasAvailableSubCommands}}

Available Commands:{{range .Commands}}{{if .IsAvailableCommand}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Options:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}
`

// missingCommand is the RunE of a command that only groups others: without
// a subcommand it prints its usage and fails, as Podman does.
func missingCommand(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return define.Invalidf("unrecognized command `%s %s`", cmd.CommandPath(), args[0])
	}
	cmd.SetOut(cmd.ErrOrStderr())
	_ = cmd.Usage()
	return define.Invalidf("missing command '%s COMMAND'", cmd.CommandPath())
}

// flagError marks a command-line parsing error: pm prints a hint to the
// command's help after the error line.
type flagError struct {
	err  error
	path string // the command path, for "See 'PATH --help'"
}

func (e *flagError) Error() string { return e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

// hint is the line that follows the error line, or "".
func (e *flagError) hint() string { return fmt.Sprintf("See '%s --help'", e.path) }

// remoteFlagErrors are cobra's errors for Podman's options of its remote
// client (--url and its alias --host/-H, --remote, --connection,
// --identity), which pm does not have.
var remoteFlagErrors = []string{
	"unknown flag: --url", "unknown flag: --host", "unknown shorthand flag: 'H' in -H",
	"unknown flag: --remote", "unknown flag: --connection", "unknown flag: --identity",
}

// remoteHint adds to the error of an option of Podman's remote client why
// pm refuses it.
func remoteHint(err error) error {
	msg := err.Error()
	for _, r := range remoteFlagErrors {
		if msg == r || strings.HasPrefix(msg, r+"=") || strings.HasPrefix(msg, r+" ") {
			return fmt.Errorf("%w: pm has no remote client: it manages the containers of the user who runs it (API clients reach it through pm system service)", err)
		}
	}
	return err
}
