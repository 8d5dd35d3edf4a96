package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// groups are parents whose verbs may share the page of a top-level alias,
// as `pm image pull` shares docs/pm-pull.md.
var groups = map[string]bool{"image": true, "container": true, "system": true}

// shared names pages that document a verb under another name.
var shared = map[string]string{"pm image rm": "pm-rmi.md",
	"pm generate kube": "pm-kube-generate.md", "pm play kube": "pm-kube-play.md"}

// docPage returns the page documenting cmd, or "" when there is none.
func docPage(dir string, cmd *cobra.Command) string {
	path := strings.ReplaceAll(cmd.CommandPath(), " ", "-")
	cands := []string{path + ".md"}
	if p, ok := shared[cmd.CommandPath()]; ok {
		cands = append(cands, p)
	}
	if p := cmd.Parent(); p != nil && groups[p.Name()] {
		cands = append(cands, "pm-"+cmd.Name()+".md")
		for _, a := range cmd.Aliases {
			cands = append(cands, "pm-"+a+".md")
		}
		if cmd.Name() == "list" || cmd.Name() == "ls" {
			cands = append(cands, "pm-"+p.Name()+"s.md", "pm-ps.md")
		}
	}
	for _, c := range cands {
		if _, err := os.Stat(filepath.Join(dir, c)); err == nil {
			return c
		}
	}
	return ""
}

// TestDocs keeps docs/ in step with the commands: every command has a page,
// every flag of a command is documented on it, and every page belongs to a
// command. A hidden command has a page when users call it (completion),
// none when only pm does.
func TestDocs(t *testing.T) {
	dir := filepath.Join("..", "..", "docs")
	root := newRootCommand(&cli.Env{}, nil)
	used := map[string]bool{}
	walk(root, func(c *cobra.Command) {
		if c.Name() == "help" {
			return
		}
		page := docPage(dir, c)
		if c == root {
			page = "pm.md"
		}
		if page == "" && c.Hidden {
			return // pm's own plumbing (e.g. the exit command) has no page
		}
		if page == "" {
			t.Errorf("%q has no page in docs/ (want docs/%s.md)", c.CommandPath(), strings.ReplaceAll(c.CommandPath(), " ", "-"))
			return
		}
		used[page] = true
		b, err := os.ReadFile(filepath.Join(dir, page))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		flags := c.LocalNonPersistentFlags()
		if c == root {
			flags = c.PersistentFlags()
		}
		flags.VisitAll(func(f *pflag.Flag) {
			if f.Hidden || f.Name == "help" {
				return
			}
			if !strings.Contains(text, "**--"+f.Name+"**") {
				t.Errorf("docs/%s does not document %s --%s", page, c.CommandPath(), f.Name)
			}
		})
		if c.Short == "" {
			t.Errorf("%q has no short description for --help", c.CommandPath())
		}
	})
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var stale []string
	for _, e := range entries {
		// Pages of file formats (pm-systemd.unit.md, man section 5)
		// document no command.
		format := strings.Contains(strings.TrimSuffix(e.Name(), ".md"), ".")
		if strings.HasPrefix(e.Name(), "pm") && strings.HasSuffix(e.Name(), ".md") && !used[e.Name()] && !format {
			stale = append(stale, e.Name())
		}
	}
	sort.Strings(stale)
	for _, s := range stale {
		t.Errorf("docs/%s documents no command", s)
	}
}
