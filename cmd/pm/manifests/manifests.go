// Package manifests holds pm's manifest list commands: pm manifest create,
// add, annotate, inspect, push, remove, rm, exists.
package manifests

import (
	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// verbs are the manifest subcommands, added by each verb's file in init().
var verbs []func() *cobra.Command

// Register adds `pm manifest` with its subcommands to root.
func Register(root *cobra.Command) {
	m := &cobra.Command{
		Use:   "manifest",
		Short: "Manipulate manifest lists and image indexes",
	}
	for _, mk := range verbs {
		m.AddCommand(mk())
	}
	root.AddCommand(m)
}

func engineOf(cmd *cobra.Command) (*engine.Engine, error) {
	return cli.FromCmd(cmd).Engine(cmd.Context())
}

// platformFlags are the flags that set what a list records for an
// instance: add and annotate share them.
type platformFlags struct {
	a engine.ManifestAnnotation
}

func (p *platformFlags) bind(fs *pflag.FlagSet) {
	fs.StringSliceVar(&p.a.Annotations, "annotation", nil, "set an `annotation` for the specified image")
	fs.StringVar(&p.a.Arch, "arch", "", "override the `architecture` of the specified image")
	fs.StringVar(&p.a.OS, "os", "", "override the `OS` of the specified image")
	fs.StringVar(&p.a.OSVersion, "os-version", "", "override the OS `version` of the specified image")
	fs.StringVar(&p.a.Variant, "variant", "", "override the `Variant` of the specified image")
}
