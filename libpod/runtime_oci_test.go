package libpod

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/oci"
	"github.com/pm-project/pm/pkg/config"
)

// runtimeTestConfig configures crun, runc, runsc and kata; every binary but
// kata's exists (an empty executable: selection never runs it).
func runtimeTestConfig(t *testing.T) *config.Config {
	t.Helper()
	dir := t.TempDir()
	paths := map[string][]string{}
	for _, n := range []string{"crun", "runc", "runsc", "kata"} {
		p := filepath.Join(dir, n)
		paths[n] = []string{p}
		if n != "kata" {
			if err := os.WriteFile(p, nil, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	return &config.Config{
		Rootless: true, TmpDir: filepath.Join(dir, "tmp"),
		Engine: config.EngineConfig{
			RuntimeOrder:       []string{"crun", "runc", "runsc", "kata"},
			OCIRuntimes:        paths,
			OCIRuntimesFlags:   map[string][]string{},
			RuntimeSupportsKVM: []string{"kata"},
		},
	}
}

func TestChooseRuntime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		setup    func(c *config.Config)
		host     oci.Host
		request  string
		want     string // chosen runtime; "" means refused
		inReason string // in the reason chosen, or in the error
	}{
		{name: "crun first where it runs", host: oci.Host{Rootless: true}, want: "crun", inReason: "the first of crun, runc, runsc, kata"},
		{name: "runc as root on hybrid", setup: func(c *config.Config) { c.Rootless = false },
			host: oci.Host{HybridVisible: true}, want: "runc", inReason: "crun: crun refuses cgroup v1 hosts"},
		{name: "containers.conf runtime", setup: func(c *config.Config) {
			c.Engine.Runtime, c.RuntimeChosenBy = "runsc", "/etc/containers/containers.conf"
		}, want: "runsc", inReason: "named by /etc/containers/containers.conf"},
		{name: "--runtime", setup: func(c *config.Config) { c.Engine.Runtime, c.RuntimeChosenBy = "runc", "--runtime" },
			want: "runc", inReason: "named by --runtime"},
		{name: "request wins", setup: func(c *config.Config) { c.Engine.Runtime = "runc" }, request: "runsc", want: "runsc"},
		{name: "kata missing", request: "kata", inReason: `OCI runtime "kata" not found: no kata binary`},
		{name: "kata without kvm", setup: func(c *config.Config) {
			c.Engine.OCIRuntimes["kata"] = c.Engine.OCIRuntimes["runc"]
		}, request: "kata", inReason: "no /dev/kvm"},
		{name: "path that is not there", request: "/nonexistent/crun", inReason: "/nonexistent/crun is not an executable file"},
		{name: "configured crun refused as root on hybrid", setup: func(c *config.Config) {
			c.Rootless, c.Engine.Runtime = false, "crun"
		}, host: oci.Host{HybridVisible: true}, inReason: `OCI runtime "crun" cannot run here`},
		{name: "none can run", setup: func(c *config.Config) { c.Engine.RuntimeOrder = []string{"kata"} },
			inReason: "no OCI runtime can run here: kata: no kata binary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := runtimeTestConfig(t)
			if tt.setup != nil {
				tt.setup(cfg)
			}
			r := &Runtime{cfg: cfg}
			c, reason, err := r.chooseRuntime(tt.request, tt.host)
			if tt.want == "" {
				if !errors.Is(err, define.ErrRuntimeUnavailable) || define.ExitCode(err) != define.ExitCannotRun {
					t.Fatalf("err = %v (exit %d), want a refusal with exit 126", err, define.ExitCode(err))
				}
				if !strings.Contains(err.Error(), tt.inReason) {
					t.Errorf("err = %q, want it to say %q", err, tt.inReason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Name != tt.want || c.Path == "" {
				t.Errorf("chose %+v, want %s", c, tt.want)
			}
			if !strings.Contains(reason, tt.inReason) {
				t.Errorf("reason = %q, want it to say %q", reason, tt.inReason)
			}
		})
	}
}

func TestRuntimeFlags(t *testing.T) {
	t.Parallel()
	cfg := runtimeTestConfig(t)
	cfg.Engine.OCIRuntimesFlags["runsc"] = []string{"debug", "--network=sandbox"}
	cfg.Engine.OCIRuntimesFlags["crun"] = []string{"cgroup-manager=disabled"}
	r := &Runtime{cfg: cfg}
	runsc := cfg.Engine.OCIRuntimes["runsc"][0]
	// The user's flags come after pm's, so the user's --network wins.
	if got, want := r.runtimeFlags("runsc", runsc, "pasta"), []string{"--ignore-cgroups", "--network=host", "--debug", "--network=sandbox"}; !slices.Equal(got, want) {
		t.Errorf("runsc flags = %q, want %q", got, want)
	}
	if got, want := r.runtimeFlags("crun", cfg.Engine.OCIRuntimes["crun"][0], "none"), []string{"--cgroup-manager=disabled"}; !slices.Equal(got, want) {
		t.Errorf("crun flags = %q, want %q", got, want)
	}
	if got := r.runtimeFlags("runc", cfg.Engine.OCIRuntimes["runc"][0], "none"); len(got) != 0 {
		t.Errorf("runc flags = %q, want none", got)
	}
	// --runtime-flag replaces containers.conf's flags.
	cfg.RuntimeFlags = []string{"--debug"}
	if got, want := r.runtimeFlags("runsc", runsc, "none"), []string{"--ignore-cgroups", "--network=none", "--debug"}; !slices.Equal(got, want) {
		t.Errorf("runsc flags with --runtime-flag = %q, want %q", got, want)
	}
}
