package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pm-project/pm/libpod/define"
)

// testEnv is a fake system root and home directory.
type testEnv struct {
	sys, home string
}

func newTestEnv(t *testing.T) testEnv {
	t.Helper()
	d := t.TempDir()
	return testEnv{sys: filepath.Join(d, "sys"), home: filepath.Join(d, "home")}
}

func (e testEnv) opts(rootless bool) Options {
	return Options{
		Rootless:   rootless,
		UID:        1000,
		User:       "alice",
		HomeDir:    e.home,
		ConfigHome: filepath.Join(e.home, ".config"),
		DataHome:   filepath.Join(e.home, ".local/share"),
		RuntimeDir: "/run/user/1000",
		SysConfDir: e.sys,
	}
}

// sysFile and userFile write a file under the fake system root or the fake
// config home; they return its path.
func (e testEnv) sysFile(t *testing.T, path, content string) string {
	return writeFile(t, filepath.Join(e.sys, path), content)
}

func (e testEnv) userFile(t *testing.T, path, content string) string {
	return writeFile(t, filepath.Join(e.home, ".config", path), content)
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadDefaults(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct {
		name     string
		rootless bool
		graph    string
		run      string
		netDir   string
		auth     string
	}{
		{"rootless", true, filepath.Join(e.home, ".local/share/pm/storage"), "/run/user/1000/pm/storage",
			filepath.Join(e.home, ".config/containers/networks"), "/run/user/1000/containers/auth.json"},
		{"root", false, "/var/lib/pm/storage", "/run/pm/storage", "/etc/containers/networks", "/run/containers/0/auth.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(e.opts(tt.rootless))
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Files) != 0 {
				t.Errorf("Files = %v, want none", c.Files)
			}
			checks := map[string][2]any{
				"GraphRoot":    {c.Storage.GraphRoot, tt.graph},
				"RunRoot":      {c.Storage.RunRoot, tt.run},
				"Driver":       {c.Storage.Driver, ""},
				"NetworkDir":   {c.Network.NetworkConfigDir, tt.netDir},
				"AuthFile":     {c.AuthFilePath, tt.auth},
				"DatabasePath": {c.DatabasePath, filepath.Join(tt.graph, "pm", "state.db")},
				"VolumePath":   {c.VolumePath, filepath.Join(tt.graph, "volumes")},
				"TmpDir":       {c.TmpDir, "/run/user/1000/pm"},
				"StopTimeout":  {c.Engine.StopTimeout, uint(10)},
				"LogDriver":    {c.Containers.LogDriver, "k8s-file"},
				"PidsLimit":    {c.Containers.PidsLimit, int64(2048)},
				"Cgroup":       {c.Engine.CgroupManager, "cgroupfs"},
				"Events":       {c.Engine.EventsLogger, "file"},
				"Network":      {c.Network.DefaultNetwork, "pm"},
				"Subnet":       {c.Network.DefaultSubnet, "10.88.0.0/16"},
				"NetCmd":       {c.Network.DefaultRootlessNetworkCmd, "slirp4netns"},
				"Backend":      {c.Network.NetworkBackend, "netavark"},
				"DetachKeys":   {c.Engine.DetachKeys, "ctrl-p,ctrl-q"},
				"PolicyPath":   {c.PolicyPath, ""},
				"Registries":   {c.RegistriesConfPath, ""},
				"Order":        {c.Engine.RuntimeOrder, []string{"crun", "runc", "runsc", "kata"}},
				"Caps":         {len(c.Containers.DefaultCapabilities), 11},
			}
			for name, v := range checks {
				if !reflect.DeepEqual(v[0], v[1]) {
					t.Errorf("%s = %v, want %v", name, v[0], v[1])
				}
			}
			if got := c.Engine.OCIRuntimes["crun"]; len(got) == 0 || got[0] != "/usr/bin/crun" {
				t.Errorf("crun paths = %v", got)
			}
		})
	}
}

