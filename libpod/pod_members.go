package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/define"
)

// podNamespaceTypes maps --share names to OCI namespace types and the
// names of their files in /proc/PID/ns. net is joined through the infra
// container's network namespace file, set at create.
var podNamespaceTypes = map[string]struct {
	typ  specs.LinuxNamespaceType
	file string
}{
	"ipc":    {specs.IPCNamespace, "ipc"},
	"uts":    {specs.UTSNamespace, "uts"},
	"pid":    {specs.PIDNamespace, "pid"},
	"cgroup": {specs.CgroupNamespace, "cgroup"},
}

// infraOf returns the pod of c and its infra container; p is nil when c
// is in no pod, infra nil when the pod has none.
func (r *Runtime) infraOf(ctx context.Context, c *Container) (p *Pod, infra *Container, err error) {
	if c.Pod == "" {
		return nil, nil, nil
	}
	p, err = r.LookupPod(ctx, c.Pod)
	if err != nil {
		return nil, nil, err
	}
	if p.Config.InfraID == "" || p.Config.InfraID == c.ID() {
		return p, nil, nil
	}
	infra, err = r.getContainer(ctx, p.Config.InfraID)
	if err != nil {
		return nil, nil, fmt.Errorf("infra container of pod %s: %w", p.Name(), err)
	}
	return p, infra, nil
}

// startPodInfra starts the infra container of c's pod, so that c can join
// its namespaces. It takes (and releases) the infra container's lock, so
// the caller must not hold any container lock.
func (r *Runtime) startPodInfra(ctx context.Context, c *Container, opts StartOptions) error {
	_, infra, err := r.infraOf(ctx, c)
	if err != nil || infra == nil {
		return err
	}
	if _, err := r.StartContainer(ctx, infra.ID(), StartOptions{LogLevel: opts.LogLevel}); err != nil {
		return fmt.Errorf("starting infra container of pod: %w", err)
	}
	return nil
}

// joinNamespaces points c's OCI spec (in memory, for the bundle about to
// be written) at the namespaces of its pod's running infra container, at
// the IPC namespace of its donor (ipcDonor), at the cgroup namespace of
// --cgroupns container:ID and at the PID namespace of --pid container:ID,
// decoding the spec once. The caller holds c's lock.
func (r *Runtime) joinNamespaces(ctx context.Context, c *Container) error {
	p, infra, err := r.infraOf(ctx, c)
	if err != nil {
		return err
	}
	donor, err := r.ipcDonor(ctx, c, p, infra)
	if err != nil {
		return err
	}
	var cgroupDonor *Container
	if id, ok := strings.CutPrefix(c.Config.CgroupNSMode, "container:"); ok {
		if cgroupDonor, err = r.getContainer(ctx, id); err != nil {
			return fmt.Errorf("container %s, whose cgroup namespace %s joins: %w", id, c.Name(), err)
		}
		if cgroupDonor.State.Status != define.StatusRunning || cgroupDonor.State.Pid == 0 {
			return define.Errorf(define.ErrInvalidState, "container %s, whose cgroup namespace %s joins, is not running", cgroupDonor.Name(), c.Name())
		}
	}
	pidDonor, err := r.pidDonor(ctx, c)
	if err != nil {
		return err
	}
	if infra == nil && donor == nil && cgroupDonor == nil && pidDonor == nil {
		return nil
	}
	var sp specs.Spec
	if err := json.Unmarshal(c.Config.Spec, &sp); err != nil {
		return fmt.Errorf("decoding OCI spec of %s: %w", c.ID(), err)
	}
	if sp.Linux == nil {
		sp.Linux = &specs.Linux{}
	}
	if infra != nil {
		if infra.State.Status != define.StatusRunning || infra.State.Pid == 0 {
			return define.Errorf(define.ErrInvalidState, "infra container of pod %s is not running", p.Name())
		}
		for _, share := range p.Config.Share {
			ns, ok := podNamespaceTypes[share]
			if !ok {
				continue
			}
			if k, _ := NetworkKind(infra.Config.NetworkMode); share == "net" && k == "host" {
				// The members are on the host's network, as the infra
				// container is: there is no namespace to join.
				continue
			}
			setNamespace(&sp, ns.typ, "/proc/"+strconv.Itoa(infra.State.Pid)+"/ns/"+ns.file)
			if share == "uts" {
				sp.Hostname = infra.Config.Hostname
			}
		}
	}
	if donor != nil {
		if err := r.joinIPC(&sp, c, donor); err != nil {
			return err
		}
	}
	if cgroupDonor != nil {
		setNamespace(&sp, specs.CgroupNamespace, "/proc/"+strconv.Itoa(cgroupDonor.State.Pid)+"/ns/cgroup")
	}
	if pidDonor != nil {
		if pidDonor.State.Status != define.StatusRunning || pidDonor.State.Pid == 0 {
			return define.Errorf(define.ErrInvalidState, "container %s, whose PID namespace %s joins, is not running", pidDonor.Name(), c.Name())
		}
		setNamespace(&sp, specs.PIDNamespace, "/proc/"+strconv.Itoa(pidDonor.State.Pid)+"/ns/pid")
	}
	b, err := json.Marshal(&sp)
	if err != nil {
		return fmt.Errorf("encoding OCI spec of %s: %w", c.ID(), err)
	}
	c.Config.Spec = b
	return nil
}

