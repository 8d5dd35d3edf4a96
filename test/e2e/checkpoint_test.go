package e2e

import (
	"strings"
	"testing"
)

// TestCheckpointRefused: rootless, checkpoint and restore are refused with
// Podman's message and the reason, exit 125, the container untouched; bad
// arguments are refused first, as Podman refuses them.
func TestCheckpointRefused(t *testing.T) {
	env := ctrEnv(t)
	env.runID("--name", "ck", "busybox", "sleep", "1000")
	env.PM("container", "checkpoint", "ck").ExpectError(t, 125,
		"checkpointing a container requires root: CRIU cannot checkpoint or restore the processes of a rootless container")
	env.PM("container", "checkpoint", "--latest").ExpectError(t, 125, "checkpointing a container requires root")
	env.PM("container", "restore", "ck").ExpectError(t, 125,
		"restoring a container requires root: CRIU cannot checkpoint or restore the processes of a rootless container")
	env.PM("container", "checkpoint").ExpectError(t, 125, "you must provide at least one name or id")
	env.PM("container", "checkpoint", "-a", "ck").ExpectError(t, 125, "--all and containers cannot be used together")
	env.PM("container", "checkpoint", "--compress", "gzip", "ck").ExpectError(t, 125, "--compress can only be used with --export")
	env.PM("container", "checkpoint", "--export", "/tmp/x.tar", "--compress", "lz4", "ck").ExpectError(t, 125, `selected compression algorithm ("lz4") not supported`)
	if got := env.inspectCtr("ck", "{{.State.Status}}"); got != "running" {
		t.Errorf("container after refused checkpoints: %s", got)
	}
}

// TestCheckpointRoot: as root, pm says why CRIU cannot checkpoint here
// (on hosts where CRIU runs, that pm does not implement it), exit 125, the
// container still running.
func TestCheckpointRoot(t *testing.T) {
	env := newEnv(t)
	root := env.Root()
	root.pull("busybox")
	t.Cleanup(func() { _ = root.quietRun("rm", "-af", "-t", "0") })
	root.runID("--name", "ck", "busybox", "sleep", "1000")
	for _, verb := range []string{"checkpoint", "restore"} {
		res := root.PM("container", verb, "ck")
		doing := map[string]string{"checkpoint": "checkpointing", "restore": "restoring"}[verb]
		if !strings.Contains(res.Stderr, doing+" a container requires CRIU, which cannot run on this host: ") &&
			!strings.Contains(res.Stderr, doing+" a container: pm does not implement CRIU checkpoint and restore") {
			t.Errorf("root container %s: %s", verb, res)
		}
		res.ExpectError(t, 125, doing+" a container")
	}
	root.PM("container", "checkpoint", "nosuch").ExpectError(t, 125, `no container with name or ID "nosuch" found`)
	root.PM("container", "checkpoint", "--ignore-rootfs", "ck").ExpectError(t, 125, "--ignore-rootfs can only be used with --export")
	root.PM("container", "restore", "--name", "x", "ck").ExpectError(t, 125, "--name can only be used with image or --import")
	if got := root.inspectCtr("ck", "{{.State.Status}}"); got != "running" {
		t.Errorf("container after refused checkpoints: %s", got)
	}
}
