package compat

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// createBody is Docker's container create request: ContainerConfig with
// HostConfig and NetworkingConfig, every field of Docker's schema. Each
// field is mapped onto pm's Spec (specFromDocker) or has a rule in
// createRules: refused, answered with a warning, or inert as in Docker
// (output-only, client-side or another platform's). A test keeps the two
// in step.
type createBody struct {
	Hostname        string
	Domainname      string
	User            string
	AttachStdin     bool
	AttachStdout    bool
	AttachStderr    bool
	ExposedPorts    map[string]struct{}
	Tty             bool
	OpenStdin       bool
	StdinOnce       bool
	Env             []string
	Cmd             strSlice
	Healthcheck     *healthConfig
	ArgsEscaped     bool
	Image           string
	Volumes         map[string]struct{}
	WorkingDir      string
	Entrypoint      strSlice
	NetworkDisabled bool
	// MacAddress is the container's MAC before API 1.44, which moved it
	// to EndpointSettings.
	MacAddress  string
	OnBuild     []string
	Labels      map[string]string
	StopSignal  string
	StopTimeout *int
	Shell       strSlice

	HostConfig       hostConfig
	NetworkingConfig struct {
		EndpointsConfig map[string]*endpointConfig
	}
}

// healthConfig is Docker's Config.Healthcheck: durations in nanoseconds,
// 0 (and an empty Test) meaning the image's value or the default.
type healthConfig struct {
	Test          []string
	Interval      int64
	Timeout       int64
	StartPeriod   int64
	StartInterval int64
	Retries       int
}

// endpointConfig is Docker's EndpointSettings: a container's wish for
// one network. The fields after DriverOpts are the network's answer,
// which Docker ignores in a request.
type endpointConfig struct {
	IPAMConfig *struct {
		IPv4Address  string
		IPv6Address  string
		LinkLocalIPs []string
	}
	Links               []string
	MacAddress          string
	Aliases             []string
	DriverOpts          map[string]string
	GwPriority          int
	NetworkID           string
	EndpointID          string
	Gateway             string
	IPAddress           string
	IPPrefixLen         int
	IPv6Gateway         string
	GlobalIPv6Address   string
	GlobalIPv6PrefixLen int
	DNSNames            []string
}

// strSlice is Docker's string-or-list field (Cmd, Entrypoint, Shell).
// Null is nil; a JSON string is one element.
type strSlice []string

func (s *strSlice) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = nil
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		str, err := strconv.Unquote(string(b))
		if err != nil {
			return fmt.Errorf("invalid string: %w", err)
		}
		*s = strSlice{str}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	if l == nil {
		l = []string{}
	}
	*s = l
	return nil
}

type portBinding struct {
	HostIP   string `json:"HostIp"`
	HostPort string
}

// weightDevice and throttleDevice are Resources' per-device block I/O
// weights and limits.
type weightDevice struct {
	Path   string
	Weight uint16
}

type throttleDevice struct {
	Path string
	Rate uint64
}

// deviceRequest is a request for devices of a driver (GPUs).
type deviceRequest struct {
	Driver       string
	Count        int
	DeviceIDs    []string
	Capabilities [][]string
	Options      map[string]string
}

// mountSpec is one of HostConfig.Mounts.
type mountSpec struct {
	Target      string
	Source      string
	Type        string
	ReadOnly    bool
	Consistency string
	BindOptions *struct {
		Propagation            string
		NonRecursive           bool
		CreateMountpoint       bool
		ReadOnlyNonRecursive   bool
		ReadOnlyForceRecursive bool
	}
	VolumeOptions *struct {
		NoCopy       bool
		Labels       map[string]string
		DriverConfig *struct {
			Name    string
			Options map[string]string
		}
		Subpath string
	}
	ImageOptions *struct {
		Subpath string
	}
	TmpfsOptions *struct {
		SizeBytes int64
		Mode      uint32
		Options   [][]string
	}
}

// hostConfig is Docker's HostConfig, Resources included.
type hostConfig struct {
	// Resources.
	CPUShares            uint64 `json:"CpuShares"`
	Memory               int64
	CgroupParent         string
	BlkioWeight          uint16
	BlkioWeightDevice    []weightDevice
	BlkioDeviceReadBps   []throttleDevice
	BlkioDeviceWriteBps  []throttleDevice
	BlkioDeviceReadIOps  []throttleDevice
	BlkioDeviceWriteIOps []throttleDevice
	CPUPeriod            int64 `json:"CpuPeriod"`
	CPUQuota             int64 `json:"CpuQuota"`
	CPURealtimePeriod    int64 `json:"CpuRealtimePeriod"`
	CPURealtimeRuntime   int64 `json:"CpuRealtimeRuntime"`
	CpusetCpus           string
	CpusetMems           string
	Devices              []struct {
		PathOnHost        string
		PathInContainer   string
		CgroupPermissions string
	}
	DeviceCgroupRules []string
	DeviceRequests    []deviceRequest
	MemoryReservation int64
	MemorySwap        int64
	MemorySwappiness  *int64
	NanoCpus          int64
	OomKillDisable    *bool
	Init              *bool
	PidsLimit         *int64
	Ulimits           []struct {
		Name string
		Soft int64
		Hard int64
	}
	CPUCount           int64 `json:"CpuCount"`
	CPUPercent         int64 `json:"CpuPercent"`
	IOMaximumIOps      uint64
	IOMaximumBandwidth uint64

	Binds           []string
	ContainerIDFile string
	LogConfig       struct {
		Type   string
		Config map[string]string
	}
	NetworkMode   string
	PortBindings  map[string][]portBinding
	RestartPolicy struct {
		Name              string
		MaximumRetryCount int
	}
	AutoRemove      bool
	VolumeDriver    string
	VolumesFrom     []string
	Mounts          []mountSpec
	ConsoleSize     *[2]uint
	Annotations     map[string]string
	CapAdd          []string
	CapDrop         []string
	CgroupnsMode    string
	DNS             []string `json:"Dns"`
	DNSOptions      []string `json:"DnsOptions"`
	DNSSearch       []string `json:"DnsSearch"`
	ExtraHosts      []string
	GroupAdd        []string
	IpcMode         string
	Cgroup          string
	Links           []string
	OomScoreAdj     int
	PidMode         string
	Privileged      bool
	PublishAllPorts bool
	ReadonlyRootfs  bool
	SecurityOpt     []string
	StorageOpt      map[string]string
	Tmpfs           map[string]string
	UTSMode         string
	UsernsMode      string
	ShmSize         int64
	Sysctls         map[string]string
	Runtime         string
	Isolation       string
	MaskedPaths     *[]string
	ReadonlyPaths   *[]string
}
