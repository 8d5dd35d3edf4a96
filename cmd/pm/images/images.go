// Package images holds pm's image commands: pm image ..., and their
// top-level forms (pm pull, pm images, pm rmi, ...).
package images

import (
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// verb is one image command: built by mk under the name it is given.
type verb struct {
	mk      func(name string) *cobra.Command
	sub     string   // name under `pm image`, "" for none
	aliases []string // aliases under `pm image`
	top     string   // top-level name, "" for none
}

// verbs are filled by each verb's file in init().
var verbs []verb

// Register adds `pm image` with its subcommands, and the top-level image
// commands, to root.
func Register(root *cobra.Command) {
	img := &cobra.Command{
		Use:   "image",
		Short: "Manage images",
	}
	for _, v := range verbs {
		if v.sub != "" {
			c := v.mk(v.sub)
			c.Aliases = v.aliases
			img.AddCommand(c)
		}
		if v.top != "" {
			root.AddCommand(v.mk(v.top))
		}
	}
	root.AddCommand(img)
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