func TestContainersConfLayering(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, e testEnv, o *Options)
		check func(t *testing.T, c *Config)
		files int
	}{
		{
			name: "etc over usr share, only keys present",
			setup: func(t *testing.T, e testEnv, o *Options) {
				e.sysFile(t, "usr/share/containers/containers.conf", "[engine]\nstop_timeout = 20\nevents_logger = \"none\"\n")
				e.sysFile(t, "etc/containers/containers.conf", "[engine]\nstop_timeout = 30\n")
			},
			check: func(t *testing.T, c *Config) {
				if c.Engine.StopTimeout != 30 || c.Engine.EventsLogger != "none" || c.Engine.CgroupManager != "cgroupfs" {
					t.Errorf("engine = %+v", c.Engine)
				}
			},
			files: 2,
		},
		{
			name: "drop-ins sorted, then user file, then user drop-ins",
			setup: func(t *testing.T, e testEnv, o *Options) {
				e.sysFile(t, "etc/containers/containers.conf", "[containers]\nlog_tag = \"etc\"\nlog_driver = \"none\"\n")
				e.sysFile(t, "etc/containers/containers.conf.d/20-b.conf", "[containers]\nlog_tag = \"b\"\n")
				e.sysFile(t, "etc/containers/containers.conf.d/10-a.conf", "[containers]\nlog_tag = \"a\"\npids_limit = 5\n")
				e.sysFile(t, "etc/containers/containers.conf.d/ignored.txt", "garbage [[[")
				e.userFile(t, "containers/containers.conf", "[containers]\npids_limit = 7\n[network]\ndefault_subnet = \"10.99.0.0/16\"\n")
				e.userFile(t, "containers/containers.conf.d/x.conf", "[network]\npasta_options = [\"-4\"]\n")
			},
			check: func(t *testing.T, c *Config) {
				if c.Containers.LogTag != "b" || c.Containers.PidsLimit != 7 || c.Containers.LogDriver != "none" {
					t.Errorf("containers = %+v", c.Containers)
				}
				if c.Network.DefaultSubnet != "10.99.0.0/16" || !reflect.DeepEqual(c.Network.PastaOptions, []string{"-4"}) {
					t.Errorf("network = %+v", c.Network)
				}
			},
			files: 5,
		},
		{
			name: "CONTAINERS_CONF replaces the list, override comes last",
			setup: func(t *testing.T, e testEnv, o *Options) {
				e.sysFile(t, "etc/containers/containers.conf", "[engine]\nruntime = \"runc\"\n")
				e.userFile(t, "containers/containers.conf", "[engine]\ninfra_image = \"user\"\n")
				o.ContainersConf = e.sysFile(t, "custom.conf", "[engine]\ninfra_image = \"custom\"\ndetach_keys = \"ctrl-x\"\n")
				o.ContainersConfOverride = e.sysFile(t, "override.conf", "[engine]\ndetach_keys = \"ctrl-y\"\n")
			},
			check: func(t *testing.T, c *Config) {
				if c.Engine.Runtime != "" || c.Engine.InfraImage != "custom" || c.Engine.DetachKeys != "ctrl-y" {
					t.Errorf("engine = %+v", c.Engine)
				}
			},
			files: 2,
		},
		{
			name: "runtimes table merges by name, unknown keys ignored",
			setup: func(t *testing.T, e testEnv, o *Options) {
				e.sysFile(t, "etc/containers/containers.conf", "[engine]\nno_such_key = 1\n[engine.runtimes]\nrunc = [\"/opt/runc\"]\nyouki = [\"/opt/youki\"]\n[other]\nx = 1\n")
			},
			check: func(t *testing.T, c *Config) {
				r := c.Engine.OCIRuntimes
				if !reflect.DeepEqual(r["runc"], []string{"/opt/runc"}) || r["youki"] == nil || len(r["crun"]) == 0 {
					t.Errorf("runtimes = %v", r)
				}
			},
			files: 1,
		},
		{
			name: "runtime flag wins",
			setup: func(t *testing.T, e testEnv, o *Options) {
				e.sysFile(t, "etc/containers/containers.conf", "[engine]\nruntime = \"crun\"\n")
				o.Runtime = "runsc"
			},
			check: func(t *testing.T, c *Config) {
				if c.Engine.Runtime != "runsc" || c.RuntimeChosenBy != "--runtime" {
					t.Errorf("runtime = %q chosen by %q", c.Engine.Runtime, c.RuntimeChosenBy)
				}
			},
			files: 1,
		},
		{
			name: "runtimes_flags, runtime_supports_kvm, and the file that chose the runtime",
			setup: func(t *testing.T, e testEnv, o *Options) {
				e.sysFile(t, "etc/containers/containers.conf", "[engine]\nruntime = \"runsc\"\nruntime_supports_kvm = [\"kata\", \"krun\"]\n"+
					"[engine.runtimes_flags]\nrunsc = [\"debug\", \"network=host\"]\n")
				e.userFile(t, "containers/containers.conf", "[engine]\ninfra_image = \"user\"\n")
			},
			check: func(t *testing.T, c *Config) {
				if !reflect.DeepEqual(c.Engine.OCIRuntimesFlags["runsc"], []string{"debug", "network=host"}) {
					t.Errorf("runtimes_flags = %v", c.Engine.OCIRuntimesFlags)
				}
				if !reflect.DeepEqual(c.Engine.RuntimeSupportsKVM, []string{"kata", "krun"}) {
					t.Errorf("runtime_supports_kvm = %v", c.Engine.RuntimeSupportsKVM)
				}
				if c.Engine.Runtime != "runsc" || !strings.HasSuffix(c.RuntimeChosenBy, "etc/containers/containers.conf") {
					t.Errorf("runtime = %q chosen by %q", c.Engine.Runtime, c.RuntimeChosenBy)
				}
			},
			files: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			o := e.opts(true)
			tt.setup(t, e, &o)
			c, err := Load(o)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Files) != tt.files {
				t.Errorf("Files = %v, want %d", c.Files, tt.files)
			}
			tt.check(t, c)
		})
	}
}

