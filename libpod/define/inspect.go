package define

import (
	"strings"
	"time"
)

// InspectContainerData is what `pm container inspect` prints for one
// container, in Podman's JSON shape.
type InspectContainerData struct {
	ID              string                      `json:"Id"`
	Created         time.Time                   `json:"Created"`
	Path            string                      `json:"Path"`
	Args            []string                    `json:"Args"`
	State           *InspectContainerState      `json:"State"`
	Image           string                      `json:"Image"`
	ImageDigest     string                      `json:"ImageDigest"`
	ImageName       string                      `json:"ImageName"`
	Rootfs          string                      `json:"Rootfs"`
	Pod             string                      `json:"Pod"`
	ResolvConfPath  string                      `json:"ResolvConfPath"`
	HostnamePath    string                      `json:"HostnamePath"`
	HostsPath       string                      `json:"HostsPath"`
	StaticDir       string                      `json:"StaticDir"`
	OCIConfigPath   string                      `json:"OCIConfigPath,omitempty"`
	OCIRuntime      string                      `json:"OCIRuntime,omitempty"`
	ConmonPidFile   string                      `json:"ConmonPidFile"`
	PidFile         string                      `json:"PidFile"`
	LogPath         string                      `json:"LogPath"`
	LogTag          string                      `json:"LogTag"`
	Name            string                      `json:"Name"`
	RestartCount    uint                        `json:"RestartCount"`
	Driver          string                      `json:"Driver"`
	MountLabel      string                      `json:"MountLabel"`
	ProcessLabel    string                      `json:"ProcessLabel"`
	AppArmorProfile string                      `json:"AppArmorProfile"`
	EffectiveCaps   []string                    `json:"EffectiveCaps"`
	BoundingCaps    []string                    `json:"BoundingCaps"`
	ExecIDs         []string                    `json:"ExecIDs"`
	GraphDriver     *InspectGraphDriver         `json:"GraphDriver"`
	SizeRw          *int64                      `json:"SizeRw,omitempty"`
	SizeRootFs      int64                       `json:"SizeRootFs,omitempty"`
	Mounts          []InspectMount              `json:"Mounts"`
	Dependencies    []string                    `json:"Dependencies"`
	NetworkSettings *InspectNetworkSettings     `json:"NetworkSettings"`
	Namespace       string                      `json:"Namespace"`
	IsInfra         bool                        `json:"IsInfra"`
	IsService       bool                        `json:"IsService"`
	Config          *InspectContainerConfig     `json:"Config"`
	HostConfig      *InspectContainerHostConfig `json:"HostConfig"`
}

// InspectContainerState is the State of InspectContainerData.
type InspectContainerState struct {
	OciVersion string    `json:"OciVersion"`
	Status     string    `json:"Status"`
	Running    bool      `json:"Running"`
	Paused     bool      `json:"Paused"`
	Restarting bool      `json:"Restarting"`
	OOMKilled  bool      `json:"OOMKilled"`
	Dead       bool      `json:"Dead"`
	Pid        int       `json:"Pid"`
	ConmonPid  int       `json:"ConmonPid,omitempty"`
	ExitCode   int       `json:"ExitCode"`
	Error      string    `json:"Error"`
	StartedAt  time.Time `json:"StartedAt"`
	FinishedAt time.Time `json:"FinishedAt"`
	// Health is set for a container with a healthcheck.
	Health *HealthState `json:"Health,omitempty"`
}

// InspectGraphDriver names the storage driver of a container's rootfs.
type InspectGraphDriver struct {
	Name string            `json:"Name"`
	Data map[string]string `json:"Data"`
}

// InspectMount is one mount of a container, as Docker and Podman show it.
type InspectMount struct {
	Type        string   `json:"Type"`
	Name        string   `json:"Name,omitempty"`
	Source      string   `json:"Source"`
	Destination string   `json:"Destination"`
	Driver      string   `json:"Driver"`
	Mode        string   `json:"Mode"`
	Options     []string `json:"Options"`
	RW          bool     `json:"RW"`
	Propagation string   `json:"Propagation"`
}

// InspectPort is a published port on the host.
type InspectPort struct {
	HostIP   string `json:"HostIp"`
	HostPort string `json:"HostPort"`
}

// InspectNetworkSettings is the (basic) network part of inspect.
type InspectNetworkSettings struct {
	Bridge                 string                   `json:"Bridge"`
	SandboxID              string                   `json:"SandboxID"`
	HairpinMode            bool                     `json:"HairpinMode"`
	LinkLocalIPv6Address   string                   `json:"LinkLocalIPv6Address"`
	LinkLocalIPv6PrefixLen int                      `json:"LinkLocalIPv6PrefixLen"`
	Ports                  map[string][]InspectPort `json:"Ports"`
	SandboxKey             string                   `json:"SandboxKey"`
	EndpointID             string                   `json:"EndpointID"`
	Gateway                string                   `json:"Gateway"`
	IPAddress              string                   `json:"IPAddress"`
	IPPrefixLen            int                      `json:"IPPrefixLen"`
	MacAddress             string                   `json:"MacAddress"`
	// Networks are the container's bridge networks, by name.
	Networks map[string]*InspectNetwork `json:"Networks,omitempty"`
}

