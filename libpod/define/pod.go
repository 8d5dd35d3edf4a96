package define

import "time"

// Pod statuses, derived from the statuses of a pod's containers as Podman
// derives them.
const (
	PodStateCreated  = "Created"
	PodStateRunning  = "Running"
	PodStateDegraded = "Degraded"
	PodStateExited   = "Exited"
	PodStateStopped  = "Stopped"
	PodStatePaused   = "Paused"
	PodStateErrored  = "Error"
)

// PodConfig is a pod's configuration, fixed at create (InfraID is set
// once the infra container exists).
type PodConfig struct {
	ID            string
	Name          string
	Created       time.Time
	Labels        map[string]string `json:",omitempty"`
	Hostname      string            `json:",omitempty"`
	CreateCommand []string          `json:",omitempty"`
	// Share are the namespaces members join from the infra container:
	// net, ipc, uts, pid, cgroup (default net, ipc, uts).
	Share []string
	// ExitPolicy is continue (default) or stop: stop the infra container
	// once the last other member has exited.
	ExitPolicy  string
	CreateInfra bool
	InfraID     string `json:",omitempty"`
	// InfraNetwork is the infra container's network mode, for inspect.
	InfraNetwork string `json:",omitempty"`
	// ServiceContainer is the ID of the service container of the kube
	// play that made the pod (kube play --service-container), "" for
	// none: it runs while any pod of the play runs.
	ServiceContainer string `json:",omitempty"`
}

// Shares reports whether the pod's members share namespace ns.
func (c *PodConfig) Shares(ns string) bool {
	if !c.CreateInfra {
		return false
	}
	for _, s := range c.Share {
		if s == ns {
			return true
		}
	}
	return false
}

// PodStatusOf derives a pod's status from its containers' statuses.
func PodStatusOf(statuses []ContainerStatus) string {
	if len(statuses) == 0 {
		return PodStateCreated
	}
	var running, paused, stopped, created, errored int
	for _, s := range statuses {
		switch s {
		case StatusExited, StatusStopped:
			stopped++
		case StatusRunning, StatusStopping:
			running++
		case StatusPaused:
			paused++
		case StatusCreated, StatusConfigured:
			created++
		default:
			errored++
		}
	}
	n := len(statuses)
	switch {
	case running > 0 && (paused > 0 || stopped > 0 || errored > 0 || created > 0):
		return PodStateDegraded
	case running > 0:
		return PodStateRunning
	case paused == n:
		return PodStatePaused
	case stopped == n:
		return PodStateExited
	case stopped > 0:
		return PodStateStopped
	case errored > 0:
		return PodStateErrored
	}
	return PodStateCreated
}

// InspectPodContainer is one member in pod inspect.
type InspectPodContainer struct {
	ID    string `json:"Id"`
	Name  string `json:"Name"`
	State string `json:"State"`
}

// InspectPodInfraConfig is the infra container's configuration in pod
// inspect.
type InspectPodInfraConfig struct {
	PortBindings       map[string][]InspectHostPort `json:"PortBindings"`
	HostNetwork        bool                         `json:"HostNetwork"`
	StaticIP           string                       `json:"StaticIP"`
	StaticMAC          string                       `json:"StaticMAC"`
	NoManageResolvConf bool                         `json:"NoManageResolvConf"`
	DNSServer          []string                     `json:"DNSServer,omitempty"`
	DNSSearch          []string                     `json:"DNSSearch,omitempty"`
	DNSOption          []string                     `json:"DNSOption,omitempty"`
	NoManageHosts      bool                         `json:"NoManageHosts"`
	HostAdd            []string                     `json:"HostAdd,omitempty"`
	Networks           []string                     `json:"Networks,omitempty"`
	NetworkOptions     map[string][]string          `json:"NetworkOptions,omitempty"`
	PidNS              string                       `json:"pid_ns,omitempty"`
	UserNS             string                       `json:"userns,omitempty"`
	UtsNS              string                       `json:"uts_ns,omitempty"`
}

// InspectHostPort is one host side of a published port.
type InspectHostPort struct {
	HostIP   string `json:"HostIp"`
	HostPort string `json:"HostPort"`
}

// InspectPodData is pod inspect's JSON, as Podman's.
type InspectPodData struct {
	ID               string                 `json:"Id"`
	Name             string                 `json:"Name"`
	Namespace        string                 `json:"Namespace"`
	Created          time.Time              `json:"Created"`
	CreateCommand    []string               `json:"CreateCommand,omitempty"`
	ExitPolicy       string                 `json:"ExitPolicy"`
	State            string                 `json:"State"`
	Hostname         string                 `json:"Hostname"`
	Labels           map[string]string      `json:"Labels,omitempty"`
	CreateCgroup     bool                   `json:"CreateCgroup"`
	CgroupParent     string                 `json:"CgroupParent,omitempty"`
	CgroupPath       string                 `json:"CgroupPath,omitempty"`
	CreateInfra      bool                   `json:"CreateInfra"`
	InfraContainerID string                 `json:"InfraContainerID,omitempty"`
	InfraConfig      *InspectPodInfraConfig `json:"InfraConfig,omitempty"`
	SharedNamespaces []string               `json:"SharedNamespaces,omitempty"`
	NumContainers    uint                   `json:"NumContainers"`
	Containers       []InspectPodContainer  `json:"Containers"`
	LockNumber       uint32                 `json:"LockNumber"`
}
