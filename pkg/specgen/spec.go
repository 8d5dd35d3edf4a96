// Package specgen holds Spec, a container request as the user made it,
// its validation, and the parsers for the flag syntaxes (mounts, ulimits,
// restart policies). pkg/specgen/generate turns a Spec into an OCI spec.
package specgen

import "time"

// Spec is what the user asked for when creating a container. Fields left
// zero take the image's value or pm's default.
type Spec struct {
	Name  string // "" means a generated name
	Image string // as the user wrote it
	// Entrypoint replaces the image's ENTRYPOINT when non-nil; an empty,
	// non-nil slice clears it.
	Entrypoint []string
	// Command replaces the image's CMD when non-empty.
	Command     []string
	Env         map[string]string
	EnvHost     bool
	WorkDir     string
	User        string
	GroupAdd    []string
	Hostname    string
	Labels      map[string]string
	Annotations map[string]string
	Terminal    bool
	Stdin       bool
	// LeaveStdinOpen keeps stdin open when an attached client's input
	// ends (Docker's OpenStdin without StdinOnce); pm's own attach, as
	// Podman's, closes it.
	LeaveStdinOpen bool
	Remove         bool
	Init           bool
	InitPath       string

	Restart RestartPolicy

	StopSignal  string // "" means the image's, else SIGTERM
	StopTimeout *uint  // nil means containers.conf's

	LogDriver string            // k8s-file, journald, none, passthrough
	LogOpts   map[string]string // max-size, path, tag

	PullPolicy string // always, missing, never, newer

	Security Security
	Mounts   []Mount
	Tmpfs    map[string]string // destination -> options
	// VolumesFrom are --volumes-from CONTAINER[:ro|rw]: that container's
	// volume and bind mounts are added.
	VolumesFrom []string
	ReadOnly    bool
	// ReadOnlyTmpfs keeps /tmp, /var/tmp and /run writable (tmpfs) when
	// ReadOnly is set; the CLI's default is true, as Podman's.
	ReadOnlyTmpfs bool
	// ImageVolumeMode is --image-volume: what the image's VOLUMEs become,
	// "bind" (anonymous volumes), "tmpfs" or "ignore"; "" is containers.conf's
	// image_volume_mode, else bind.
	ImageVolumeMode string

	// Secrets are the --secret options (secret.go).
	Secrets []Secret

	Resources Resources
	Ulimits   []Ulimit

	// Devices (--device), Sysctls (--sysctl), ShmSize (--shm-size, bytes
	// of /dev/shm; 0 is the default), Expose (--expose, added to the
	// image's exposed ports), Umask (octal) and Unsetenv / UnsetenvAll
	// (variables of the image and defaults removed) shape the
	// container's host-facing side.
	Devices     []Device
	Sysctls     map[string]string
	ShmSize     int64
	Expose      []string
	Umask       string
	Unsetenv    []string
	UnsetenvAll bool
	// Platform selects the image variant to pull; Quiet silences the
	// pull's progress.
	Platform Platform
	Quiet    bool

	// Health is the healthcheck, over the image's (health.go).
	Health Health

	UserNS  string // "", host, keep-id[:uid=,gid=], auto, nomap
	UIDMaps []IDMap
	GIDMaps []IDMap

	NetworkMode string  // none, host, private, pasta[:opts], slirp4netns[:opts], ns:PATH, container:ID, bridge or a network name
	Net         Network // ports, aliases, DNS (network.go)
	SigProxy    bool
	DetachKeys  string

	// IPC is --ipc: "" (shareable), host, none, private, shareable,
	// container:NAME or ns:PATH.
	IPC string
	// CgroupsMode is --cgroups: enabled (""), disabled, no-conmon or
	// split.
	CgroupsMode string
	// CgroupNS is --cgroupns: "" (containers.conf's cgroupns, private by
	// default), host, private, container:NAME or ns:PATH.
	CgroupNS string
	// PID is --pid: "" or private (a PID namespace of its own), host,
	// container:NAME or ns:PATH (namespaces.go).
	PID string
	// UTS is --uts: "" or private, host or ns:PATH.
	UTS string
	// Domainname is the container's NIS domain name (Docker's
	// Config.Domainname); it needs a UTS namespace of its own.
	Domainname string
	// OOMScoreAdj is --oom-score-adj, -1000..1000; nil keeps pm's.
	OOMScoreAdj *int
	// ConsoleSize is the terminal's first size, [height, width]; nil or
	// zeros leave it to the client's first resize.
	ConsoleSize *[2]uint
	// Timezone is --tz: "" for the image's, local or an IANA zone name.
	Timezone string
	// HostUsers are --hostuser names or ids whose host passwd entries are
	// added to the container's /etc/passwd.
	HostUsers []string
	// PreserveFDs is --preserve-fds: fds 3..3+N-1 of pm go to the container.
	PreserveFDs uint
	// Timeout is --timeout in seconds: conmon kills the container after
	// it; 0 means none.
	Timeout uint
	// ConmonPidFile is --conmon-pidfile: where conmon's pid is written.
	ConmonPidFile string
	// CIDFile is --cidfile: where the new container's ID is written; it
	// must not exist.
	CIDFile string
	// RemoveImage is run's --rmi: once the container exited and was
	// removed, its image is removed unless other containers use it.
	RemoveImage bool
	// Replace is --replace: an existing container of the same name is
	// removed (forcibly) first.
	Replace bool
	// WorkDirMustExist refuses to start the container when WorkDir is in
	// neither its file system nor a mount, as Podman's --workdir does;
	// when false the runtime creates it, as Docker does.
	WorkDirMustExist bool
	// SdNotifyMode is --sdnotify: conmon (default), container or ignore.
	SdNotifyMode string
	// IsService makes the container kube play's service container, with
	// ServiceExitCodePropagation (none, any or all) saying how its pods'
	// failures show in its exit code.
	IsService                  bool
	ServiceExitCodePropagation string
	// Systemd is --systemd: "true" (or "", the default: systemd mode when
	// the command is systemd or init), "false" or "always".
	Systemd string
	// CreateCommand is the command line that created the container, for
	// inspect and generate systemd --new; nil when not made by the CLI.
	CreateCommand []string

	Runtime string // OCI runtime name or path; "" means the default
	// Pod is --pod: the pod to join by ID or name; new:NAME creates it.
	Pod string
	// PodInfra marks the infra container of Pod (pod create only).
	PodInfra bool
	Created  time.Time
}