// InspectNetwork is a container's place on one bridge network; the
// addresses are empty while its network is down.
type InspectNetwork struct {
	EndpointID  string   `json:"EndpointID"`
	Gateway     string   `json:"Gateway"`
	IPAddress   string   `json:"IPAddress"`
	IPPrefixLen int      `json:"IPPrefixLen"`
	MacAddress  string   `json:"MacAddress"`
	NetworkID   string   `json:"NetworkID"`
	Aliases     []string `json:"Aliases"`
}

// Entrypoint is a container's entrypoint in inspect: a JSON array, as in
// Podman 5 and Docker, that a Go template prints as Podman 4 does, its
// words joined by spaces ({{.Config.Entrypoint}} of ["/pause"] is
// "/pause", not "[/pause]").
type Entrypoint []string

// String joins the entrypoint's words with spaces.
func (e Entrypoint) String() string { return strings.Join(e, " ") }

// InspectContainerConfig is the Config of InspectContainerData.
type InspectContainerConfig struct {
	Hostname     string              `json:"Hostname"`
	DomainName   string              `json:"Domainname"`
	User         string              `json:"User"`
	AttachStdin  bool                `json:"AttachStdin"`
	AttachStdout bool                `json:"AttachStdout"`
	AttachStderr bool                `json:"AttachStderr"`
	Tty          bool                `json:"Tty"`
	OpenStdin    bool                `json:"OpenStdin"`
	StdinOnce    bool                `json:"StdinOnce"`
	Env          []string            `json:"Env"`
	Cmd          []string            `json:"Cmd"`
	Image        string              `json:"Image"`
	Volumes      map[string]struct{} `json:"Volumes"`
	// ExposedPorts are the image's EXPOSE ports and --expose's, as
	// Docker shows them ("80/tcp": {}).
	ExposedPorts  map[string]struct{} `json:"ExposedPorts,omitempty"`
	WorkingDir    string              `json:"WorkingDir"`
	Entrypoint    Entrypoint          `json:"Entrypoint"`
	OnBuild       *string             `json:"OnBuild"`
	Labels        map[string]string   `json:"Labels"`
	Annotations   map[string]string   `json:"Annotations"`
	StopSignal    string              `json:"StopSignal"`
	StopTimeout   uint                `json:"StopTimeout"`
	CreateCommand []string            `json:"CreateCommand,omitempty"`
	SdNotifyMode  string              `json:"SdNotifyMode,omitempty"`
	SystemdMode   bool                `json:"SystemdMode,omitempty"`
	Umask         string              `json:"Umask"`
	Timeout       uint                `json:"Timeout"`
	// Healthcheck and HealthcheckOnFailureAction are set for a container
	// with a healthcheck.
	Healthcheck                *HealthConfig `json:"Healthcheck,omitempty"`
	HealthcheckOnFailureAction string        `json:"HealthcheckOnFailureAction,omitempty"`

	// Secrets are the container's --secret options.
	Secrets []ContainerSecret `json:"Secrets,omitempty"`
}

// InspectLogConfig is how a container logs.
type InspectLogConfig struct {
	Type   string            `json:"Type"`
	Config map[string]string `json:"Config"`
	Path   string            `json:"Path"`
	Tag    string            `json:"Tag"`
	Size   string            `json:"Size"`
}

// InspectUlimit is one resource limit.
type InspectUlimit struct {
	Name string `json:"Name"`
	Soft int64  `json:"Soft"`
	Hard int64  `json:"Hard"`
}

