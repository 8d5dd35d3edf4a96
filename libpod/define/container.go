package define

import (
	"encoding/json"
	"time"
)

// ContainerStatus is where a container is in its lifecycle.
type ContainerStatus string

// Container statuses, as Podman names them.
const (
	StatusConfigured ContainerStatus = "configured" // recorded, no storage or runtime state yet
	StatusCreated    ContainerStatus = "created"    // storage container and OCI spec exist
	StatusRunning    ContainerStatus = "running"
	StatusStopping   ContainerStatus = "stopping" // sent its stop signal, not exited yet
	StatusStopped    ContainerStatus = "stopped"  // stopped by pm, cleaned up
	StatusExited     ContainerStatus = "exited"
	StatusPaused     ContainerStatus = "paused"
	StatusRemoving   ContainerStatus = "removing"
)

// RestartPolicy says when a container that exited is started again.
type RestartPolicy struct {
	Name       string `json:"Name"`              // no, on-failure, always, unless-stopped
	MaxRetries uint   `json:"MaximumRetryCount"` // on-failure only; 0 = no limit
}

// ImageRef names the image a container was made from.
type ImageRef struct {
	Asked string // as the user wrote it
	Name  string // the stored name it resolved to ("" when found by ID)
	ID    string
	// Digest is the digest of the image's manifest (sha256:...), for
	// inspect's ImageDigest; "" for containers made before it was kept.
	Digest string `json:",omitempty"`
}

// MountPoint is one mount as inspect reports it.
type MountPoint struct {
	Type        string   `json:"Type"`
	Name        string   `json:"Name,omitempty"` // the volume's name, for Type volume
	Source      string   `json:"Source"`
	Destination string   `json:"Destination"`
	Options     []string `json:"Options"`
	RW          bool     `json:"RW"`
}

// ContainerIDMaps are a container's uid and gid maps.
type ContainerIDMaps struct {
	UIDMap []IDMap
	GIDMap []IDMap
}

