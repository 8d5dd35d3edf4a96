package engine

import (
	"context"
	"io"

	"github.com/pm-project/pm/libpod/define"
)

// PodLogs prints the logs of a pod's containers, each line prefixed with
// its container's name; with container, only that member's.
func (e *Engine) PodLogs(ctx context.Context, idOrName, container string, req LogsRequest, stdout, stderr io.Writer) error {
	p, cs, err := e.podMembers(ctx, idOrName)
	if err != nil {
		return err
	}
	var names []string
	for _, c := range cs {
		if container == "" || container == c.Name() || container == c.ID() || (len(container) >= 3 && len(container) < len(c.ID()) && c.ID()[:len(container)] == container) {
			names = append(names, c.ID())
		}
	}
	if container != "" && len(names) == 0 {
		return define.Errorf(define.ErrNoSuchCtr, "container %s is not in pod %s", container, p.Name())
	}
	req.Names = true
	return e.ContainerLogs(ctx, names, req, stdout, stderr)
}

// PodTop lists the processes of a pod's running containers: one header,
// then every container's rows.
func (e *Engine) PodTop(ctx context.Context, idOrName string, args []string) (*TopReport, error) {
	p, cs, err := e.podMembers(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	rep := &TopReport{}
	for _, c := range cs {
		if c.State.Status != define.StatusRunning {
			continue
		}
		r, err := e.ContainerTop(ctx, c.ID(), args)
		if err != nil {
			return nil, err
		}
		if r.Rows == nil {
			rep.Raw = append(rep.Raw, r.Raw...)
			continue
		}
		if len(rep.Rows) == 0 {
			rep.Rows = append(rep.Rows, r.Rows[0])
		}
		if len(r.Rows) > 1 {
			rep.Rows = append(rep.Rows, r.Rows[1:]...)
		}
	}
	if len(rep.Rows) == 0 && len(rep.Raw) == 0 {
		return nil, define.Errorf(define.ErrInvalidState, "no containers in pod %s are running", p.Name())
	}
	if len(rep.Raw) > 0 {
		rep.Rows = nil
	}
	return rep, nil
}
