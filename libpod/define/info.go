package define

// Info is what `pm info` reports, in Podman's shape: the Go field names serve
// --format templates ({{.Host.Security.Rootless}}), the JSON names the
// JSON and YAML output.
type Info struct {
	Host       HostInfo            `json:"host"`
	Store      StoreInfo           `json:"store"`
	Registries map[string][]string `json:"registries"`
	Version    Version             `json:"version"`
}

// HostInfo describes the machine and the user's namespace.
type HostInfo struct {
	Arch               string            `json:"arch"`
	BuildahVersion     string            `json:"buildahVersion"` // pm's own builder: pm's version
	CgroupManager      string            `json:"cgroupManager"`
	CgroupsVersion     string            `json:"cgroupVersion"`
	CgroupControllers  []string          `json:"cgroupControllers"`
	Conmon             ComponentInfo     `json:"conmon"`
	CPUs               int               `json:"cpus"`
	DatabaseBackend    string            `json:"databaseBackend"`
	DatabasePath       string            `json:"databasePath"`
	Distribution       DistributionInfo  `json:"distribution"`
	EventLogger        string            `json:"eventLogger"`
	Hostname           string            `json:"hostname"`
	IDMappings         IDMappings        `json:"idMappings"`
	Kernel             string            `json:"kernel"`
	LogDriver          string            `json:"logDriver"` // the default for new containers
	MemFree            int64             `json:"memFree"`
	MemTotal           int64             `json:"memTotal"`
	NetworkBackend     string            `json:"networkBackend"`
	OCIRuntime         RuntimeInfo       `json:"ociRuntime"`  // the default for new containers
	OCIRuntimes        []RuntimeInfo     `json:"ociRuntimes"` // every configured runtime
	OS                 string            `json:"os"`
	RemoteSocket       RemoteSocketInfo  `json:"remoteSocket"`
	RootlessNetworkCmd string            `json:"rootlessNetworkCmd"`
	RuntimeDir         string            `json:"runtimeDir"`
	Security           SecurityInfo      `json:"security"`
	Pasta              ComponentInfo     `json:"pasta"`
	Slirp4NetNS        ComponentInfo     `json:"slirp4netns"`
	Uptime             string            `json:"uptime"`
	Warnings           []string          `json:"warnings,omitempty"`
	Extra              map[string]string `json:"extra,omitempty"`
}

// ComponentInfo names a helper binary pm found, with Podman's keys:
// conmon's binary is its path, pasta's and slirp4netns's their
// executable.
type ComponentInfo struct {
	Name       string `json:"-"` // for templates: "conmon", "pasta", ...
	Executable string `json:"executable,omitempty"`
	Package    string `json:"package"`
	Path       string `json:"path,omitempty"`
	Version    string `json:"version"`
}

// RemoteSocketInfo is the API socket of `pm system service` without a
// URI, and whether it exists (a service listens there or did).
type RemoteSocketInfo struct {
	Path   string `json:"path"`
	Exists bool   `json:"exists"`
}

// RuntimeInfo is an OCI runtime in `pm info`: where it is, and whether it
// can run containers on this host. Reason says why it cannot, or, for the
// runtime in use, why it was chosen.
type RuntimeInfo struct {
	Name    string `json:"name"`
	Package string `json:"package,omitempty"`
	Path    string `json:"path"`
	Version string `json:"version"`
	Usable  bool   `json:"usable"`
	Reason  string `json:"reason,omitempty"`
}

// DistributionInfo is the host's /etc/os-release.
type DistributionInfo struct {
	Distribution string `json:"distribution"`
	Version      string `json:"version"`
	Codename     string `json:"codename,omitempty"`
}

// IDMap is one line of a uid_map or gid_map.
type IDMap struct {
	ContainerID int `json:"container_id"`
	HostID      int `json:"host_id"`
	Size        int `json:"size"`
}

// IDMappings are the user namespace's maps; Source says where they came from
// ("/etc/subuid", "single id: no range in /etc/subuid", or "none" for root).
type IDMappings struct {
	UIDMap []IDMap `json:"uidmap"`
	GIDMap []IDMap `json:"gidmap"`
	Source string  `json:"source"`
}

// SecurityInfo says how pm confines containers on this host.
type SecurityInfo struct {
	Rootless           bool   `json:"rootless"`
	Capabilities       string `json:"capabilities"`
	SeccompEnabled     bool   `json:"seccompEnabled"`
	SeccompProfilePath string `json:"seccompProfilePath"`
	SELinuxEnabled     bool   `json:"selinuxEnabled"`
	AppArmorEnabled    bool   `json:"apparmorEnabled"`
}

// StoreInfo describes image and container storage.
type StoreInfo struct {
	ConfigFiles     []string          `json:"configFiles"`
	ContainerStore  ContainerStore    `json:"containerStore"`
	GraphDriverName string            `json:"graphDriverName"`
	GraphOptions    map[string]string `json:"graphOptions"` // option name -> value
	GraphRoot       string            `json:"graphRoot"`
	GraphStatus     map[string]string `json:"graphStatus"`
	ImageStore      ImageStore        `json:"imageStore"`
	RunRoot         string            `json:"runRoot"`
	TransientStore  bool              `json:"transientStore"`
	VolumePath      string            `json:"volumePath"`
}

// ContainerStore counts containers by state.
type ContainerStore struct {
	Number  int `json:"number"`
	Paused  int `json:"paused"`
	Running int `json:"running"`
	Stopped int `json:"stopped"`
}

// ImageStore counts images.
type ImageStore struct {
	Number int `json:"number"`
}

// Version describes the pm build.
type Version struct {
	APIVersion string `json:"APIVersion"`
	Version    string `json:"Version"`
	GoVersion  string `json:"GoVersion"`
	GitCommit  string `json:"GitCommit"`
	BuiltTime  string `json:"BuiltTime"`
	Built      int64  `json:"Built"`
	OsArch     string `json:"OsArch"`
	Os         string `json:"Os"`
}
