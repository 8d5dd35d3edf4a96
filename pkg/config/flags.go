package config

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// applyEngineFlags applies the global flags that override containers.conf's
// [engine] settings and pm's directories, checking their values.
func applyEngineFlags(c *Config, opts Options) error {
	for _, f := range opts.RuntimeFlags {
		// Podman adds the dashes: --runtime-flag log-format=json.
		c.RuntimeFlags = append(c.RuntimeFlags, "--"+strings.TrimLeft(f, "-"))
	}
	if opts.TmpDir != "" {
		c.TmpDir = absPath(opts.TmpDir)
	}
	if opts.VolumePath != "" {
		c.VolumePath = absPath(opts.VolumePath)
	}
	switch opts.CgroupManager {
	case "":
	case "cgroupfs":
		c.Engine.CgroupManager = opts.CgroupManager
	case "systemd":
		// pm never asks systemd for a scope: its containers' cgroups are
		// the runtime's cgroupfs ones.
		return define.Errorf(define.ErrUnsupported, "--cgroup-manager=systemd is not supported: pm manages cgroups with cgroupfs")
	default:
		return define.Invalidf("invalid --cgroup-manager %q: use cgroupfs", opts.CgroupManager)
	}
	if opts.ConmonPath != "" {
		st, err := os.Stat(opts.ConmonPath)
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return define.Invalidf("invalid --conmon %q: not an executable file", opts.ConmonPath)
		}
		c.Engine.ConmonPath = []string{absPath(opts.ConmonPath)}
	}
	if opts.NetworkCmd != "" {
		c.Engine.NetworkCmdPath = absPath(opts.NetworkCmd)
	}
	switch opts.EventsBackend {
	case "":
	case "file", "journald", "none":
		c.Engine.EventsLogger = opts.EventsBackend
	default:
		return define.Invalidf("invalid --events-backend %q: use file, journald or none", opts.EventsBackend)
	}
	return nil
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