// ContainerConfig is a container's configuration. It is fixed at create
// time and never changes afterwards.
type ContainerConfig struct {
	ID      string
	Name    string
	Pod     string `json:",omitempty"` // the pod's ID, "" for none
	Image   ImageRef
	Created time.Time

	// IDMaps give the container a user namespace of its own (--userns
	// keep-id|nomap|auto, --uidmap): ids relative to pm's namespace. Nil
	// means the container shares pm's user namespace. Fixed at create.
	IDMaps *ContainerIDMaps `json:",omitempty"`

	// Spec is the generated OCI runtime spec (root.path is filled in at
	// start with the mountpoint). It is stored apart from the rest of the
	// configuration and not loaded by lists of containers.
	Spec json.RawMessage `json:"-"`

	Entrypoint  []string
	Command     []string
	Env         []string
	WorkDir     string
	User        string
	Hostname    string
	Labels      map[string]string
	Annotations map[string]string

	Restart     RestartPolicy
	AutoRemove  bool   // --rm
	StopSignal  int    // default SIGTERM (15)
	StopTimeout uint   // seconds; default containers.conf's (10)
	LogDriver   string // k8s-file (default), journald, none, passthrough
	LogPath     string // k8s-file only
	LogSizeMax  int64  // bytes; 0 = unlimited
	LogTag      string

	Terminal bool
	Stdin    bool
	// LeaveStdinOpen keeps the container's stdin open when an attached
	// client's input ends (Docker's OpenStdin without StdinOnce); by
	// default that end closes it.
	LeaveStdinOpen bool   `json:",omitempty"`
	NetworkMode    string // none, host, pasta[:opts], slirp4netns[:opts], bridge, ns:PATH, container:ID

	// ExposedPorts are the ports the image exposes and --expose adds,
	// "80/tcp", sorted.
	ExposedPorts []string `json:",omitempty"`
	// PortMappings are the published ports, host ports assigned at create.
	PortMappings []PortMapping `json:",omitempty"`
	PublishAll   bool          `json:",omitempty"` // -P, for inspect
	// Networks are the bridge networks of NetworkMode bridge, by name;
	// network connect and disconnect change them.
	Networks map[string]NetworkRequest `json:",omitempty"`
	// Names are --dns, --dns-search, --dns-option, --add-host, --no-hosts.
	Names NameConfig `json:",omitempty"`

	RuntimeName string // the OCI runtime: runc, crun, ...
	RuntimePath string

	Mounts []MountPoint
	// Secrets are the --secret options, resolved to the secrets' IDs;
	// the data was copied for the container when it was created.
	Secrets []ContainerSecret `json:",omitempty"`

	// Healthcheck is the container's healthcheck (--health-*, or the
	// image's HEALTHCHECK), nil for none.
	Healthcheck *HealthConfig `json:",omitempty"`
	// HealthOnFailure is what a container that turns unhealthy has done
	// to it: kill, restart, stop; "" or none for nothing.
	HealthOnFailure string `json:",omitempty"`

	// Devices are the --device options, HOST:CONTAINER:PERMS, for inspect.
	Devices []string `json:",omitempty"`
	// Privileged, CapAdd and CapDrop are the security flags as given, for inspect.
	Privileged bool     `json:",omitempty"`
	CapAdd     []string `json:",omitempty"`
	CapDrop    []string `json:",omitempty"`

	// IPCMode is --ipc, with container:NAME resolved to container:ID;
	// "" is shareable.
	IPCMode string `json:",omitempty"`
	// CgroupNSMode is --cgroupns with container:NAME resolved to
	// container:ID, whose cgroup namespace is joined at start; the other
	// modes are in the OCI spec.
	CgroupNSMode string `json:",omitempty"`
	// PIDMode is --pid, with container:NAME resolved to container:ID;
	// "" is a PID namespace of its own. UTSMode is --uts.
	PIDMode string `json:",omitempty"`
	UTSMode string `json:",omitempty"`
	// ShareShm says the container's /dev/shm is a tmpfs pm mounts in the
	// bundle (shm), so that containers joining its IPC can share it.
	ShareShm bool `json:",omitempty"`
	// Timeout is --timeout in seconds (0: none), PreserveFDs
	// --preserve-fds and ConmonPidFile --conmon-pidfile.
	Timeout       uint   `json:",omitempty"`
	PreserveFDs   uint   `json:",omitempty"`
	ConmonPidFile string `json:",omitempty"`
	// SdNotifyMode is --sdnotify: "" or conmon, container, ignore.
	SdNotifyMode string `json:",omitempty"`
	// SystemdMode is whether the container runs in systemd mode
	// (--systemd).
	SystemdMode bool `json:",omitempty"`
	// IsService marks the service container of a kube play: it runs while
	// the play's pods run, and is stopped once they all have; with
	// ServiceExitCodePropagation any (or all), it is killed when any (or
	// all) of their containers failed, so that its exit code tells.
	IsService                  bool   `json:",omitempty"`
	ServiceExitCodePropagation string `json:",omitempty"`
	// CreateCommand is the command line that created the container.
	CreateCommand []string `json:",omitempty"`
	// CreateSpec is the validated request the container was made from
	// (a specgen.Spec as JSON, with its pod resolved to an ID), for
	// container clone; empty for containers made before it was kept.
	CreateSpec json.RawMessage `json:",omitempty"`
	// WorkDirMustExist says WorkDir was given (--workdir) and must be in
	// the container's file system or a mount: pm does not create it.
	WorkDirMustExist bool `json:",omitempty"`
}

// ContainerState is a container's changing state.
type ContainerState struct {
	Status       ContainerStatus
	Pid          int
	ConmonPid    int
	StartedAt    time.Time
	FinishedAt   time.Time
	ExitCode     int
	Error        string // why the last start failed, if it did
	RestartCount uint
	Mountpoint   string
	// StoppedByUser is set by stop and kill, so unless-stopped does not
	// bring the container back.
	StoppedByUser bool
	// StorageCreated is set once the storage container exists.
	StorageCreated bool
	// ExitHandled is set once the restart policy and --rm were applied to
	// the last exit, so that a second cleanup does not apply them again.
	ExitHandled bool
	// Network is set while the container's network is up.
	Network *NetworkStatus `json:",omitempty"`
	// Health is the healthcheck's status and last results; nil for a
	// container without a healthcheck or never started. Each start
	// resets the status to starting.
	Health *HealthState `json:",omitempty"`
}

// Active reports whether the container has (or may have) processes.
func (s ContainerStatus) Active() bool {
	return s == StatusRunning || s == StatusPaused || s == StatusStopping
}
