// Package images holds pm's image commands: pm image ..., and their
// top-level forms (pm pull, pm images, pm rmi, ...).
package images

import (
	"io"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// verb is one image command (see cli.Verb).
type verb = cli.Verb

// verbs are filled by each verb's file in init().
var verbs []verb

// Register adds `pm image` with its subcommands, and the top-level image
// commands, to root.
func Register(root *cobra.Command) {
	img := &cobra.Command{
		Use:   "image",
		Short: "Manage images",
	}
	cli.AddVerbs(root, img, verbs, func(c *cobra.Command) *cobra.Command { return c })
}

// progress returns where copy progress goes: stderr, or nowhere with -q.
func progress(quiet bool) io.Writer {
	if quiet {
		return nil
	}
	return os.Stderr
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
