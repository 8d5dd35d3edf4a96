package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/systemd"
)

// GenerateSystemd writes the systemd units that run the container or pod
// nameOrID: one for a container; for a pod, the pod's unit then one per
// member container (its infra container runs within the pod's unit).
func (e *Engine) GenerateSystemd(ctx context.Context, nameOrID string, o systemd.Options) ([]systemd.Unit, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding the pm binary: %w", err)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	ctr, cerr := e.rt.InspectContainerData(ctx, nameOrID, false)
	if cerr == nil {
		warnRestartPolicy(ctr, &o)
		if ctr.Pod != "" && !o.New {
			// A member is started by its pod's unit: its own unit is
			// bound to the pod's, as in the pod's units.
			if pod, err := e.PodInspect(ctx, ctr.Pod); err == nil {
				if ctr.ID == pod.InfraContainerID {
					return nil, define.Invalidf("%s is the infra container of pod %s: generate the units of the pod", nameOrID, pod.Name)
				}
				unit, err := systemd.ContainerUnit(e.systemdContainer(ctr, exe), podUnitName(pod, &o), o)
				if err != nil {
					return nil, err
				}
				return []systemd.Unit{unit}, nil
			}
		}
		unit, err := systemd.ContainerUnit(e.systemdContainer(ctr, exe), "", o)
		if err != nil {
			return nil, err
		}
		return []systemd.Unit{unit}, nil
	}
	if !errors.Is(cerr, define.ErrNoSuchCtr) {
		return nil, cerr
	}
	pod, err := e.PodInspect(ctx, nameOrID)
	if errors.Is(err, define.ErrNoSuchPod) {
		return nil, define.Errorf(define.ErrNotFound, "%s does not refer to a container or pod: no such container or pod", nameOrID)
	}
	if err != nil {
		return nil, err
	}
	if pod.InfraContainerID == "" {
		return nil, define.Invalidf("pod %s has no infra container: the units of a pod need one", pod.Name)
	}
	var infra systemd.Container
	var members []systemd.Container
	for _, m := range pod.Containers {
		d, err := e.rt.InspectContainerData(ctx, m.ID, false)
		if err != nil {
			return nil, err
		}
		if m.ID != pod.InfraContainerID {
			warnRestartPolicy(d, &o)
		}
		c := e.systemdContainer(d, exe)
		if m.ID == pod.InfraContainerID {
			infra = c
			continue
		}
		members = append(members, c)
	}
	return systemd.PodUnits(systemd.Pod{ID: pod.ID, Name: pod.Name, Infra: infra, CreateCommand: pod.CreateCommand}, members, o)
}

// warnRestartPolicy warns, as Podman does, that a unit starting an
// existing container that has a restart policy of its own may fight with
// systemd over it at shutdown; a --new unit takes the policy over as its
// Restart= instead.
func warnRestartPolicy(d *define.InspectContainerData, o *systemd.Options) {
	if o.New || d.HostConfig == nil || d.HostConfig.RestartPolicy == nil {
		return
	}
	if p := d.HostConfig.RestartPolicy.Name; p != "" && p != "no" {
		slog.Warn(fmt.Sprintf("Container %s has restart policy %q which can lead to issues on shutdown (pm and systemd both restart it): recreate it without one and use the unit's Restart=, or generate a --new unit", d.ID, p))
	}
}

// podUnitName is the unit name of pod, as PodUnits writes it.
func podUnitName(pod *define.InspectPodData, o *systemd.Options) string {
	ident := pod.ID
	if o.UseName {
		ident = pod.Name
	}
	return o.PodPrefix + o.Separator + ident + ".service"
}

func (e *Engine) systemdContainer(d *define.InspectContainerData, exe string) systemd.Container {
	c := systemd.Container{
		ID: d.ID, Name: d.Name, Executable: exe,
		PIDFile: d.ConmonPidFile, RunRoot: e.rt.Config().Storage.RunRoot,
	}
	if d.Config != nil {
		c.CreateCommand = d.Config.CreateCommand
		c.StopTimeout = d.Config.StopTimeout
	}
	return c
}
