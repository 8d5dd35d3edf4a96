package engine

import (
	"context"
	"errors"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
)

// StatsRequest is `pm stats` and GET /containers/{id}/stats.
type StatsRequest struct {
	// Names are the containers to read; none means every running one, or
	// every one with All.
	Names []string
	All   bool
}

// Stats is the previous reading of each container, by ID, so that CPU
// percentages cover the time between two readings. The zero value is
// ready to use.
type Stats map[string]*define.ContainerStats

// ContainerStats reads the resource usage of the containers req selects.
// Named containers that are not running get a reading of zeros; a named
// container that does not exist is an error.
func (e *Engine) ContainerStats(ctx context.Context, req StatsRequest, prev Stats) ([]*define.ContainerStats, error) {
	var cs []*libpod.Container
	if len(req.Names) > 0 {
		for _, n := range req.Names {
			c, err := e.rt.InspectContainer(ctx, n)
			if err != nil {
				return nil, err
			}
			cs = append(cs, c)
		}
	} else {
		all, err := e.rt.Containers(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range all {
			c, err := e.rt.InspectContainer(ctx, c.ID())
			if errors.Is(err, define.ErrNoSuchCtr) {
				continue // removed meanwhile
			}
			if err != nil {
				return nil, err
			}
			if req.All || c.State.Status.Active() {
				cs = append(cs, c)
			}
		}
	}
	return e.sample(cs, prev)
}

func (e *Engine) sample(cs []*libpod.Container, prev Stats) ([]*define.ContainerStats, error) {
	out := make([]*define.ContainerStats, 0, len(cs))
	for _, c := range cs {
		s, err := e.rt.ContainerStats(c, prev[c.ID()])
		if err != nil {
			return nil, err
		}
		if prev != nil {
			prev[c.ID()] = s
		}
		out = append(out, s)
	}
	return out, nil
}

// PodStatsRequest is `pm pod stats`.
type PodStatsRequest struct {
	// Pods to read; none means every pod with a running container, or every
	// pod with All.
	Pods []string
	All  bool
}

// PodStatsEntry is the reading of one container of a pod.
type PodStatsEntry struct {
	PodID, PodName string
	*define.ContainerStats
}

// PodStats reads the resource usage of the containers of the pods req
// selects, infra first.
func (e *Engine) PodStats(ctx context.Context, req PodStatsRequest, prev Stats) ([]PodStatsEntry, error) {
	pods := req.Pods
	if len(pods) == 0 {
		all, err := e.rt.Pods(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range all {
			pods = append(pods, p.ID())
		}
	}
	var out []PodStatsEntry
	for _, name := range pods {
		p, members, err := e.podMembers(ctx, name)
		if errors.Is(err, define.ErrNoSuchPod) && len(req.Pods) == 0 {
			continue // removed meanwhile
		}
		if err != nil {
			return nil, err
		}
		var cs []*libpod.Container
		running := false
		for _, c := range members {
			c, err := e.rt.InspectContainer(ctx, c.ID())
			if errors.Is(err, define.ErrNoSuchCtr) {
				continue
			}
			if err != nil {
				return nil, err
			}
			running = running || c.State.Status.Active()
			cs = append(cs, c)
		}
		if len(req.Pods) == 0 && !req.All && !running {
			continue
		}
		stats, err := e.sample(cs, prev)
		if err != nil {
			return nil, err
		}
		for _, s := range stats {
			out = append(out, PodStatsEntry{PodID: p.ID(), PodName: p.Name(), ContainerStats: s})
		}
	}
	return out, nil
}
