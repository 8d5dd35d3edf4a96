package oci

import (
	"errors"
	"strings"
	"testing"
)

func TestConmonArgs(t *testing.T) {
	t.Parallel()
	r := &Runtime{Name: "runc", Path: "/usr/bin/runc", Root: "/run/x/runtime/runc", ExitDir: "/run/x/exits"}
	args := strings.Join(r.conmonArgs(CreateOptions{
		ID: "abc", Name: "web", Bundle: "/run/x/containers/abc", LogPath: "/run/x/containers/abc/ctr.log",
		Stdin: true, ExitCommand: []string{"/usr/bin/pm", "container", "cleanup", "abc"},
	}), " ")
	for _, want := range []string{
		"-c abc", "-n web", "-r /usr/bin/runc", "-b /run/x/containers/abc", "--exit-dir /run/x/exits",
		"--runtime-arg --root --runtime-arg /run/x/runtime/runc", "-l k8s-file:/run/x/containers/abc/ctr.log", " -i",
		"--exit-command /usr/bin/pm --exit-command-arg container --exit-command-arg cleanup --exit-command-arg abc",
	} {
		if !strings.Contains(args, want) {
			t.Errorf("conmon args lack %q: %s", want, args)
		}
	}
	if strings.Contains(args, " -t") {
		t.Errorf("conmon args ask for a terminal: %s", args)
	}
}

func TestCleanRuntimeMsg(t *testing.T) {
	t.Parallel()
	in := `time="2026-01-01T00:00:00Z" level=error msg="runc create failed: exec: \"x\": executable file not found in $PATH"`
	want := `runc create failed: exec: "x": executable file not found in $PATH`
	if got := cleanRuntimeMsg(in); got != want {
		t.Errorf("cleanRuntimeMsg = %q, want %q", got, want)
	}
	// A warning before the error (cgroup v1, rootless) is not the cause.
	in = `time="2026-01-01T00:00:00Z" level=warning msg="unable to get oom kill count" error="no directory specified for memory.oom_control"` +
		"\n" + in
	if got := cleanRuntimeMsg(in); got != want {
		t.Errorf("cleanRuntimeMsg after a warning = %q, want %q", got, want)
	}
}

// TestProcessGone: the runtimes' words for a kill that found the
// container's process gone, and not other failures.
func TestProcessGone(t *testing.T) {
	for msg, want := range map[string]bool{
		"crun kill: open pidfd: No such process":             true,
		"runc kill: container not running":                   true,
		"runc kill: process already finished":                true,
		"crun kill: container `x` does not exist":            false,
		"runc kill: permission denied":                       false,
		"crun kill: kill container: Operation not permitted": false,
	} {
		if got := processGone(errors.New(msg)); got != want {
			t.Errorf("processGone(%q) = %v, want %v", msg, got, want)
		}
	}
}
