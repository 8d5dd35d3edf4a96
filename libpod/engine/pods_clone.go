package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

// PodCloneRequest says how PodClone copies a pod.
type PodCloneRequest struct {
	Name string // "" is ORIGINAL-clone (then -clone1, -clone2, ...)
	// Hostname, InfraName, InfraCommand and UserNS override the original
	// pod's (infra container's) when set; Labels are added to its labels.
	Hostname     *string
	InfraName    string
	InfraCommand []string
	UserNS       *string
	Labels       map[string]string
	Destroy      bool // remove the original pod and its containers
	Start        bool // start the new pod
}

// PodCloneReport is the result of PodClone.
type PodCloneReport struct {
	ID       string
	Warnings []string // for stderr
}

// PodClone creates a copy of a pod, its infra container and each of its
// other containers (each named CONTAINER-clone), from the requests they
// were made with. A failure before the copy is complete removes it.
func (e *Engine) PodClone(ctx context.Context, idOrName string, req PodCloneRequest) (*PodCloneReport, error) {
	rep, err := e.clonePod(ctx, idOrName, req)
	if err != nil || !req.Start {
		return rep, err
	}
	_, err = e.PodStart(ctx, rep.ID)
	return rep, err
}

// clonePod is PodClone but for --start.
func (e *Engine) clonePod(ctx context.Context, idOrName string, req PodCloneRequest) (_ *PodCloneReport, retErr error) {
	p, err := e.rt.LookupPod(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	members, err := e.rt.PodContainers(ctx, p.ID())
	if err != nil {
		return nil, err
	}
	ps := &specgen.PodSpec{
		Labels: maps.Clone(p.Config.Labels), Hostname: p.Config.Hostname, Infra: p.Config.CreateInfra,
		Share: p.Config.Share, ExitPolicy: p.Config.ExitPolicy,
	}
	if ps.Labels == nil {
		ps.Labels = map[string]string{}
	}
	maps.Copy(ps.Labels, req.Labels)
	var others []string
	for _, c := range members {
		if c.ID() != p.Config.InfraID {
			others = append(others, c.ID())
			continue
		}
		if len(c.Config.CreateSpec) == 0 {
			return nil, define.Errorf(define.ErrUnsupported, "pod %s was created by an earlier pm that did not keep its configuration: it cannot be cloned", p.Name())
		}
		var s specgen.Spec
		if err := json.Unmarshal(c.Config.CreateSpec, &s); err != nil {
			return nil, fmt.Errorf("decoding the configuration of infra container %s: %w", c.Name(), err)
		}
		ps.NetworkMode, ps.Net, ps.UserNS = s.NetworkMode, s.Net, s.UserNS
		if s.Image != PauseImage {
			ps.InfraImage = s.Image
		}
		ps.InfraCmd = s.Entrypoint
		if c.Name() != p.ID()[:12]+"-infra" {
			ps.InfraName = c.Name()
		}
	}
	// Each member can be cloned: refuse before anything is made.
	for _, id := range others {
		c, err := e.rt.LookupContainer(ctx, id)
		if err != nil {
			return nil, err
		}
		if _, err := cloneSpec(c); err != nil {
			return nil, err
		}
	}
	if req.Hostname != nil {
		ps.Hostname = *req.Hostname
	}
	if req.UserNS != nil {
		ps.UserNS = *req.UserNS
	}
	if req.InfraName != "" {
		ps.InfraName = req.InfraName
	} else if ps.InfraName != "" {
		// The original's own infra name is taken.
		if ps.InfraName, err = e.cloneName(ctx, ps.InfraName, "", false); err != nil {
			return nil, err
		}
	}
	if len(req.InfraCommand) > 0 {
		ps.InfraCmd = req.InfraCommand
	}
	if ps.Name, err = e.cloneName(ctx, p.Name(), req.Name, true); err != nil {
		return nil, err
	}
	id, err := e.PodCreate(ctx, ps)
	if err != nil {
		return nil, err
	}
	rep := &PodCloneReport{ID: id}
	defer func() {
		if retErr != nil {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			if _, err := e.PodRemove(cctx, id, true, nil); err != nil {
				slog.Warn("rolling back pod clone", "pod", id, "err", err)
			}
		}
	}()
	for _, c := range others {
		cr, err := e.cloneContainer(ctx, c, ContainerCloneRequest{Pod: id})
		if err != nil {
			return nil, err
		}
		rep.Warnings = append(rep.Warnings, cr.Warnings...)
	}
	if req.Destroy {
		if _, err := e.PodRemove(ctx, p.ID(), true, nil); err != nil {
			return nil, fmt.Errorf("removing the original pod %s: %w", p.Name(), err)
		}
	}
	return rep, nil
}
