package engine

import (
	"context"
	"errors"
	"os"
	"sort"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

// ExecRequest says what to run in a running container.
type ExecRequest struct {
	Command     []string
	Env         []string // KEY=VALUE or KEY (taken from pm's environment)
	EnvFiles    []string
	User        string // user[:group], "" for the container's
	WorkDir     string
	Interactive bool // keep stdin open
	Tty         bool
	Detach      bool
	Privileged  bool
	// DetachKeys is the detach sequence; nil means containers.conf's.
	DetachKeys *string
}

// ExecReport is the result of ContainerExec.
type ExecReport struct {
	SessionID string
	ExitCode  int  // the command's, when attached
	Detached  bool // the user typed the detach keys
}

// ContainerExec runs a command in a running container. Attached, it
// copies o's streams and reports the command's exit code; with Detach it
// returns the session ID once the command runs.
func (e *Engine) ContainerExec(ctx context.Context, idOrName string, req ExecRequest, o AttachOptions) (*ExecReport, error) {
	if len(req.Command) == 0 {
		return nil, define.Invalidf("exec requires at least one command argument")
	}
	env := map[string]string{}
	for _, f := range req.EnvFiles {
		if err := specgen.ParseEnvFile(env, f, os.LookupEnv); err != nil {
			return nil, err
		}
	}
	for _, kv := range req.Env {
		if err := specgen.ParseEnv(env, kv, os.LookupEnv); err != nil {
			return nil, err
		}
	}
	keysStr := e.rt.Config().Engine.DetachKeys
	if req.DetachKeys != nil {
		keysStr = *req.DetachKeys
	}
	keys, err := libpod.ParseDetachKeys(keysStr)
	if err != nil {
		return nil, define.Invalidf("invalid --detach-keys %q: %v", keysStr, err)
	}
	if !req.Tty {
		keys = nil // detach keys need a terminal
	}
	c, err := e.rt.InspectContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	cfg := libpod.ExecConfig{
		Command: req.Command, WorkDir: req.WorkDir, Tty: req.Tty, Stdin: req.Interactive,
		Detach: req.Detach, Privileged: req.Privileged, DetachKeys: keys, LogLevel: logLevel(),
	}
	keysSorted := make([]string, 0, len(env))
	for k := range env {
		keysSorted = append(keysSorted, k)
	}
	sort.Strings(keysSorted)
	for _, k := range keysSorted {
		cfg.Env = append(cfg.Env, k+"="+env[k])
	}
	if req.User != "" {
		if c.State.Status != define.StatusRunning || c.State.Mountpoint == "" {
			return nil, define.Errorf(define.ErrInvalidState, "can only create exec sessions on running containers: container state improper")
		}
		u, _, err := resolveUser(c.State.Mountpoint, req.User, nil)
		if err != nil {
			return nil, err
		}
		cfg.User = &u
	}
	var att *libpod.ExecAttach
	if !req.Detach {
		att = &libpod.ExecAttach{Streams: libpod.Streams{Stdin: o.Stdin, Stdout: o.Stdout, Stderr: o.Stderr}}
		if o.OnAttach != nil {
			att.OnAttach = func(a *libpod.Attached) { o.OnAttach(a) }
		}
	}
	res, err := e.rt.ExecContainer(ctx, c.ID(), cfg, att)
	if errors.Is(err, libpod.ErrDetached) {
		return &ExecReport{SessionID: res.SessionID, Detached: true}, nil
	}
	if err != nil {
		return nil, err
	}
	return &ExecReport{SessionID: res.SessionID, ExitCode: res.ExitCode}, nil
}
