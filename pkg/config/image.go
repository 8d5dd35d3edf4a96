package config

import (
	"fmt"
	"path/filepath"

	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/pkg/sysregistriesv2"
	"go.podman.io/image/v5/signature"
	"go.podman.io/image/v5/types"
)

// DefaultPolicy is used when no policy.json exists: accept any image, as a
// fresh podman install does.
const DefaultPolicy = `{"default":[{"type":"insecureAcceptAnything"}]}`

// resolveImagePaths fills the registries, policy and auth file locations.
func resolveImagePaths(c *Config, opts Options) {
	if opts.RegistriesConf != "" {
		// CONTAINERS_REGISTRIES_CONF names the registries file to use
		// instead of the system's and the user's; as in the image library,
		// the system's drop-ins do not apply then. Only drop-ins beside
		// the named file (FILE.d) do.
		c.RegistriesConfPath = opts.RegistriesConf
		c.RegistriesConfDirPath = opts.RegistriesConf + ".d"
	}
	if opts.Rootless && opts.ConfigHome != "" {
		c.ShortNameAliasConfPath = filepath.Join(opts.ConfigHome, "containers", "short-name-aliases.conf")
	}

	var policies []string
	if opts.Rootless && opts.ConfigHome != "" {
		policies = append(policies, filepath.Join(opts.ConfigHome, "containers", "policy.json"))
	}
	policies = append(policies, sysPath(opts, "/etc/containers/policy.json"))
	c.PolicyWritePath = policies[0]
	for _, p := range policies {
		if fileExists(p) {
			c.PolicyPath = p
			break
		}
	}

	switch {
	case opts.RegistryAuthFile != "":
		c.AuthFilePath = opts.RegistryAuthFile
	case opts.Rootless:
		c.AuthFilePath = filepath.Join(opts.RuntimeDir, "containers", "auth.json")
	default:
		c.AuthFilePath = "/run/containers/0/auth.json"
	}
	if opts.HomeDir != "" {
		c.DockerConfigPath = filepath.Join(opts.HomeDir, ".docker", "config.json")
	}
}

// SystemContext returns the go.podman.io/image/v5 context carrying pm's
// registries, short-name alias, policy and auth file locations. Callers
// may set more fields on the copy they get.
func (c *Config) SystemContext() *types.SystemContext {
	return &types.SystemContext{
		SystemRegistriesConfPath:    c.RegistriesConfPath,
		SystemRegistriesConfDirPath: c.RegistriesConfDirPath,
		UserShortNameAliasConfPath:  c.ShortNameAliasConfPath,
		SignaturePolicyPath:         c.PolicyPath,
		AuthFilePath:                c.AuthFilePath,
	}
}

// SearchRegistries returns registries.conf's unqualified-search-registries.
// It also parses the registry table, so a malformed registries.conf is
// reported here, naming the file.
func (c *Config) SearchRegistries() ([]string, error) {
	sys := c.SystemContext()
	if _, err := sysregistriesv2.GetRegistries(sys); err != nil {
		return nil, registriesError(sys, err)
	}
	regs, err := sysregistriesv2.UnqualifiedSearchRegistries(sys)
	if err != nil {
		return nil, registriesError(sys, err)
	}
	return regs, nil
}

func registriesError(sys *types.SystemContext, err error) error {
	return define.Errorf(define.ErrInvalidArg, "loading registries configuration %s: %w",
		sysregistriesv2.ConfigurationSourceDescription(sys), err)
}

// Policy returns the signature policy of PolicyPath, or the built-in
// accept-anything policy when PolicyPath is "".
func (c *Config) Policy() (*signature.Policy, error) {
	if c.PolicyPath == "" {
		p, err := signature.NewPolicyFromBytes([]byte(DefaultPolicy))
		if err != nil {
			return nil, fmt.Errorf("parsing built-in signature policy: %w", err)
		}
		return p, nil
	}
	p, err := signature.NewPolicyFromFile(c.PolicyPath)
	if err != nil {
		return nil, define.Errorf(define.ErrInvalidArg, "reading signature policy %s: %w", c.PolicyPath, err)
	}
	return p, nil
}
