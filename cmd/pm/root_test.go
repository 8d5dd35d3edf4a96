package main

import (
	"strings"
	"testing"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
)

// Every command of the whole tree, by its names and aliases, is found in
// the tree built for a command line that names it, global options first or
// not; lines that need the whole tree get it.
func TestRootCommandForLine(t *testing.T) {
	full := newRootCommand(&cli.Env{}, nil)
	var paths [][]string
	var collect func(c *cobra.Command, prefix []string)
	collect = func(c *cobra.Command, prefix []string) {
		for _, sub := range c.Commands() {
			for _, name := range append([]string{sub.Name()}, sub.Aliases...) {
				p := append(append([]string{}, prefix...), name)
				paths = append(paths, p)
				if len(p) < 3 {
					collect(sub, p)
				}
			}
		}
	}
	collect(full, nil)
	for _, p := range paths {
		want, _, err := full.Find(p)
		if err != nil {
			t.Fatalf("%q in the whole tree: %v", p, err)
		}
		for _, line := range [][]string{p, append([]string{"--root", "/x", "--debug", "--log-level=info"}, p...), append(append([]string{}, p...), "--bogus", "x")} {
			root := newRootCommand(&cli.Env{}, line)
			got, _, err := root.Find(p)
			if err != nil || got.CommandPath() != want.CommandPath() {
				t.Errorf("line %q: found %v (%v), want %s", line, got, err, want.CommandPath())
			}
		}
	}
	if len(paths) < 100 {
		t.Fatalf("only %d command paths in the whole tree", len(paths))
	}
	count := func(c *cobra.Command) int {
		n := 0
		walk(c, func(*cobra.Command) { n++ })
		return n
	}
	whole := count(full)
	for _, line := range []string{"", "help run", "--version", "__complete run --", "-x ps"} {
		if n := count(newRootCommand(&cli.Env{}, strings.Fields(line))); n != whole {
			t.Errorf("line %q: %d commands, want the whole tree's %d", line, n, whole)
		}
	}
	// The group alone, or a word that is none of its commands, lists them
	// all in its usage.
	group, _, _ := full.Find([]string{"container"})
	for _, line := range []string{"container", "containers --log-level=info bogus"} {
		g, _, err := newRootCommand(&cli.Env{}, strings.Fields(line)).Find([]string{"container"})
		if err != nil || len(g.Commands()) != len(group.Commands()) {
			t.Errorf("line %q: %d container commands, want %d", line, len(g.Commands()), len(group.Commands()))
		}
	}
	if n := count(newRootCommand(&cli.Env{}, []string{"ps", "-a"})); n >= whole-30 {
		t.Errorf("ps -a: %d commands of %d: the container verbs it cannot reach were built", n, whole)
	}
}

func BenchmarkRootCommand(b *testing.B) {
	for _, line := range []string{"", "ps -a", "run --rm x true", "--root /x container cleanup ID"} {
		b.Run(strings.ReplaceAll(line, " ", "_"), func(b *testing.B) {
			for b.Loop() {
				newRootCommand(&cli.Env{}, strings.Fields(line))
			}
		})
	}
}
