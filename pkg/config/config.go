// Package config loads podman's configuration files (containers.conf,
// storage.conf, registries.conf, policy.json, auth.json) from podman's
// locations, layered over built-in defaults, then environment, then flags.
// It is loaded once in cmd/pm and passed down; libraries read no files or
// environment of their own.
package config

import "path/filepath"

// Options are the facts and overrides cmd/pm passes in: the environment it
// read and the global flags. Empty strings mean "not set".
type Options struct {
	Rootless   bool   // started by an unprivileged user
	UID        int    // the user's id outside any user namespace
	User       string // $USER; "" looks the name up from UID
	HomeDir    string // $HOME
	ConfigHome string // $XDG_CONFIG_HOME or $HOME/.config
	DataHome   string // $XDG_DATA_HOME or $HOME/.local/share
	RuntimeDir string // pm's runtime directory (see rootless.RuntimeDir)

	// SysConfDir is prefixed to the system-wide locations
	// (/usr/share/containers, /etc/containers); "" means "/". Tests set it.
	SysConfDir string

	// Environment overrides, as podman honours them.
	ContainersConf         string // $CONTAINERS_CONF
	StorageConf            string // $CONTAINERS_STORAGE_CONF
	RegistriesConf         string // $CONTAINERS_REGISTRIES_CONF
	RegistryAuthFile       string // $REGISTRY_AUTH_FILE
	ContainersConfOverride string // $CONTAINERS_CONF_OVERRIDE

	// Global flags.
	Root          string   // --root
	RunRoot       string   // --runroot
	StorageDriver string   // --storage-driver
	StorageOpts   []string // --storage-opt
	Runtime       string   // --runtime
	RuntimeFlags  []string // --runtime-flag, without the leading "--"
	TmpDir        string   // --tmpdir
	VolumePath    string   // --volumepath
	CgroupManager string   // --cgroup-manager
	ConmonPath    string   // --conmon
	NetworkCmd    string   // --network-cmd-path
	EventsBackend string   // --events-backend
	MountsFile    string   // --default-mounts-file
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
	// RuntimeFlags are global options for the OCI runtime, each with its
	// leading "--" (from --runtime-flag); they go before its subcommand.
	RuntimeFlags []string
	// RuntimeChosenBy says who set Engine.Runtime: "--runtime", the
	// containers.conf file that did, or "" (the first usable of the order).
	RuntimeChosenBy string

	// Image configuration files, handed to go.podman.io/image/v5.
	RegistriesConfPath     string // "" means the library's default locations
	RegistriesConfDirPath  string
	ShortNameAliasConfPath string
	PolicyPath             string // policy.json that exists, or "" for the built-in insecureAcceptAnything default
	PolicyWritePath        string // where `image trust set` writes when PolicyPath is "": the user's policy.json (rootless), else /etc/containers/policy.json
	AuthFilePath           string // where login writes: ${RuntimeDir}/containers/auth.json
	DockerConfigPath       string // ~/.docker/config.json, read as a fallback

	// Files lists the configuration files that were read, in order.
	Files []string
}

// EngineConfig is containers.conf's [engine] table.
type EngineConfig struct {
	Runtime               string              `toml:"runtime"`              // default OCI runtime name; "" picks the first that works
	RuntimeOrder          []string            `toml:"-"`                    // the order tried when Runtime is ""
	OCIRuntimes           map[string][]string `toml:"runtimes"`             // runtime name -> candidate paths
	OCIRuntimesFlags      map[string][]string `toml:"runtimes_flags"`       // runtime name -> global flags without "--"; --runtime-flag replaces them
	RuntimeSupportsKVM    []string            `toml:"runtime_supports_kvm"` // runtimes that need /dev/kvm
	ConmonPath            []string            `toml:"conmon_path"`
	CgroupManager         string              `toml:"cgroup_manager"`          // "systemd" or "cgroupfs"
	EventsLogger          string              `toml:"events_logger"`           // "file", "journald" or "none"
	EventsLogFileMaxSize  Size                `toml:"events_logfile_max_size"` // the event journal is rotated past it; 0: never
	EventsLogFilePath     string              `toml:"events_logfile_path"`     // the event journal; "" means TmpDir/events/events.log
	ImageDefaultTransport string              `toml:"image_default_transport"`
	ImageVolumeMode       string              `toml:"image_volume_mode"` // bind, tmpfs or ignore; "" is bind
	PullPolicy            string              `toml:"pull_policy"`
	StopTimeout           uint                `toml:"stop_timeout"`
	InfraImage            string              `toml:"infra_image"`
	InfraCommand          string              `toml:"infra_command"`
	NetworkCmdPath        string              `toml:"network_cmd_path"`
	HelperBinariesDir     []string            `toml:"helper_binaries_dir"`
	DetachKeys            string              `toml:"detach_keys"`
	NumLocks              uint32              `toml:"num_locks"`
	HooksDir              []string            `toml:"hooks_dir"`
	ServiceTimeout        uint                `toml:"service_timeout"` // seconds `pm system service` idles before exiting
	Env                   []string            `toml:"env"`             // environment for helper processes
}

