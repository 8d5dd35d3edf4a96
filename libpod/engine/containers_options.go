package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

// portsDiscarded is Podman's warning for -p with a network mode that
// has no ports of its own.
const portsDiscarded = "Port mappings have been discarded as one of the Host, Container, Pod, and None network modes are in use"

// confDefaults fills what the user left unset from containers.conf's
// [containers] table: userns, dns_servers, dns_searches, dns_options, tz.
func (e *Engine) confDefaults(s *specgen.Spec) {
	c := e.rt.Config().Containers
	if s.UserNS == "" && len(s.UIDMaps) == 0 && len(s.GIDMaps) == 0 && s.Pod == "" && !s.PodInfra {
		if c.UserNS != "host" {
			s.UserNS = c.UserNS
		}
	}
	if len(s.Net.DNS) == 0 {
		s.Net.DNS = c.DNSServers
	}
	if len(s.Net.DNSSearch) == 0 {
		s.Net.DNSSearch = c.DNSSearches
	}
	if len(s.Net.DNSOptions) == 0 {
		s.Net.DNSOptions = c.DNSOptions
	}
	if s.Timezone == "" {
		s.Timezone = c.TZ
	}
	if s.IPC == "" && s.Pod == "" && !s.PodInfra && c.IPCNS != specgen.IPCShareable {
		s.IPC = c.IPCNS
	}
	if s.CgroupNS == "" {
		s.CgroupNS = c.CgroupNS
	}
}

// checkOptions checks what Validate cannot without the host: the time
// zone exists, the --hostuser accounts exist.
func checkOptions(s *specgen.Spec) error {
	if s.Timezone != "" && s.Timezone != "local" {
		if _, err := os.Stat("/usr/share/zoneinfo/" + s.Timezone); err != nil {
			return define.Invalidf("finding timezone: unknown time zone %s", s.Timezone)
		}
	}
	return nil
}

// discardPorts drops -p and -P with --network host, as Podman does,
// returning its warning.
func discardPorts(s *specgen.Spec) []string {
	if s.NetworkMode != "host" || (len(s.Net.Ports) == 0 && !s.Net.PublishAll) {
		return nil
	}
	s.Net.Ports, s.Net.PublishAll = nil, false
	return []string{portsDiscarded}
}

// replaceExisting removes, for --replace, the container already called
// s.Name; there being none is fine.
func (e *Engine) replaceExisting(ctx context.Context, s *specgen.Spec) error {
	if !s.Replace || s.Name == "" {
		return nil
	}
	c, err := e.rt.LookupContainer(ctx, s.Name)
	if errors.Is(err, define.ErrNoSuchCtr) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.Name() != s.Name {
		// s.Name matched another container's ID prefix, not its name.
		return nil
	}
	var zero uint
	if _, err := e.rt.RemoveContainer(ctx, c.ID(), true, &zero); err != nil && !errors.Is(err, define.ErrNoSuchCtr) {
		return fmt.Errorf("replacing container %s: %w", s.Name, err)
	}
	e.emitCtr(c, "remove", nil)
	return nil
}

// resolveIPC turns --ipc container:NAME into container:ID, refusing a
// container whose IPC namespace is not shareable.
func (e *Engine) resolveIPC(ctx context.Context, s *specgen.Spec) (string, error) {
	name, ok := strings.CutPrefix(s.IPC, "container:")
	if !ok {
		return s.IPC, nil
	}
	c, err := e.rt.LookupContainer(ctx, name)
	if err != nil {
		return "", fmt.Errorf("--ipc %s: %w", s.IPC, err)
	}
	if !specgen.IPCShared(c.Config.IPCMode) {
		return "", define.Invalidf("container %s is not allowed: non-shareable IPC (hint: use IpcMode:shareable for the donor container)", name)
	}
	return "container:" + c.ID(), nil
}

// resolveCgroupNS resolves --cgroupns container:NAME to container:ID; the
// other modes are returned as they are.
func (e *Engine) resolveCgroupNS(ctx context.Context, s *specgen.Spec) (string, error) {
	name, ok := strings.CutPrefix(s.CgroupNS, "container:")
	if !ok {
		return s.CgroupNS, nil
	}
	c, err := e.rt.LookupContainer(ctx, name)
	if err != nil {
		return "", fmt.Errorf("--cgroupns %s: %w", s.CgroupNS, err)
	}
	return "container:" + c.ID(), nil
}

// removeRunImage is run's --rmi: once the container is gone, its image
// is removed unless other containers use it, which is no error.
func (e *Engine) removeRunImage(ctx context.Context, id, img string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if _, err := e.rt.RemoveContainer(ctx, id, true, nil); err != nil && !errors.Is(err, define.ErrNoSuchCtr) {
		slog.Debug("removing container for --rmi", "container", id, "err", err)
	}
	e.rt.ForgetExit(id)
	if _, err := e.ImageRemove(ctx, ImageRemoveRequest{Names: []string{img}}); err != nil {
		slog.Debug("--rmi", "image", img, "err", err)
	}
}
