package engine

import (
	"context"
	"errors"
	"strings"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
)

// ContainerDependents returns the IDs of the containers that depend on
// idOrName (they joined its network namespace), deepest first, so that
// removing them in order never removes a container before its dependents.
func (e *Engine) ContainerDependents(ctx context.Context, idOrName string) ([]string, error) {
	c, err := e.rt.LookupContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	// Walked along the index of who joined whom: one lookup per
	// container reached, not a read of every container.
	var out []string
	seen := map[string]bool{c.ID(): true}
	var visit func(id string) error
	visit = func(id string) error {
		users, err := e.rt.ContainersJoining(ctx, id)
		if err != nil {
			return err
		}
		for _, o := range users {
			// A pod's members share its infra container's namespaces;
			// the pod rules (pod rm) govern those, not --depend.
			if seen[o.ID()] || (o.Config.Pod != "" && o.Config.Pod == c.Config.Pod) {
				continue
			}
			seen[o.ID()] = true
			if err := visit(o.ID()); err != nil {
				return err
			}
			out = append(out, o.ID())
		}
		return nil
	}
	if err := visit(c.ID()); err != nil {
		return nil, err
	}
	return out, nil
}

// ContainerRemoveChecked removes a container as ContainerRemove does, but
// refuses one that other containers depend on unless depend is set, in
// which case those are removed first. The members of a pod depend on its
// infra container: with depend, removing it removes the whole pod. It
// returns the IDs removed before the container itself.
func (e *Engine) ContainerRemoveChecked(ctx context.Context, idOrName string, force, depend, volumes bool, timeout *uint) ([]string, error) {
	deps, err := e.ContainerDependents(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	var pod *libpod.Pod
	if depend {
		if pod, err = e.infraPodOf(ctx, idOrName); err != nil {
			return nil, err
		}
	}
	if len(deps) > 0 && !depend {
		return nil, define.Errorf(define.ErrConflict, "container %s has dependent containers which must be removed before it: %s (use --depend)", idOrName, strings.Join(deps, ", "))
	}
	remove := e.ContainerRemove
	if volumes {
		remove = e.ContainerRemoveWithVolumes
	}
	var removed []string
	for _, d := range deps {
		if _, err := remove(ctx, d, force, timeout); err != nil {
			return removed, err
		}
		removed = append(removed, d)
	}
	if pod != nil {
		members, err := e.removePodOfInfra(ctx, pod, force, timeout)
		return append(removed, members...), err
	}
	_, err = remove(ctx, idOrName, force, timeout)
	return removed, err
}

// ContainerPodOf returns the ID of the pod idOrName belongs to ("" for
// none) and whether it is that pod's infra container.
func (e *Engine) ContainerPodOf(ctx context.Context, idOrName string) (pod string, infra bool, err error) {
	c, err := e.rt.LookupContainer(ctx, idOrName)
	if err != nil || c.Config.Pod == "" {
		return "", false, err
	}
	p, err := e.rt.LookupPod(ctx, c.Config.Pod)
	if errors.Is(err, define.ErrNoSuchPod) {
		return c.Config.Pod, false, nil
	}
	if err != nil {
		return "", false, err
	}
	return p.ID(), p.Config.InfraID == c.ID(), nil
}

// infraPodOf returns the pod whose infra container idOrName is, or nil.
func (e *Engine) infraPodOf(ctx context.Context, idOrName string) (*libpod.Pod, error) {
	c, err := e.rt.LookupContainer(ctx, idOrName)
	if err != nil || c.Config.Pod == "" {
		return nil, err
	}
	pod, err := e.rt.LookupPod(ctx, c.Config.Pod)
	if errors.Is(err, define.ErrNoSuchPod) {
		return nil, nil
	}
	if err != nil || pod.Config.InfraID != c.ID() {
		return nil, err
	}
	return pod, nil
}

// removePodOfInfra removes pod for rm --depend of its infra container,
// returning the IDs of the members removed besides the infra container.
func (e *Engine) removePodOfInfra(ctx context.Context, pod *libpod.Pod, force bool, timeout *uint) ([]string, error) {
	cs, err := e.rt.PodContainers(ctx, pod.ID())
	if err != nil {
		return nil, err
	}
	if _, err := e.PodRemove(ctx, pod.ID(), force, timeout); err != nil {
		return nil, err
	}
	var out []string
	for _, c := range cs {
		if c.ID() != pod.Config.InfraID {
			out = append(out, c.ID())
		}
	}
	return out, nil
}

// ContainerLevels orders names for a verb that works on many containers
// side by side (rm, stop, kill): level i runs after level i-1 is done,
// the containers of one level in parallel. A container's level is above
// that of every container in names that depends on it (joined its network
// namespace), so that dependents go first, as removing them in names'
// order would. A name that matches no container is at level 0; the verb
// reports it.
func (e *Engine) ContainerLevels(ctx context.Context, names []string) ([]int, error) {
	levels := make([]int, len(names))
	if len(names) < 2 {
		return levels, nil
	}
	joiners, err := e.rt.ContainersJoiningNetNS(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(names))
	byID := map[string]*libpod.Container{} // the containers in names
	for i, n := range names {
		c, err := e.rt.LookupContainer(ctx, n)
		if err != nil {
			continue
		}
		ids[i] = c.ID()
		byID[c.ID()] = c
	}
	// Only the levels of containers in names are asked for, so only
	// dependencies between two of them count.
	users := map[string][]string{} // id -> ids in names that depend on it
	for _, o := range joiners {
		dep, ok := strings.CutPrefix(o.Config.NetworkMode, "container:")
		if !ok || byID[o.ID()] == nil {
			continue
		}
		// Pod members follow the pod rules (ContainerDependents).
		if d, found := byID[dep]; found && o.Config.Pod != "" && o.Config.Pod == d.Config.Pod {
			continue
		}
		users[dep] = append(users[dep], o.ID())
	}
	memo := map[string]int{}
	var level func(id string, depth int) int
	level = func(id string, depth int) int {
		if l, ok := memo[id]; ok {
			return l
		}
		l := 0
		if depth <= len(names) { // a cycle cannot be made; bound it anyway
			for _, u := range users[id] {
				if ul := level(u, depth+1) + 1; ul > l {
					l = ul
				}
			}
		}
		memo[id] = l
		return l
	}
	for i, id := range ids {
		if id != "" {
			levels[i] = level(id, 0)
		}
	}
	return levels, nil
}
