package config

import (
	"path/filepath"

	"github.com/pm-project/pm/libpod/define"
)

// Load builds the configuration: built-in defaults, then containers.conf
// and storage.conf from podman's locations (or the files the environment
// names), then the flags in opts. It reads files only, never the
// environment: cmd/pm passes what it read in opts.
func Load(opts Options) (*Config, error) {
	c := defaultConfig(opts)

	paths, err := containersConfPaths(opts)
	if err != nil {
		return nil, err
	}
	if err := readContainersConf(c, paths); err != nil {
		return nil, err
	}
	if err := readStorageConf(c, opts); err != nil {
		return nil, err
	}

	applyStorageFlags(c, opts)
	if opts.Runtime != "" {
		c.Engine.Runtime = opts.Runtime
		c.RuntimeChosenBy = "--runtime"
	}

	c.TmpDir = filepath.Join(opts.RuntimeDir, "pm")
	c.DatabasePath = filepath.Join(c.Storage.GraphRoot, "pm", "state.db")
	c.VolumePath = filepath.Join(c.Storage.GraphRoot, "volumes")
	if err := applyEngineFlags(c, opts); err != nil {
		return nil, err
	}
	resolveImagePaths(c, opts)
	if err := resolveMountsFile(c, opts); err != nil {
		return nil, err
	}
	return c, nil
}

// resolveMountsFile sets Containers.DefaultMountsFile: the flag, else
// containers.conf's, else the first mounts.conf of Podman's locations
// that exists, as Podman looks for them. A file the flag names must
// exist.
func resolveMountsFile(c *Config, opts Options) error {
	if opts.MountsFile != "" {
		c.Containers.DefaultMountsFile = absPath(opts.MountsFile)
		if !fileExists(c.Containers.DefaultMountsFile) {
			return define.Invalidf("--default-mounts-file %s: no such file", opts.MountsFile)
		}
	}
	if c.Containers.DefaultMountsFile != "" {
		return nil
	}
	var cands []string
	if opts.Rootless && opts.ConfigHome != "" {
		cands = append(cands, filepath.Join(opts.ConfigHome, "containers", "mounts.conf"))
	}
	cands = append(cands, sysPath(opts, "/etc/containers/mounts.conf"), sysPath(opts, "/usr/share/containers/mounts.conf"))
	for _, p := range cands {
		if fileExists(p) {
			c.Containers.DefaultMountsFile = p
			return nil
		}
	}
	return nil
}