// ContainersConfig is containers.conf's [containers] table.
type ContainersConfig struct {
	DefaultCapabilities []string `toml:"default_capabilities"`
	DefaultSysctls      []string `toml:"default_sysctls"`
	DefaultUlimits      []string `toml:"default_ulimits"`
	Env                 []string `toml:"env"`
	Devices             []string `toml:"devices"`
	Annotations         []string `toml:"annotations"`
	Volumes             []string `toml:"volumes"`
	Mounts              []string `toml:"mounts"`
	Init                bool     `toml:"init"`
	InitPath            string   `toml:"init_path"`
	LogDriver           string   `toml:"log_driver"`
	LogSizeMax          int64    `toml:"log_size_max"`
	LogTag              string   `toml:"log_tag"`
	PidsLimit           int64    `toml:"pids_limit"`
	ShmSize             string   `toml:"shm_size"`
	TZ                  string   `toml:"tz"`
	Umask               string   `toml:"umask"`
	UserNS              string   `toml:"userns"`
	CgroupNS            string   `toml:"cgroupns"`
	IPCNS               string   `toml:"ipcns"`
	NetNS               string   `toml:"netns"`
	PidNS               string   `toml:"pidns"`
	UTSNS               string   `toml:"utsns"`
	ReadOnly            bool     `toml:"read_only"`
	EnvHost             bool     `toml:"env_host"`
	NoHosts             bool     `toml:"no_hosts"`
	Seccomp             bool     `toml:"-"` // apply a seccomp profile at all
	SeccompProfile      string   `toml:"seccomp_profile"`
	DNSServers          []string `toml:"dns_servers"`
	DNSSearches         []string `toml:"dns_searches"`
	DNSOptions          []string `toml:"dns_options"`
	// BaseHostsFile is where a container's /etc/hosts starts from: a
	// file's absolute path, "image" (the image's /etc/hosts) or "none"
	// (or empty: pm's default, localhost and the container's own names).
	BaseHostsFile string `toml:"base_hosts_file"`
	// HostContainersInternalIP is the address host.containers.internal
	// names in /etc/hosts; empty lets pm choose (the address that leads
	// to the host).
	HostContainersInternalIP string `toml:"host_containers_internal_ip"`
	HTTPProxy                bool   `toml:"http_proxy"`
	// DefaultMountsFile is the mounts.conf every container and every RUN
	// step of a build gets: lines of HOST:CONTAINER paths (or one path for
	// both). Load resolves it: --default-mounts-file, else this key, else
	// the first that exists of the user's
	// $XDG_CONFIG_HOME/containers/mounts.conf (rootless),
	// /etc/containers/mounts.conf and /usr/share/containers/mounts.conf;
	// "" is none.
	DefaultMountsFile string `toml:"default_mounts_file"`
}

// NetworkConfig is containers.conf's [network] table.
type NetworkConfig struct {
	NetworkBackend            string   `toml:"network_backend"`              // "netavark"
	DefaultNetwork            string   `toml:"default_network"`              // "pm"
	DefaultSubnet             string   `toml:"default_subnet"`               // "10.88.0.0/16"
	DefaultRootlessNetworkCmd string   `toml:"default_rootless_network_cmd"` // "slirp4netns" (default) or "pasta"
	NetworkConfigDir          string   `toml:"network_config_dir"`
	PastaOptions              []string `toml:"pasta_options"`
	DNSBindPort               uint16   `toml:"dns_bind_port"`
}

// StorageConfig is storage.conf's [storage] table, resolved for this user.
type StorageConfig struct {
	Driver         string // "" lets pm pick: overlay, fuse-overlayfs, vfs
	GraphRoot      string
	RunRoot        string
	Options        []string // driver options, "overlay.mount_program=..." form
	TransientStore bool
}

// ServiceSocket is the socket `pm system service` listens on when given
// no URI: RuntimeDir/pm/pm.sock, "" without a runtime directory.
func (c *Config) ServiceSocket() string {
	if c.RuntimeDir == "" {
		return ""
	}
	return filepath.Join(c.RuntimeDir, "pm", "pm.sock")
}