func TestLoadDefaultsNotShared(t *testing.T) {
	e := newTestEnv(t)
	e.sysFile(t, "etc/containers/containers.conf", "[containers]\ndefault_capabilities = [\"KILL\"]\n")
	if _, err := Load(e.opts(false)); err != nil {
		t.Fatal(err)
	}
	c, err := Load(newTestEnv(t).opts(false))
	if err != nil {
		t.Fatal(err)
	}
	if c.Containers.DefaultCapabilities[0] != "CHOWN" {
		t.Errorf("defaults changed by an earlier Load: %v", c.Containers.DefaultCapabilities)
	}
}

func TestMalformedFiles(t *testing.T) {
	tests := []struct {
		name, path, content string
		storage             bool
	}{
		{"syntax", "etc/containers/containers.conf", "[engine]\nruntime = \"crun\"\nstop_timeout = = 3\n", false},
		{"type", "etc/containers/containers.conf", "[containers]\npids_limit = \"many\"\n", false},
		{"storage", "etc/containers/storage.conf", "[storage\ndriver = \"overlay\"\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			path := e.sysFile(t, tt.path, tt.content)
			_, err := Load(e.opts(false))
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "line") {
				t.Errorf("error %q does not name %s and a line", err, path)
			}
			if !errors.Is(err, define.ErrInvalidArg) {
				t.Errorf("error %v is not invalid-argument", err)
			}
		})
	}
}

func TestMissingContainersConf(t *testing.T) {
	e := newTestEnv(t)
	o := e.opts(true)
	o.ContainersConf = filepath.Join(e.sys, "nope.conf")
	if _, err := Load(o); err == nil || !strings.Contains(err.Error(), "nope.conf") {
		t.Errorf("err = %v, want one naming nope.conf", err)
	}
}

// TestDefaultMountsFile: the flag wins over containers.conf's
// default_mounts_file, which wins over mounts.conf in Podman's locations
// (the user's first, rootless); none of them is no file.
func TestDefaultMountsFile(t *testing.T) {
	e := newTestEnv(t)
	load := func(opts Options) string {
		t.Helper()
		c, err := Load(opts)
		if err != nil {
			t.Fatal(err)
		}
		return c.Containers.DefaultMountsFile
	}
	if got := load(e.opts(true)); got != "" {
		t.Errorf("no mounts.conf anywhere: %q", got)
	}
	usr := e.sysFile(t, "/usr/share/containers/mounts.conf", "/a:/b\n")
	if got := load(e.opts(true)); got != usr {
		t.Errorf("got %q, want %q", got, usr)
	}
	etc := e.sysFile(t, "/etc/containers/mounts.conf", "/a:/b\n")
	if got := load(e.opts(true)); got != etc {
		t.Errorf("got %q, want %q", got, etc)
	}
	user := e.userFile(t, "containers/mounts.conf", "/a:/b\n")
	if got := load(e.opts(true)); got != user {
		t.Errorf("rootless: got %q, want %q", got, user)
	}
	if got := load(e.opts(false)); got != etc {
		t.Errorf("root: got %q, want %q", got, etc)
	}
	e.sysFile(t, "/etc/containers/containers.conf", "[containers]\ndefault_mounts_file = \"/conf/mounts\"\n")
	if got := load(e.opts(true)); got != "/conf/mounts" {
		t.Errorf("containers.conf: got %q", got)
	}
	opts := e.opts(true)
	flag := filepath.Join(t.TempDir(), "mounts")
	if err := os.WriteFile(flag, []byte("/a:/b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts.MountsFile = flag
	if got := load(opts); got != flag {
		t.Errorf("--default-mounts-file: got %q", got)
	}
	opts.MountsFile = "/flag/nosuch"
	if _, err := Load(opts); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("--default-mounts-file of a missing file: %v", err)
	}
}
