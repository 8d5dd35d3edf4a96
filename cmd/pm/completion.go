package main

import (
	"io"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	registrars = append(registrars, func(root *cobra.Command) { root.AddCommand(newCompletionCommand()) })
}

func newCompletionCommand() *cobra.Command {
	var file string
	var noDesc bool
	cmd := &cobra.Command{
		Use:   "completion [options] {bash|zsh|fish|powershell}",
		Short: "Generate shell completion scripts",
		Long: `Print a script that completes pm's commands and flags in the given shell.
Load it for the current session, e.g. with bash:

    source <(pm completion bash)`,
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      cli.ExactArgs(1),
		// Left out of the command list, as in Podman: a setup step, not a
		// container command (docs/pm-completion.md documents it).
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			var w io.Writer = os.Stdout
			if file != "" && file != "-" {
				f, err := os.Create(file)
				if err != nil {
					return define.Invalidf("creating %s: %v", file, err)
				}
				defer f.Close()
				w = f
			}
			root := cmd.Root()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(w, !noDesc)
			case "zsh":
				if noDesc {
					return root.GenZshCompletionNoDesc(w)
				}
				return root.GenZshCompletion(w)
			case "fish":
				return root.GenFishCompletion(w, !noDesc)
			case "powershell":
				if noDesc {
					return root.GenPowerShellCompletion(w)
				}
				return root.GenPowerShellCompletionWithDesc(w)
			}
			return define.Invalidf("unsupported shell %q: use bash, zsh, fish or powershell", args[0])
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "Write the script to this file instead of standard output")
	cmd.Flags().BoolVar(&noDesc, "no-desc", false, "Leave the descriptions of commands and flags out of the completions")
	return cmd
}
