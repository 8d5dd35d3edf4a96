package config

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
)

// storageConfFile is the part of storage.conf pm reads.
type storageConfFile struct {
	Storage struct {
		Driver              string `toml:"driver"`
		GraphRoot           string `toml:"graphroot"`
		RunRoot             string `toml:"runroot"`
		RootlessStoragePath string `toml:"rootless_storage_path"`
		TransientStore      bool   `toml:"transient_store"`
		Options             struct {
			MountProgram          string   `toml:"mount_program"`
			AdditionalImageStores []string `toml:"additionalimagestores"`
			Overlay               struct {
				MountProgram      string `toml:"mount_program"`
				MountOpt          string `toml:"mountopt"`
				ForceMask         any    `toml:"force_mask"`
				IgnoreChownErrors any    `toml:"ignore_chown_errors"`
			} `toml:"overlay"`
		} `toml:"options"`
	} `toml:"storage"`
}

// storageConfPath returns the one storage.conf that applies, and whether it
// is the user's own (whose graphroot and runroot apply to a rootless user).
// As in podman, a file does not layer over another: the last that exists of
// /usr/share, /etc and the user's wins entirely.
func storageConfPath(opts Options) (path string, userFile bool) {
	if opts.StorageConf != "" {
		return opts.StorageConf, true
	}
	if opts.Rootless && opts.ConfigHome != "" {
		p := filepath.Join(opts.ConfigHome, "containers", "storage.conf")
		if fileExists(p) {
			return p, true
		}
	}
	for _, p := range []string{"/etc/containers/storage.conf", "/usr/share/containers/storage.conf"} {
		if p = sysPath(opts, p); fileExists(p) {
			return p, false
		}
	}
	return "", false
}

// readStorageConf applies storage.conf to c.Storage.
func readStorageConf(c *Config, opts Options) error {
	path, userFile := storageConfPath(opts)
	if path == "" {
		return nil
	}
	var f storageConfFile
	if err := decodeTOML(path, &f); err != nil {
		return err
	}
	c.Files = append(c.Files, path)
	s := f.Storage
	c.Storage.Driver = s.Driver
	c.Storage.TransientStore = s.TransientStore
	switch {
	case !opts.Rootless || userFile:
		if s.GraphRoot != "" {
			c.Storage.GraphRoot = s.GraphRoot
		} else if opts.Rootless && s.RootlessStoragePath != "" {
			c.Storage.GraphRoot = expandStoragePath(s.RootlessStoragePath, opts)
		}
		if s.RunRoot != "" {
			c.Storage.RunRoot = s.RunRoot
		}
	case s.RootlessStoragePath != "":
		c.Storage.GraphRoot = expandStoragePath(s.RootlessStoragePath, opts)
	}

	o := s.Options
	mountProgram := o.Overlay.MountProgram
	if mountProgram == "" {
		mountProgram = o.MountProgram
	}
	var driverOpts []string
	if mountProgram != "" {
		driverOpts = append(driverOpts, "overlay.mount_program="+mountProgram)
	}
	if o.Overlay.MountOpt != "" {
		driverOpts = append(driverOpts, "overlay.mountopt="+o.Overlay.MountOpt)
	}
	if v := tomlScalar(o.Overlay.ForceMask); v != "" {
		driverOpts = append(driverOpts, "overlay.force_mask="+v)
	}
	if v := tomlScalar(o.Overlay.IgnoreChownErrors); v != "" {
		driverOpts = append(driverOpts, "overlay.ignore_chown_errors="+v)
	}
	for _, store := range o.AdditionalImageStores {
		driverOpts = append(driverOpts, "imagestore="+store)
	}
	c.Storage.Options = driverOpts
	return nil
}

// tomlScalar renders a string, boolean or integer value as storage expects
// it in a driver option; "" for a missing value.
func tomlScalar(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	default:
		return fmt.Sprint(v)
	}
}

// expandStoragePath expands $UID, $HOME and $USER (also in ${...} form) in
// rootless_storage_path; other variables are left as written.
func expandStoragePath(path string, opts Options) string {
	return os.Expand(path, func(name string) string {
		switch name {
		case "UID":
			return strconv.Itoa(opts.UID)
		case "HOME":
			return opts.HomeDir
		case "USER":
			return userName(opts)
		}
		return "${" + name + "}"
	})
}

// userName is $USER as cmd/pm passed it, or the name of opts.UID.
func userName(opts Options) string {
	if opts.User != "" {
		return opts.User
	}
	if u, err := user.LookupId(strconv.Itoa(opts.UID)); err == nil {
		return u.Username
	}
	return strconv.Itoa(opts.UID)
}

// applyStorageFlags lets --root, --runroot, --storage-driver and
// --storage-opt override the files. --storage-opt replaces the file's
// driver options; an empty --storage-opt="" clears them.
func applyStorageFlags(c *Config, opts Options) {
	if opts.Root != "" {
		c.Storage.GraphRoot = opts.Root
	}
	if opts.RunRoot != "" {
		c.Storage.RunRoot = opts.RunRoot
	}
	if opts.StorageDriver != "" {
		c.Storage.Driver = opts.StorageDriver
	}
	if len(opts.StorageOpts) > 0 {
		c.Storage.Options = nil
		for _, o := range opts.StorageOpts {
			if o = strings.TrimSpace(o); o != "" {
				c.Storage.Options = append(c.Storage.Options, o)
			}
		}
	}
}