// setNamespace has sp join the namespace of type typ at path.
func setNamespace(sp *specs.Spec, typ specs.LinuxNamespaceType, path string) {
	for i := range sp.Linux.Namespaces {
		if sp.Linux.Namespaces[i].Type == typ {
			sp.Linux.Namespaces[i].Path = path
			return
		}
	}
	sp.Linux.Namespaces = append(sp.Linux.Namespaces, specs.LinuxNamespace{Type: typ, Path: path})
}

// refuseInfraRemoval refuses to remove c alone when it is the infra
// container of an existing pod: pod rm removes it.
func (r *Runtime) refuseInfraRemoval(ctx context.Context, c *Container) error {
	if c.Pod == "" {
		return nil
	}
	p, err := r.LookupPod(ctx, c.Pod)
	if errors.Is(err, define.ErrNoSuchPod) {
		return nil
	}
	if err != nil {
		return err
	}
	if p.Config.InfraID == c.ID() {
		return define.Errorf(define.ErrInvalidState, "container %s is the infra container of pod %s and cannot be removed without removing the pod", c.ID(), p.Name())
	}
	return nil
}

// afterMemberExit applies the exit policy of c's pod once c has exited:
// with stop, the infra container is stopped when no other member runs.
// The caller holds no lock.
func (r *Runtime) afterMemberExit(ctx context.Context, c *Container) {
	if c.Pod == "" {
		return
	}
	p, err := r.LookupPod(ctx, c.Pod)
	if err != nil || p.Config.ExitPolicy != "stop" || p.Config.InfraID == "" || p.Config.InfraID == c.ID() {
		return
	}
	ctrs, err := r.PodContainers(ctx, p.ID())
	if err != nil {
		return
	}
	for _, m := range ctrs {
		if m.ID() != p.Config.InfraID && m.State.Status.Active() {
			return
		}
	}
	if _, err := r.StopContainer(ctx, p.Config.InfraID, nil); err != nil {
		slog.Warn("stopping pod per its exit policy", "pod", p.ID(), "err", err)
	}
}

// RemovePod removes a pod: its members, then its infra container, then
// the pod. Without force, a pod with running members is refused; its
// infra container alone running is no reason (it is stopped), as in Podman.
func (r *Runtime) RemovePod(ctx context.Context, idOrName string, force bool, timeout *uint) (*Pod, error) {
	p, err := r.LookupPod(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	l, err := r.lockPod(ctx, p.ID())
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	if p, err = r.LookupPod(ctx, p.ID()); err != nil {
		return nil, err
	}
	ctrs, err := r.PodContainers(ctx, p.ID())
	if err != nil {
		return p, err
	}
	if !force {
		for _, c := range ctrs {
			if c.ID() != p.Config.InfraID && c.State.Status.Active() && !r.observe(c) {
				return p, define.Errorf(define.ErrInvalidState, "pod %s has running containers: stop them or use --force", p.Name())
			}
		}
	}
	var infra *Container
	for _, c := range ctrs {
		if c.ID() == p.Config.InfraID {
			infra = c
			continue
		}
		if err := r.removeMember(ctx, c.ID(), timeout); err != nil {
			return p, err
		}
	}
	if infra != nil {
		if err := r.removeMember(ctx, infra.ID(), timeout); err != nil {
			return p, err
		}
	}
	if err := r.removePodRecord(ctx, p.ID()); err != nil {
		return p, err
	}
	if err := l.Remove(); err != nil {
		slog.Debug("removing pod lock", "pod", p.ID(), "err", err)
	}
	r.afterServicePodRemoved(ctx, p.Config.ServiceContainer)
	return p, nil
}

// removeMember stops (after timeout seconds, default 10) and removes one
// container of a pod being removed.
func (r *Runtime) removeMember(ctx context.Context, id string, timeout *uint) error {
	c, l, err := r.lockContainer(ctx, id)
	if errors.Is(err, define.ErrNoSuchCtr) {
		return nil
	}
	if err != nil {
		return err
	}
	r.syncLocked(ctx, c)
	if c.State.Status.Active() {
		t := c.Config.StopTimeout
		if timeout != nil {
			t = *timeout
		}
		if err := r.stopLocked(ctx, c, t); err != nil {
			slog.Warn("stopping container before removal", "container", c.ID(), "err", err)
		}
	}
	return r.removeLocked(ctx, c, l)
}

// sharedResolv is c's resolv.conf. A container that joins another's
// network namespace (a pod's member) and sets no DNS of its own gets that
// container's file, as in Podman: the pod's --dns, --dns-search and
// --dns-option reach its members. owner is hostsOwner(c).
func (r *Runtime) sharedResolv(c *Container, owner *Container) []byte {
	n := c.Config.Names
	if len(n.DNS)+len(n.DNSSearch)+len(n.DNSOptions) > 0 {
		return resolvFor(c)
	}
	if owner == nil {
		return resolvFor(c)
	}
	b, err := os.ReadFile(filepath.Join(r.bundleDir(owner.ID()), "resolv.conf"))
	if err != nil {
		return resolvFor(c)
	}
	return b
}
