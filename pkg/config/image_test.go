package config

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/signature"
)

func TestPolicy(t *testing.T) {
	e := newTestEnv(t)
	c, err := Load(e.opts(true))
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Policy()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.Default, signature.PolicyRequirements{signature.NewPRInsecureAcceptAnything()}) {
		t.Errorf("built-in default = %#v", p.Default)
	}

	sys := e.sysFile(t, "etc/containers/policy.json", `{"default":[{"type":"reject"}]}`)
	if c, _ = Load(e.opts(true)); c.PolicyPath != sys {
		t.Errorf("PolicyPath = %q, want %q", c.PolicyPath, sys)
	}
	user := e.userFile(t, "containers/policy.json", `{"default":[{"type":"reject"}], "bad":`)
	if c, _ = Load(e.opts(true)); c.PolicyPath != user {
		t.Errorf("PolicyPath = %q, want %q", c.PolicyPath, user)
	}
	if _, err := c.Policy(); err == nil || !strings.Contains(err.Error(), user) {
		t.Errorf("Policy() error = %v, want one naming %s", err, user)
	}
}

func TestSearchRegistries(t *testing.T) {
	e := newTestEnv(t)
	o := e.opts(true)
	o.RegistriesConf = e.sysFile(t, "registries.conf", "unqualified-search-registries = [\"quay.io\", \"docker.io\"]\n")
	c, err := Load(o)
	if err != nil {
		t.Fatal(err)
	}
	if c.ShortNameAliasConfPath != filepath.Join(o.ConfigHome, "containers", "short-name-aliases.conf") {
		t.Errorf("ShortNameAliasConfPath = %q", c.ShortNameAliasConfPath)
	}
	regs, err := c.SearchRegistries()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(regs, []string{"quay.io", "docker.io"}) {
		t.Errorf("registries = %v", regs)
	}

	o.RegistriesConf = e.sysFile(t, "bad.conf", "unqualified-search-registries = [\n")
	c, _ = Load(o)
	_, err = c.SearchRegistries()
	if err == nil || !strings.Contains(err.Error(), o.RegistriesConf) || !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("err = %v, want invalid-argument naming %s", err, o.RegistriesConf)
	}
}

func TestAuthFile(t *testing.T) {
	e := newTestEnv(t)
	o := e.opts(true)
	o.RegistryAuthFile = "/tmp/auth.json"
	c, err := Load(o)
	if err != nil {
		t.Fatal(err)
	}
	if c.AuthFilePath != "/tmp/auth.json" || c.DockerConfigPath != filepath.Join(e.home, ".docker", "config.json") {
		t.Errorf("auth = %q, docker = %q", c.AuthFilePath, c.DockerConfigPath)
	}
}
