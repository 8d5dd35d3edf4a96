package engine

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/pm-project/pm/libpod"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

// LatestContainer returns the ID of the container created last (-l).
func (e *Engine) LatestContainer(ctx context.Context) (string, error) {
	cs, err := e.rt.Containers(ctx)
	if err != nil {
		return "", err
	}
	var id string
	var newest int64 = -1
	for _, c := range cs {
		if t := c.Config.Created.UnixNano(); t >= newest {
			newest, id = t, c.ID()
		}
	}
	if id == "" {
		return "", define.Errorf(define.ErrNoSuchCtr, "no containers to act on with --latest: %w", define.ErrNoSuchCtr)
	}
	return id, nil
}

// ContainerRename gives a container a new name.
func (e *Engine) ContainerRename(ctx context.Context, idOrName, newName string) error {
	if err := specgen.ValidName(newName); err != nil {
		return err
	}
	if err := e.rt.RenameContainer(ctx, idOrName, newName); err != nil {
		return err
	}
	e.emitContainer(ctx, newName, "rename", nil)
	return nil
}

// ContainerPort lists a container's published ports as
// "80/tcp -> 0.0.0.0:8080" lines, optionally only those of privatePort
// ("80" or "80/tcp").
func (e *Engine) ContainerPort(ctx context.Context, idOrName, privatePort string) ([]string, error) {
	c, err := e.rt.LookupContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	return portLines(c.Config.PortMappings, privatePort)
}

// TopReport is the result of ContainerTop: rows (the first is the
// header), or the raw output of ps run in the container.
type TopReport struct {
	Rows [][]string
	Raw  []byte
}

// ContainerTop lists a running container's processes. Descriptors
// (Podman's: user, pid, ppid, pcpu, etime, tty, time, args, ...) are read
// from /proc; other arguments are handed to ps run inside the container.
func (e *Engine) ContainerTop(ctx context.Context, idOrName string, args []string) (*TopReport, error) {
	var desc []string
	for _, a := range args {
		for _, d := range strings.Split(a, ",") {
			if d = strings.TrimSpace(d); d != "" {
				desc = append(desc, d)
			}
		}
	}
	if libpod.TopDescriptorsKnown(desc) {
		rows, err := e.rt.TopContainer(ctx, idOrName, desc)
		if err != nil {
			return nil, err
		}
		return &TopReport{Rows: rows}, nil
	}
	c, err := e.rt.InspectContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	if c.State.Status != define.StatusRunning {
		return nil, define.Errorf(define.ErrInvalidState, "top can only be used on running containers")
	}
	var out, errOut bytes.Buffer
	att := &libpod.ExecAttach{Streams: libpod.Streams{Stdout: &out, Stderr: &errOut}}
	res, err := e.rt.ExecContainer(ctx, c.ID(), libpod.ExecConfig{Command: append([]string{"ps"}, args...)}, att)
	if err != nil {
		return nil, fmt.Errorf("running ps in the container for descriptors %q: %w", strings.Join(args, " "), err)
	}
	if res.ExitCode != 0 {
		msg := strings.TrimSpace(errOut.String())
		return nil, define.Invalidf("ps in the container failed with descriptors %q (exit code %d): %s", strings.Join(args, " "), res.ExitCode, msg)
	}
	return &TopReport{Raw: out.Bytes()}, nil
}
