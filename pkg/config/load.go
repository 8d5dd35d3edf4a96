package config

import "path/filepath"

// Load builds the configuration from built-in defaults, podman's files and
// the options. PLACEHOLDER: defaults only; the real loader reads the files.
func Load(opts Options) (*Config, error) {
	c := &Config{Rootless: opts.Rootless, UID: opts.UID, RuntimeDir: opts.RuntimeDir}
	c.TmpDir = filepath.Join(opts.RuntimeDir, "pm")
	if opts.Rootless {
		c.Storage.GraphRoot = filepath.Join(opts.DataHome, "pm", "storage")
		c.Storage.RunRoot = filepath.Join(opts.RuntimeDir, "pm", "storage")
	} else {
		c.Storage.GraphRoot = "/var/lib/pm/storage"
		c.Storage.RunRoot = "/run/pm/storage"
	}
	if opts.Root != "" {
		c.Storage.GraphRoot = opts.Root
	}
	if opts.RunRoot != "" {
		c.Storage.RunRoot = opts.RunRoot
	}
	c.Storage.Driver = opts.StorageDriver
	c.DatabasePath = filepath.Join(c.Storage.GraphRoot, "pm", "state.db")
	c.VolumePath = filepath.Join(c.Storage.GraphRoot, "volumes")
	c.AuthFilePath = filepath.Join(opts.RuntimeDir, "containers", "auth.json")
	c.DockerConfigPath = filepath.Join(opts.HomeDir, ".docker", "config.json")
	return c, nil
}
