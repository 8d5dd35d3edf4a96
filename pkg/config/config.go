// Package config loads podman's configuration files (containers.conf,
// storage.conf, registries.conf, policy.json, auth.json) from podman's
// locations, layered over built-in defaults, then environment, then flags.
// It is loaded once in cmd/pm and passed down; libraries read no files or
// environment of their own.
package config

// Options are the facts and overrides cmd/pm passes in: the environment it
// read and the global flags. Empty strings mean "not set".
type Options struct {
	Rootless   bool   // started by an unprivileged user
	UID        int    // the user's id outside any user namespace
	HomeDir    string // $HOME
	ConfigHome string // $XDG_CONFIG_HOME or $HOME/.config
	DataHome   string // $XDG_DATA_HOME or $HOME/.local/share
	RuntimeDir string // pm's runtime directory (see rootless.RuntimeDir)

	// Environment overrides, as podman honours them.
	ContainersConf        string // $CONTAINERS_CONF
	StorageConf           string // $CONTAINERS_STORAGE_CONF
	RegistriesConf        string // $CONTAINERS_REGISTRIES_CONF
	RegistryAuthFile      string // $REGISTRY_AUTH_FILE
	ContainersConfOverride string // $CONTAINERS_CONF_OVERRIDE

	// Global flags.
	Root          string   // --root
	RunRoot       string   // --runroot
	StorageDriver string   // --storage-driver
	StorageOpts   []string // --storage-opt
	Runtime       string   // --runtime
}

// Config is pm's whole configuration, resolved.
type Config struct {
	Engine     EngineConfig
	Containers ContainersConfig
	Network    NetworkConfig
	Storage    StorageConfig

	Rootless   bool
	UID        int
	RuntimeDir string // pm's runtime directory, e.g. /tmp/pm-run-1000
	TmpDir     string // pm's own runtime files: RuntimeDir/pm (pause pid, locks)

	// DatabasePath is the SQLite state file, next to the storage graph root.
	DatabasePath string
	// VolumePath is where named volumes live.
	VolumePath string

	// Image configuration files, handed to go.podman.io/image/v5.
	RegistriesConfPath    string // "" means the library's default locations
	RegistriesConfDirPath string
	ShortNameAliasConfPath string
	PolicyPath            string // policy.json that exists, or "" for the built-in insecureAcceptAnything default
	AuthFilePath          string // where login writes: ${RuntimeDir}/containers/auth.json
	DockerConfigPath      string // ~/.docker/config.json, read as a fallback

	// Files lists the configuration files that were read, in order.
	Files []string
}

// EngineConfig is containers.conf's [engine] table.
type EngineConfig struct {
	Runtime           string              // default OCI runtime name; "" picks the first that works
	RuntimeOrder      []string            // the order tried when Runtime is ""
	OCIRuntimes       map[string][]string // runtime name -> candidate paths
	ConmonPath        []string
	CgroupManager     string // "systemd" or "cgroupfs"
	EventsLogger      string // "file", "journald" or "none"
	ImageDefaultTransport string
	PullPolicy        string
	StopTimeout       uint
	InfraImage        string
	InfraCommand      string
	NetworkCmdPath    string
	HelperBinariesDir []string
	DetachKeys        string
	NumLocks          uint32
}

// ContainersConfig is containers.conf's [containers] table.
type ContainersConfig struct {
	DefaultCapabilities []string
	DefaultSysctls      []string
	DefaultUlimits      []string
	Env                 []string
	Devices             []string
	Annotations         []string
	Init                bool
	InitPath            string
	LogDriver           string
	LogSizeMax          int64
	LogTag              string
	PidsLimit           int64
	ShmSize             string
	TZ                  string
	Umask               string
	UserNS              string
	NoHosts             bool
	Seccomp             bool
	SeccompProfile      string
	DNSServers          []string
	DNSSearches         []string
	DNSOptions          []string
	BaseHostsFile       string
	HTTPProxy           bool
}

// NetworkConfig is containers.conf's [network] table.
type NetworkConfig struct {
	NetworkBackend            string // "netavark"
	DefaultNetwork            string // "pm"
	DefaultSubnet             string // "10.88.0.0/16"
	DefaultRootlessNetworkCmd string // "pasta" or "slirp4netns"
	NetworkConfigDir          string
	PastaOptions              []string
	DNSBindPort               uint16
}

// StorageConfig is storage.conf's [storage] table, resolved for this user.
type StorageConfig struct {
	Driver       string // "" lets pm pick: overlay, fuse-overlayfs, vfs
	GraphRoot    string
	RunRoot      string
	Options      []string // driver options, "overlay.mount_program=..." form
	TransientStore bool
}
