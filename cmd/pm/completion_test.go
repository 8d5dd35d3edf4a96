package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
)

func TestCompletion(t *testing.T) {
	dir := t.TempDir()
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		file := filepath.Join(dir, sh)
		root := newRootCommand(&cli.Env{})
		root.SetArgs([]string{"completion", "--file", file, sh})
		if err := root.Execute(); err != nil {
			t.Fatalf("completion %s: %v", sh, err)
		}
		b, err := os.ReadFile(file)
		if err != nil || !strings.Contains(string(b), "pm") || len(b) < 1000 {
			t.Errorf("completion %s wrote %d bytes (%v)", sh, len(b), err)
		}
	}
	root := newRootCommand(&cli.Env{})
	root.SetArgs([]string{"completion", "tcsh"})
	if err := root.Execute(); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("completion tcsh: %v, want an invalid-argument error", err)
	}
}
