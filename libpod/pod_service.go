package libpod

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"syscall"

	"github.com/pm-project/pm/libpod/define"
)

// The service container of a kube play (kube play --service-container)
// stands for the whole play under systemd: it runs while any of the
// play's pods runs, its conmon being the unit's main process. Its pods
// name it in their ServiceContainer; it is stopped once all their
// containers have exited, removed with the last of them, and cannot be
// removed while they exist.

// servicePods are the pods whose service container is id.
func (r *Runtime) servicePods(ctx context.Context, id string) ([]*Pod, error) {
	all, err := r.Pods(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Pod
	for _, p := range all {
		if p.Config.ServiceContainer == id {
			out = append(out, p)
		}
	}
	return out, nil
}

// refuseServiceRemoval refuses to remove the service container of pods
// that exist: removing the pods removes it.
func (r *Runtime) refuseServiceRemoval(ctx context.Context, c *Container) error {
	if !c.Config.IsService {
		return nil
	}
	pods, err := r.servicePods(ctx, c.ID())
	if err != nil || len(pods) == 0 {
		return err
	}
	ids := make([]string, len(pods))
	for i, p := range pods {
		ids[i] = p.ID()
	}
	return define.Errorf(define.ErrInvalidState, "container %s is the service container of pod(s) %s and cannot be removed without removing the pod(s)", c.ID(), strings.Join(ids, ","))
}

// afterServiceMemberExit stops the service container of c's pod once no
// container of its pods (infra containers aside) runs. Per the service's
// exit code propagation it is killed (exit code 137) rather than stopped
// (exit code 0) when any, or all, of those containers failed. The caller
// holds no lock.
func (r *Runtime) afterServiceMemberExit(ctx context.Context, c *Container) {
	if c.Pod == "" {
		return
	}
	p, err := r.LookupPod(ctx, c.Pod)
	if err != nil || p.Config.ServiceContainer == "" || p.Config.InfraID == c.ID() {
		return
	}
	svc, err := r.LookupContainer(ctx, p.Config.ServiceContainer)
	if err != nil || !svc.State.Status.Active() {
		return
	}
	pods, err := r.servicePods(ctx, svc.ID())
	if err != nil {
		return
	}
	total, failed := 0, 0
	for _, sp := range pods {
		ctrs, err := r.PodContainers(ctx, sp.ID())
		if err != nil {
			return
		}
		for _, m := range ctrs {
			if m.ID() == sp.Config.InfraID {
				continue
			}
			if m.State.Status.Active() {
				return
			}
			total++
			if m.State.ExitCode != 0 {
				failed++
			}
		}
	}
	sig := syscall.SIGINT // catatonit exits 0 on it
	switch svc.Config.ServiceExitCodePropagation {
	case "any":
		if failed > 0 {
			sig = syscall.SIGKILL
		}
	case "all":
		if total > 0 && failed == total {
			sig = syscall.SIGKILL
		}
	}
	if _, err := r.KillContainer(ctx, svc.ID(), sig); err != nil && !errors.Is(err, define.ErrInvalidState) {
		slog.Warn("stopping the service container", "container", svc.ID(), "err", err)
	}
}

// afterServicePodRemoved removes service container id once no pod names
// it any more.
func (r *Runtime) afterServicePodRemoved(ctx context.Context, id string) {
	if id == "" {
		return
	}
	pods, err := r.servicePods(ctx, id)
	if err != nil || len(pods) > 0 {
		return
	}
	zero := uint(0)
	if _, err := r.RemoveContainer(ctx, id, true, &zero); err != nil && !errors.Is(err, define.ErrNoSuchCtr) {
		slog.Warn("removing the service container", "container", id, "err", err)
	}
}
