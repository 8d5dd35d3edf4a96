package config

import (
	"os"
	"path/filepath"
)

// runtimeSearchDirs are the directories searched for an OCI runtime binary,
// in order.
var runtimeSearchDirs = []string{
	"/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin",
	"/sbin", "/bin", "/run/current-system/sw/bin",
}

// runtimePaths returns the candidate paths of each binary name, directory
// by directory.
func runtimePaths(names ...string) []string {
	var paths []string
	for _, name := range names {
		for _, dir := range runtimeSearchDirs {
			paths = append(paths, filepath.Join(dir, name))
		}
	}
	return paths
}

// defaultConfig returns the built-in configuration: what pm does on a
// machine without any configuration file. Every call returns fresh slices
// and maps, since decoding files writes into them.
func defaultConfig(opts Options) *Config {
	c := &Config{Rootless: opts.Rootless, UID: opts.UID, RuntimeDir: opts.RuntimeDir}
	c.Engine = EngineConfig{
		RuntimeOrder: []string{"crun", "runc", "runsc", "kata"},
		OCIRuntimes: map[string][]string{
			"crun":  runtimePaths("crun"),
			"runc":  runtimePaths("runc"),
			"runsc": runtimePaths("runsc"),
			"kata":  runtimePaths("kata-runtime", "kata-qemu", "kata-fc"),
		},
		OCIRuntimesFlags:   map[string][]string{},
		RuntimeSupportsKVM: []string{"kata", "kata-runtime", "kata-qemu", "kata-fc"},
		ConmonPath: []string{
			"/usr/libexec/podman/conmon",
			"/usr/local/libexec/podman/conmon",
			"/usr/local/lib/podman/conmon",
			"/usr/bin/conmon",
			"/usr/sbin/conmon",
			"/usr/local/bin/conmon",
			"/usr/local/sbin/conmon",
			"/run/current-system/sw/bin/conmon",
		},
		CgroupManager:         "cgroupfs",
		EventsLogger:          "file",
		EventsLogFileMaxSize:  1000000, // Podman's "1m"
		ImageDefaultTransport: "docker://",
		PullPolicy:            "missing",
		StopTimeout:           10,
		HelperBinariesDir: []string{
			"/usr/local/libexec/podman",
			"/usr/local/lib/podman",
			"/usr/libexec/podman",
			"/usr/lib/podman",
		},
		DetachKeys:     "ctrl-p,ctrl-q",
		NumLocks:       2048,
		HooksDir:       []string{"/usr/share/containers/oci/hooks.d"},
		ServiceTimeout: 5,
	}
	c.Containers = ContainersConfig{
		DefaultCapabilities: []string{
			"CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
			"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID",
			"SYS_CHROOT",
		},
		DefaultSysctls: []string{"net.ipv4.ping_group_range=0 0"},
		Env: []string{
			"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"TERM=xterm",
		},
		InitPath:   firstExisting("/usr/libexec/podman/catatonit", "/usr/bin/catatonit"),
		LogDriver:  "k8s-file",
		LogSizeMax: -1,
		PidsLimit:  2048,
		ShmSize:    "65536k",
		Umask:      "0022",
		CgroupNS:   "private",
		IPCNS:      "shareable",
		NetNS:      "private",
		PidNS:      "private",
		UTSNS:      "private",
		Seccomp:    true,
		HTTPProxy:  true,
	}
	c.Network = NetworkConfig{
		NetworkBackend:            "netavark",
		DefaultNetwork:            "pm",
		DefaultSubnet:             "10.88.0.0/16",
		DefaultRootlessNetworkCmd: "slirp4netns",
		NetworkConfigDir:          "/etc/containers/networks",
	}
	if opts.Rootless {
		c.Network.NetworkConfigDir = filepath.Join(opts.ConfigHome, "containers", "networks")
		c.Storage.GraphRoot = filepath.Join(opts.DataHome, "pm", "storage")
		c.Storage.RunRoot = filepath.Join(opts.RuntimeDir, "pm", "storage")
	} else {
		c.Storage.GraphRoot = "/var/lib/pm/storage"
		c.Storage.RunRoot = "/run/pm/storage"
	}
	return c
}

// firstExisting returns the first of paths that exists, or the first path
// when none does.
func firstExisting(paths ...string) string {
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return paths[0]
}
