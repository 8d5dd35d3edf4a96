package engine

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
)

// PodContainerSummary is one container in a pod ps row.
type PodContainerSummary struct {
	ID           string `json:"Id"`
	Names        string `json:"Names"`
	Status       string `json:"Status"`
	RestartCount uint   `json:"RestartCount"`
}

// PodSummary is one row of pod ps, in Podman's JSON shape.
type PodSummary struct {
	Cgroup     string                `json:"Cgroup"`
	Containers []PodContainerSummary `json:"Containers"`
	Created    time.Time             `json:"Created"`
	ID         string                `json:"Id"`
	InfraID    string                `json:"InfraId"`
	Name       string                `json:"Name"`
	Namespace  string                `json:"Namespace"`
	Networks   []string              `json:"Networks"`
	Status     string                `json:"Status"`
	Labels     map[string]string     `json:"Labels"`
}

// PodList lists pods matching every filter (id=, name=, label=, status=;
// several values of one key match any of them).
func (e *Engine) PodList(ctx context.Context, filters []string) ([]PodSummary, error) {
	byKey := map[string][]string{}
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		switch {
		case !ok:
			return nil, define.Invalidf("invalid --filter %q: use key=value", f)
		case k == "id" || k == "name" || k == "label" || k == "status":
		default:
			return nil, define.Invalidf("invalid --filter %q: unknown key %q: use id, name, label or status", f, k)
		}
		if k == "status" {
			switch strings.ToLower(v) {
			case "created", "running", "degraded", "exited", "stopped", "paused", "dead":
			default:
				return nil, define.Invalidf("invalid --filter %q: status must be created, running, degraded, exited, stopped, paused or dead", f)
			}
		}
		byKey[k] = append(byKey[k], v)
	}
	ps, err := e.rt.Pods(ctx)
	if err != nil {
		return nil, err
	}
	var out []PodSummary
	for _, p := range ps {
		cs, err := e.rt.PodContainers(ctx, p.ID())
		if err != nil {
			return nil, err
		}
		s := PodSummary{
			Created: p.Config.Created, ID: p.ID(), InfraID: p.Config.InfraID, Name: p.Name(),
			Status: libpod.PodStatus(cs), Labels: p.Config.Labels, Networks: []string{},
			Containers: []PodContainerSummary{},
		}
		for _, c := range cs {
			s.Containers = append(s.Containers, PodContainerSummary{ID: c.ID(), Names: c.Name(), Status: string(c.State.Status), RestartCount: c.State.RestartCount})
			if c.ID() == p.Config.InfraID {
				for n := range c.Config.Networks {
					s.Networks = append(s.Networks, n)
				}
			}
		}
		if podMatches(s, byKey) {
			out = append(out, s)
		}
	}
	return out, nil
}

func podMatches(s PodSummary, byKey map[string][]string) bool {
	for k, vs := range byKey {
		ok := false
		for _, v := range vs {
			switch k {
			case "id":
				ok = ok || strings.HasPrefix(s.ID, v)
			case "name":
				ok = ok || s.Name == v || strings.Contains(s.Name, v)
			case "status":
				ok = ok || strings.EqualFold(s.Status, v)
			case "label":
				lk, lv, has := strings.Cut(v, "=")
				got, present := s.Labels[lk]
				ok = ok || (present && (!has || got == lv))
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// PodInspect returns Podman's inspect data of a pod.
func (e *Engine) PodInspect(ctx context.Context, idOrName string) (*define.InspectPodData, error) {
	p, cs, err := e.podMembers(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	d := &define.InspectPodData{
		ID: p.ID(), Name: p.Name(), Created: p.Config.Created, CreateCommand: p.Config.CreateCommand,
		ExitPolicy: p.Config.ExitPolicy, State: libpod.PodStatus(cs), Hostname: p.Config.Hostname,
		Labels: p.Config.Labels, CreateInfra: p.Config.CreateInfra, InfraContainerID: p.Config.InfraID,
		SharedNamespaces: p.Config.Share, NumContainers: uint(len(cs)), Containers: []define.InspectPodContainer{},
	}
	if d.Labels == nil {
		d.Labels = map[string]string{}
	}
	for _, c := range cs {
		d.Containers = append(d.Containers, define.InspectPodContainer{ID: c.ID(), Name: c.Name(), State: string(c.State.Status)})
		if c.ID() != p.Config.InfraID {
			continue
		}
		ic := &define.InspectPodInfraConfig{
			PortBindings: map[string][]define.InspectHostPort{},
			HostNetwork:  c.Config.NetworkMode == "host",
			DNSServer:    c.Config.Names.DNS, DNSSearch: c.Config.Names.DNSSearch, DNSOption: c.Config.Names.DNSOptions,
			HostAdd: c.Config.Names.AddHosts, NoManageHosts: c.Config.Names.NoHosts,
		}
		for _, pm := range c.Config.PortMappings {
			for i := uint16(0); i < max(pm.Range, 1); i++ {
				key := strconv.Itoa(int(pm.ContainerPort+i)) + "/" + pm.Protocol
				ic.PortBindings[key] = append(ic.PortBindings[key], define.InspectHostPort{HostIP: pm.HostIP, HostPort: strconv.Itoa(int(pm.HostPort + i))})
			}
		}
		for n := range c.Config.Networks {
			ic.Networks = append(ic.Networks, n)
		}
		if kind, _ := libpod.NetworkKind(c.Config.NetworkMode); kind != "bridge" {
			ic.Networks = append(ic.Networks, kind)
		}
		d.InfraConfig = ic
		if d.Hostname == "" {
			d.Hostname = c.Config.Hostname
		}
	}
	return d, nil
}

// fillPodNames sets the PodName of the summaries of pod members.
func (e *Engine) fillPodNames(ctx context.Context, list []ContainerSummary) {
	var names map[string]string
	for i := range list {
		if list[i].Pod == "" {
			continue
		}
		if names == nil {
			names = map[string]string{}
			ps, err := e.rt.Pods(ctx)
			if err != nil {
				return
			}
			for _, p := range ps {
				names[p.ID()] = p.Name()
			}
		}
		list[i].PodName = names[list[i].Pod]
	}
}