// RestartPolicy says when conmon's exit command brings a container back.
type RestartPolicy struct {
	Name       string // no, on-failure, always, unless-stopped
	MaxRetries uint   // on-failure only; 0 = no limit
}

// Resources are cgroup limits; zero means unlimited.
type Resources struct {
	PidsLimit   int64
	MemoryBytes int64
	CPUs        float64
	// CPUShares (--cpu-shares), CPUSetCPUs (--cpuset-cpus),
	// MemoryReservation and MemorySwap (bytes; -1: unlimited swap).
	CPUShares         uint64
	CPUSetCPUs        string
	MemoryReservation int64
	MemorySwap        int64
	// Given says that a resource flag was given, even as zero (--memory=0):
	// where limits cannot apply, pm then warns, as Podman does.
	Given bool
	// CPUPeriod and CPUQuota are the CFS period and quota in
	// microseconds (--cpu-period, --cpu-quota); 0 leaves them.
	CPUPeriod uint64
	CPUQuota  int64
	// CPURtPeriod and CPURtRuntime are the real-time CPU period and
	// runtime in microseconds (cgroup v1 only).
	CPURtPeriod  uint64
	CPURtRuntime int64
	CPUSetMems   string
	// MemorySwappiness is 0..100 (cgroup v1 only); nil leaves it.
	MemorySwappiness *int64
	OOMKillDisable   bool
	// BlkioWeight is 10..1000, 0 leaves it; BlkioWeightDevices and the
	// throttles are per device.
	BlkioWeight        uint16
	BlkioWeightDevices []BlkioDevice
	DeviceReadBps      []BlkioDevice
	DeviceWriteBps     []BlkioDevice
	DeviceReadIOps     []BlkioDevice
	DeviceWriteIOps    []BlkioDevice
	// DeviceCgroupRules are extra device cgroup rules, "c 1:3 rwm".
	DeviceCgroupRules []string
	// CgroupParent is the cgroup the container's goes under; "" is pm's.
	CgroupParent string
}

// BlkioDevice is a per-device block I/O weight or limit: Path on the
// host, its numbers (filled by the engine from Path) and Value.
type BlkioDevice struct {
	Path         string
	Major, Minor int64
	Value        uint64
}

// Mount is one bind or tmpfs mount.
type Mount struct {
	Type        string // bind, tmpfs, volume, devpts
	Source      string
	Destination string
	Options     []string
	ReadOnly    bool
}

// Ulimit is one --ulimit.
type Ulimit struct {
	Name string // nofile, nproc, ... (without RLIMIT_)
	Soft uint64
	Hard uint64
}

// IDMap maps a range of ids inside the container to the user namespace.
type IDMap struct {
	ContainerID uint32
	HostID      uint32
	Size        uint32
}
