// Package cli carries what every pm command shares: the global flags, the
// configuration loaded once, and the engine, created on first use.
package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/config"
	"github.com/pm-project/pm/pkg/rootless"
	"github.com/spf13/cobra"
)

// Globals are pm's global flags.
type Globals struct {
	Root          string
	RunRoot       string
	StorageDriver string
	StorageOpts   []string
	Runtime       string
	LogLevel      string
	Debug         bool // --debug, -D: Docker's spelling of --log-level=debug
	NoOut         bool
	RuntimeFlags  []string
	TmpDir        string
	VolumePath    string
	CgroupManager string
	ConmonPath    string
	NetworkCmd    string
	EventsBackend string
	MountsFile    string // --default-mounts-file
}

// Env is the per-invocation environment shared by all commands.
type Env struct {
	Globals Globals

	cfgOnce sync.Once
	cfg     *config.Config
	cfgErr  error

	engOnce sync.Once
	eng     *engine.Engine
	engErr  error
}

type envKey struct{}

// WithEnv returns ctx carrying env.
func WithEnv(ctx context.Context, env *Env) context.Context {
	return context.WithValue(ctx, envKey{}, env)
}

// FromCmd returns the Env of the running command.
func FromCmd(cmd *cobra.Command) *Env {
	env, _ := cmd.Context().Value(envKey{}).(*Env)
	if env == nil {
		panic("cli: command run without an Env")
	}
	return env
}

// Config loads the configuration once.
func (e *Env) Config() (*config.Config, error) {
	e.cfgOnce.Do(func() {
		e.cfg, e.cfgErr = config.Load(e.options())
	})
	return e.cfg, e.cfgErr
}

func (e *Env) options() config.Options {
	home, _ := os.UserHomeDir()
	runDir, err := rootless.RuntimeDir()
	if err != nil {
		runDir = ""
	}
	o := config.Options{
		Rootless:               rootless.IsRootless(),
		UID:                    rootless.UID(),
		HomeDir:                home,
		User:                   os.Getenv("USER"),
		ConfigHome:             envOr("XDG_CONFIG_HOME", filepath.Join(home, ".config")),
		DataHome:               envOr("XDG_DATA_HOME", filepath.Join(home, ".local", "share")),
		RuntimeDir:             runDir,
		ContainersConf:         os.Getenv("CONTAINERS_CONF"),
		ContainersConfOverride: os.Getenv("CONTAINERS_CONF_OVERRIDE"),
		StorageConf:            os.Getenv("CONTAINERS_STORAGE_CONF"),
		RegistriesConf:         os.Getenv("CONTAINERS_REGISTRIES_CONF"),
		RegistryAuthFile:       os.Getenv("REGISTRY_AUTH_FILE"),
		Root:                   e.Globals.Root,
		RunRoot:                e.Globals.RunRoot,
		StorageDriver:          e.Globals.StorageDriver,
		StorageOpts:            e.Globals.StorageOpts,
		Runtime:                e.Globals.Runtime,
		RuntimeFlags:           e.Globals.RuntimeFlags,
		TmpDir:                 e.Globals.TmpDir,
		VolumePath:             e.Globals.VolumePath,
		CgroupManager:          e.Globals.CgroupManager,
		ConmonPath:             e.Globals.ConmonPath,
		NetworkCmd:             e.Globals.NetworkCmd,
		EventsBackend:          e.Globals.EventsBackend,
		MountsFile:             e.Globals.MountsFile,
	}
	return o
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// Engine returns the engine, entering the user namespace first when pm runs
// rootless (which may re-execute pm and so never return).
func (e *Env) Engine(ctx context.Context) (*engine.Engine, error) {
	e.engOnce.Do(func() {
		cfg, err := e.Config()
		if err != nil {
			e.engErr = err
			return
		}
		if err := rootless.EnsureUserNamespace(); err != nil {
			e.engErr = fmt.Errorf("entering the user namespace: %w", err)
			return
		}
		e.eng, e.engErr = engine.New(ctx, cfg)
	})
	return e.eng, e.engErr
}

// Shutdown releases the engine if it was created; pm exits next.
func (e *Env) Shutdown() error {
	if e.eng == nil {
		return nil
	}
	return e.eng.ShutdownAtExit()
}

// ExactArgs is cobra.ExactArgs with an error that says what the command takes
// and classes as invalid argument.
func ExactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return define.Invalidf("%q requires exactly %d arg(s), received %d", cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}

// MinArgs is cobra.MinimumNArgs with a pm-style error.
func MinArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return define.Invalidf("%q requires at least %d arg(s), received %d", cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}

// RangeArgs is cobra.RangeArgs in Podman's words.
func RangeArgs(lo, hi int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo {
			return MinArgs(lo)(cmd, args)
		}
		return MaxArgs(hi)(cmd, args)
	}
}

// MaxArgs is cobra.MaximumNArgs in Podman's words.
func MaxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return define.Invalidf("%q accepts at most %d arg(s), received %d", cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}

// NoArgs refuses positional arguments.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return define.Invalidf("%q takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}
