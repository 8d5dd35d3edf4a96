package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sort"

	"github.com/BurntSushi/toml"
	"github.com/pm-project/pm/libpod/define"
)

// containersConfFile is the part of containers.conf pm reads. Decoding
// writes into the Config it points at, so only keys present in a file
// override what earlier files and the defaults set.
type containersConfFile struct {
	Engine     *EngineConfig     `toml:"engine"`
	Containers *ContainersConfig `toml:"containers"`
	Network    *NetworkConfig    `toml:"network"`
}

// containersConfPaths returns the containers.conf files to read, in order,
// that exist. CONTAINERS_CONF replaces the list; the override file comes last.
func containersConfPaths(opts Options) ([]string, error) {
	var paths []string
	if opts.ContainersConf != "" {
		paths = append(paths, opts.ContainersConf)
	} else {
		paths = appendIfExists(paths, sysPath(opts, "/usr/share/containers/containers.conf"))
		paths = appendIfExists(paths, sysPath(opts, "/etc/containers/containers.conf"))
		dropIns, err := confDir(sysPath(opts, "/etc/containers/containers.conf.d"))
		if err != nil {
			return nil, err
		}
		paths = append(paths, dropIns...)
		if opts.Rootless && opts.ConfigHome != "" {
			user := filepath.Join(opts.ConfigHome, "containers")
			paths = appendIfExists(paths, filepath.Join(user, "containers.conf"))
			dropIns, err := confDir(filepath.Join(user, "containers.conf.d"))
			if err != nil {
				return nil, err
			}
			paths = append(paths, dropIns...)
		}
	}
	if opts.ContainersConfOverride != "" {
		paths = append(paths, opts.ContainersConfOverride)
	}
	return paths, nil
}

// readContainersConf decodes each file over c in order.
func readContainersConf(c *Config, paths []string) error {
	for _, p := range paths {
		file := containersConfFile{Engine: &c.Engine, Containers: &c.Containers, Network: &c.Network}
		before := c.Engine.Runtime
		if err := decodeTOML(p, &file); err != nil {
			return err
		}
		if c.Engine.Runtime != before {
			c.RuntimeChosenBy = p
		}
		c.Files = append(c.Files, p)
	}
	return checkNameOptions(&c.Containers)
}

// checkNameOptions refuses values of base_hosts_file and
// host_containers_internal_ip that no container could use.
func checkNameOptions(c *ContainersConfig) error {
	switch f := c.BaseHostsFile; {
	case f == "", f == "none", f == "image", filepath.IsAbs(f):
	default:
		return define.Invalidf("containers.conf: base_hosts_file %q: must be an absolute path, image or none", f)
	}
	if ip := c.HostContainersInternalIP; ip != "" && net.ParseIP(ip) == nil {
		return define.Invalidf("containers.conf: host_containers_internal_ip %q: not an IP address", ip)
	}
	return nil
}

// decodeTOML decodes the file at path into v. A file that cannot be read
// or parsed is an error naming it (and, for a parse error, the line).
func decodeTOML(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return define.Errorf(define.ErrInvalidArg, "reading configuration file: %w", err)
	}
	if _, err := toml.Decode(string(data), v); err != nil {
		return define.Errorf(define.ErrInvalidArg, "parsing configuration file %s: %w", path, err)
	}
	return nil
}

// confDir lists the *.conf files of a drop-in directory, sorted by name; a
// missing directory has none.
func confDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("reading configuration directory: %w", err)
	}
	var paths []string
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".conf" {
			continue
		}
		paths = append(paths, filepath.Join(dir, e.Name()))
	}
	sort.Strings(paths)
	return paths, nil
}

// appendIfExists appends path to paths when the file exists.
func appendIfExists(paths []string, path string) []string {
	if fileExists(path) {
		return append(paths, path)
	}
	return paths
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// sysPath places a system-wide absolute path under opts.SysConfDir.
func sysPath(opts Options, path string) string {
	if opts.SysConfDir == "" {
		return path
	}
	return filepath.Join(opts.SysConfDir, path)
}
