package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestUsageLines checks the synopsis conventions Podman's help test checks:
// `[options]` exactly when a command has options, before the arguments,
// which are upper case; an "Options:" section with the options.
func TestUsageLines(t *testing.T) {
	root := newRootCommand(&cli.Env{}, nil)
	walk(root, func(c *cobra.Command) {
		if c == root || c.Hidden || c.Name() == "help" || c.HasAvailableSubCommands() {
			return
		}
		use := strings.TrimPrefix(c.Use, c.Name())
		visible := false
		c.LocalFlags().VisitAll(func(f *pflag.Flag) { visible = visible || !f.Hidden })
		if has := strings.Contains(use, "[options]"); has != visible {
			t.Errorf("%s: usage %q: [options] shown = %v, command has options = %v", c.CommandPath(), c.Use, has, visible)
		}
		args := strings.TrimSpace(strings.Replace(use, "[options]", "", 1))
		// completion names its shells, as Podman's does.
		if c.Name() != "completion" && regexp.MustCompile(`[a-z]`).MatchString(args) {
			t.Errorf("%s: usage %q: argument names must be upper case", c.CommandPath(), c.Use)
		}
		if i, j := strings.Index(use, "[options]"), strings.IndexAny(use, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"); i >= 0 && j >= 0 && i > j {
			t.Errorf("%s: usage %q: [options] must come before the arguments", c.CommandPath(), c.Use)
		}
	})
}

// TestHelpLayout checks the help text itself: Podman's section names, no
// cobra [flags].
func TestHelpLayout(t *testing.T) {
	for _, args := range [][]string{{"attach", "--help"}, {"container", "--help"}, {"version", "--help"}} {
		root := newRootCommand(&cli.Env{}, nil)
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetArgs(args)
		if err := root.Execute(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		s := out.String()
		if strings.Contains(s, "[flags]") || strings.Contains(s, "Flags:") || strings.Contains(s, "--help") {
			t.Errorf("%v: help has cobra's flag words or a help option:\n%s", args, s)
		}
	}
	root := newRootCommand(&cli.Env{}, nil)
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"container", "--help"})
	_ = root.Execute()
	if !strings.Contains(out.String(), "Usage:\n  pm container [command]\n") {
		t.Errorf("pm container --help: want one usage line ending in [command]:\n%s", out.String())
	}
}

// TestMissingCommand: a group command without a subcommand fails, as
// Podman's does.
func TestMissingCommand(t *testing.T) {
	for _, group := range []string{"", "container", "image", "network", "pod", "system", "volume"} {
		root := newRootCommand(&cli.Env{}, nil)
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		var args []string
		path := "pm"
		if group != "" {
			args = []string{group}
			path += " " + group
		}
		root.SetArgs(args)
		err := root.Execute()
		want := "missing command '" + path + " COMMAND'"
		if err == nil || err.Error() != want {
			t.Errorf("%q: error %v, want %q", path, err, want)
		}
		if !strings.Contains(out.String(), "Usage:") {
			t.Errorf("%q: no usage printed", path)
		}
	}
}
