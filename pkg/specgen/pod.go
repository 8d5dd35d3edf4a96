package specgen

import (
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// PodSpec is what the user asked for when creating a pod.
type PodSpec struct {
	Name       string // "" means a generated name
	Labels     map[string]string
	Hostname   string
	Infra      bool     // default true
	InfraImage string   // "" means pm's pause image, built locally
	InfraCmd   []string // "" means catatonit -P
	InfraName  string   // "" means <short ID>-infra
	// Share are the namespaces shared with the infra container.
	Share      []string
	ExitPolicy string // continue (default) or stop
	Replace    bool
	// PodIDFile is --pod-id-file: an absolute path, written with the pod's
	// ID; it must not exist. "" means none.
	PodIDFile string
	// ServiceContainer is the ID of kube play's service container of the
	// pod (--service-container), "" for none.
	ServiceContainer string
	// InfraConmonPidFile is --infra-conmon-pidfile: where the infra
	// container's conmon writes its pid. "" means none.
	InfraConmonPidFile string
	// NetworkMode, Net and UserNS are the infra container's.
	NetworkMode   string
	Net           Network
	UserNS        string
	CreateCommand []string
}

// podShares are the namespaces --share accepts.
var podShares = map[string]bool{"net": true, "ipc": true, "uts": true, "pid": true, "cgroup": true}

// ParseShare parses --share: a comma-separated list of namespaces; "none"
// or "" is none. A leading "+" adds to the default net,ipc,uts.
func ParseShare(s string) ([]string, error) {
	var out []string
	if strings.HasPrefix(s, "+") {
		out = []string{"net", "ipc", "uts"}
		s = s[1:]
	}
	if s == "" || s == "none" {
		return out, nil
	}
	for _, ns := range strings.Split(s, ",") {
		ns = strings.TrimSpace(ns)
		if !podShares[ns] {
			return nil, invalidShare(ns)
		}
		dup := false
		for _, o := range out {
			dup = dup || o == ns
		}
		if !dup {
			out = append(out, ns)
		}
	}
	return out, nil
}

// invalidShare is the error for a --share namespace pm does not know, in
// Podman's words.
func invalidShare(ns string) error {
	return define.Invalidf("invalid kernel namespace to share: %s. Options are: cgroup, ipc, net, pid, uts or none", ns)
}

// Validate checks a pod request before anything is made.
func (p *PodSpec) Validate() error {
	if p.Name != "" {
		if err := ValidName(p.Name); err != nil {
			return err
		}
	}
	switch p.ExitPolicy {
	case "", "continue", "stop":
	default:
		// Podman's words.
		return define.Invalidf("running pod create option: invalid pod exit policy: %q", p.ExitPolicy)
	}
	for _, ns := range p.Share {
		if !podShares[ns] {
			return invalidShare(ns)
		}
	}
	if !p.Infra {
		switch {
		case len(p.Share) > 0:
			return define.Invalidf("you must have an infra container to share namespaces: use --share none or --infra")
		case p.InfraImage != "" || len(p.InfraCmd) > 0 || p.InfraName != "":
			return define.Invalidf("--infra-image, --infra-command and --infra-name need an infra container")
		case len(p.Net.Ports) > 0 || p.NetworkMode != "":
			return define.Invalidf("you must have an infra container to publish ports or set a network")
		}
	}
	if p.Infra {
		s := Spec{Image: "infra", NetworkMode: p.NetworkMode, Net: p.Net, Hostname: p.Hostname}
		if err := s.validateNetwork(); err != nil {
			return err
		}
	}
	return nil
}
