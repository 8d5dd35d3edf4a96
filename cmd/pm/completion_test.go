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
		root := newRootCommand(&cli.Env{}, nil)
		root.SetArgs([]string{"completion", "--file", file, sh})
		if err := root.Execute(); err != nil {
			t.Fatalf("completion %s: %v", sh, err)
		}
		b, err := os.ReadFile(file)
		if err != nil || !strings.Contains(string(b), "pm") || len(b) < 1000 {
			t.Errorf("completion %s wrote %d bytes (%v)", sh, len(b), err)
		}
	}
	root := newRootCommand(&cli.Env{}, nil)
	root.SetArgs([]string{"completion", "tcsh"})
	if err := root.Execute(); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("completion tcsh: %v, want an invalid-argument error", err)
	}
}

func TestCompletionKinds(t *testing.T) {
	t.Parallel()
	for word, want := range map[string]objKind{
		"CONTAINER":                    kindContainer,
		"[CONTAINER...]":               kindContainer,
		"{CONTAINER|IMAGE}":            kindContainer | kindImage,
		"CONTAINER|POD|VOLUME":         kindContainer | kindPod | kindVolume,
		"[CONTAINER:]SRC_PATH":         kindContainer | kindFile,
		"[COMMAND":                     kindFile,
		"NAME":                         kindNone,
		"[...]":                        kindNone,
		"{bash|zsh|fish|powershell}":   kindNone,
		"FILE|-":                       kindFile,
		"[NETWORK...]":                 kindNetwork,
		"SECRET":                       kindSecret,
		"LIST":                         kindImage,
		"[PRIVATE_PORT[/PROTO]]":       kindNone,
		"[FORMAT-DESCRIPTORS|ARGS...]": kindFile,
	} {
		if got := kindOf(word); got != want {
			t.Errorf("kindOf(%q) = %b, want %b", word, got, want)
		}
	}
	for name, want := range map[string]string{
		"localhost/a:1":              "a:1",
		"quay.io/libpod/testimage:1": "libpod/testimage:1",
		"127.0.0.1:5000/b:2":         "b:2",
		"library/c:3":                "library/c:3",
		"d:4":                        "d:4",
	} {
		if got := withoutDomain(name); got != want {
			t.Errorf("withoutDomain(%q) = %q, want %q", name, got, want)
		}
	}
}
