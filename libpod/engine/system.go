package engine

import (
	"context"
	"fmt"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/rootless"
)

// Info reports on the host, storage and this pm build.
func (e *Engine) Info(ctx context.Context) (*define.Info, error) {
	info, err := e.rt.Info(ctx)
	if err != nil {
		return nil, err
	}
	if search, err := e.rt.SearchRegistries(); err == nil {
		info.Registries["search"] = search
	} else {
		return nil, err
	}
	return info, nil
}

// HostFacts are the host facts of the Docker API's /info beyond Info's.
type HostFacts struct {
	IPv4Forwarding bool
	InitPath       string // the binary --init uses; "" when there is none
	InitVersion    string
	Seccomp        bool // the kernel filters system calls
}

// HostFacts reads IPv4 forwarding, the init binary and seccomp support.
func (e *Engine) HostFacts(ctx context.Context) HostFacts {
	f := e.rt.HostFacts(ctx)
	return HostFacts{IPv4Forwarding: f.IPv4Forwarding, InitPath: f.InitPath, InitVersion: f.InitVersion, Seccomp: f.Seccomp}
}

// Version describes this pm build; it needs no runtime.
func Version() define.Version { return libpod.VersionInfo() }

// Reset removes everything pm stores for this user and stops the pause
// process, so the next invocation starts afresh.
func (e *Engine) Reset(ctx context.Context) error {
	err := e.rt.Reset(ctx)
	if perr := rootless.StopPauseProcess(); perr != nil {
		if err == nil {
			err = fmt.Errorf("stopping the pause process: %w", perr)
		}
	}
	return err
}

// HoldScratch returns pm's scratch directory, for temporary files (a
// Containerfile read from stdin), held until release is called: pm
// empties it of what no running pm holds.
func (e *Engine) HoldScratch(ctx context.Context) (dir string, release func(), err error) {
	return e.rt.HoldScratch(ctx)
}