// InspectContainerHostConfig is the HostConfig of InspectContainerData.
type InspectContainerHostConfig struct {
	Binds           []string                 `json:"Binds"`
	CgroupManager   string                   `json:"CgroupManager,omitempty"`
	CgroupMode      string                   `json:"CgroupMode"` // --cgroupns: host, private, ns:PATH or container:ID
	ContainerIDFile string                   `json:"ContainerIDFile"`
	LogConfig       *InspectLogConfig        `json:"LogConfig"`
	NetworkMode     string                   `json:"NetworkMode"`
	PortBindings    map[string][]InspectPort `json:"PortBindings"`
	RestartPolicy   *RestartPolicy           `json:"RestartPolicy"`
	AutoRemove      bool                     `json:"AutoRemove"`
	VolumeDriver    string                   `json:"VolumeDriver"`
	VolumesFrom     []string                 `json:"VolumesFrom"`
	CapAdd          []string                 `json:"CapAdd"`
	CapDrop         []string                 `json:"CapDrop"`
	DNS             []string                 `json:"Dns"`
	DNSOptions      []string                 `json:"DnsOptions"`
	DNSSearch       []string                 `json:"DnsSearch"`
	ExtraHosts      []string                 `json:"ExtraHosts"`
	GroupAdd        []string                 `json:"GroupAdd"`
	IpcMode         string                   `json:"IpcMode"`
	Cgroup          string                   `json:"Cgroup"`
	Cgroups         string                   `json:"Cgroups"`
	OomScoreAdj     int                      `json:"OomScoreAdj"`
	PidMode         string                   `json:"PidMode"`
	Privileged      bool                     `json:"Privileged"`
	PublishAllPorts bool                     `json:"PublishAllPorts"`
	ReadonlyRootfs  bool                     `json:"ReadonlyRootfs"`
	SecurityOpt     []string                 `json:"SecurityOpt"`
	Tmpfs           map[string]string        `json:"Tmpfs"`
	UTSMode         string                   `json:"UTSMode"`
	UsernsMode      string                   `json:"UsernsMode"`
	ShmSize         int64                    `json:"ShmSize"`
	Runtime         string                   `json:"Runtime"`
	ConsoleSize     [2]uint                  `json:"ConsoleSize"`
	CPUShares       uint64                   `json:"CpuShares"`
	Memory          int64                    `json:"Memory"`
	NanoCPUs        int64                    `json:"NanoCpus"`
	CgroupParent    string                   `json:"CgroupParent"`
	CPUPeriod       uint64                   `json:"CpuPeriod"`
	CPUQuota        int64                    `json:"CpuQuota"`
	MemorySwap      int64                    `json:"MemorySwap"`
	// Devices, Sysctls, CpusetCpus and MemoryReservation: --device,
	// --sysctl, --cpuset-cpus, --memory-reservation.
	Devices           []InspectDevice   `json:"Devices"`
	Sysctls           map[string]string `json:"Sysctls,omitempty"`
	CpusetCpus        string            `json:"CpusetCpus"`
	MemoryReservation int64             `json:"MemoryReservation"`
	Init              bool              `json:"Init"`
	PidsLimit         int64             `json:"PidsLimit"`
	Ulimits           []InspectUlimit   `json:"Ulimits"`
	// The rest of the cgroup limits (run, pm update), under Podman's
	// names. MemorySwappiness is -1 when unset.
	BlkioWeight          uint16                       `json:"BlkioWeight"`
	BlkioWeightDevice    []InspectBlkioWeightDevice   `json:"BlkioWeightDevice"`
	BlkioDeviceReadBps   []InspectBlkioThrottleDevice `json:"BlkioDeviceReadBps"`
	BlkioDeviceWriteBps  []InspectBlkioThrottleDevice `json:"BlkioDeviceWriteBps"`
	BlkioDeviceReadIOps  []InspectBlkioThrottleDevice `json:"BlkioDeviceReadIOps"`
	BlkioDeviceWriteIOps []InspectBlkioThrottleDevice `json:"BlkioDeviceWriteIOps"`
	CpuRealtimePeriod    uint64                       `json:"CpuRealtimePeriod"`
	CpuRealtimeRuntime   int64                        `json:"CpuRealtimeRuntime"`
	CpusetMems           string                       `json:"CpusetMems"`
	MemorySwappiness     int64                        `json:"MemorySwappiness"`
}

// InspectBlkioWeightDevice is one --blkio-weight-device.
type InspectBlkioWeightDevice struct {
	Path   string `json:"Path"`
	Weight uint16 `json:"Weight"`
}

// InspectBlkioThrottleDevice is one --device-{read,write}-{bps,iops}.
type InspectBlkioThrottleDevice struct {
	Path string `json:"Path"`
	Rate uint64 `json:"Rate"`
}

// InspectDevice is one --device in Docker's shape.
type InspectDevice struct {
	PathOnHost        string `json:"PathOnHost"`
	PathInContainer   string `json:"PathInContainer"`
	CgroupPermissions string `json:"CgroupPermissions"`
}

// ExecSession is an exec session as recorded while it runs.
type ExecSession struct {
	ID          string
	ContainerID string
	Command     []string
	Tty         bool
	Stdin       bool
	Detached    bool
	ConmonPid   int
	Pid         int
	Started     time.Time
}

// Healthcheck is Health under the name Podman 4.3's inspect templates use
// ({{.State.Healthcheck.Status}}).
func (s InspectContainerState) Healthcheck() *HealthState { return s.Health }
