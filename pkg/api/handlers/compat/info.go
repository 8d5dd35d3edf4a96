package compat

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/api/handlers"
)

// info answers /info with what pm uses on this host: its log driver, its
// cgroup driver and version and which limits apply, its OCI runtimes, the
// init binary of --init, IPv4 forwarding and the security options in
// effect.
func (a *api) info(w http.ResponseWriter, r *http.Request) error {
	in, err := a.eng.Info(r.Context())
	if err != nil {
		return err
	}
	facts := a.eng.HostFacts(r.Context())
	h, st := in.Host, in.Store
	// Limits apply where pm can use cgroups (not rootless on v1), each
	// through its controller.
	cgroups := !(h.Security.Rootless && h.CgroupsVersion == "v1")
	has := func(c string) bool { return cgroups && slices.Contains(h.CgroupControllers, c) }
	cgroupDriver := h.CgroupManager
	if !cgroups {
		cgroupDriver = "none" // Docker's word for rootless without cgroups
	}
	warnings := nonNil(h.Warnings)
	if !cgroups {
		warnings = append(warnings, "WARNING: Running in rootless-mode without cgroups: resource limits are ignored. To enable cgroups in rootless-mode, boot the system in cgroup v2 mode.")
	}
	var secopts []string
	if facts.Seccomp {
		profile := "builtin"
		if p := h.Security.SeccompProfilePath; p != "" {
			profile = p
		}
		secopts = append(secopts, "name=seccomp,profile="+profile)
	}
	if h.Security.Rootless {
		secopts = append(secopts, "name=rootless")
	}
	if h.CgroupsVersion == "v2" {
		secopts = append(secopts, "name=cgroupns")
	}
	runtimes := map[string]any{}
	for _, rt := range h.OCIRuntimes {
		if rt.Usable {
			runtimes[rt.Name] = map[string]string{"path": rt.Path}
		}
	}
	driverStatus := [][2]string{}
	for k, v := range st.GraphStatus {
		driverStatus = append(driverStatus, [2]string{k, v})
	}
	sort.Slice(driverStatus, func(i, j int) bool { return driverStatus[i][0] < driverStatus[j][0] })
	networks := []string{"bridge", "host", "none"}
	for _, c := range []define.ComponentInfo{h.Pasta, h.Slirp4NetNS} {
		if c.Executable != "" {
			networks = append(networks, c.Name)
		}
	}
	fds, _ := os.ReadDir("/proc/self/fd")
	hostname, _ := os.Hostname()
	return handlers.WriteJSON(w, http.StatusOK, map[string]any{
		"ID":                 "pm",
		"Containers":         st.ContainerStore.Number,
		"ContainersRunning":  st.ContainerStore.Running,
		"ContainersPaused":   st.ContainerStore.Paused,
		"ContainersStopped":  st.ContainerStore.Stopped,
		"Images":             st.ImageStore.Number,
		"Driver":             st.GraphDriverName,
		"DriverStatus":       driverStatus,
		"Plugins":            map[string][]string{"Volume": {"local"}, "Network": networks, "Log": {"k8s-file", "journald", "none", "passthrough"}},
		"MemoryLimit":        has("memory"),
		"SwapLimit":          has("memory"),
		"CpuCfsPeriod":       has("cpu"),
		"CpuCfsQuota":        has("cpu"),
		"CPUShares":          has("cpu"),
		"CPUSet":             has("cpuset"),
		"PidsLimit":          has("pids"),
		"OomKillDisable":     has("memory") && h.CgroupsVersion == "v1",
		"KernelMemoryTCP":    false,
		"IPv4Forwarding":     facts.IPv4Forwarding,
		"Debug":              slog.Default().Enabled(context.Background(), slog.LevelDebug),
		"NFd":                len(fds),
		"NGoroutines":        runtime.NumGoroutine(),
		"SystemTime":         time.Now().Format(time.RFC3339Nano),
		"LoggingDriver":      h.LogDriver,
		"CgroupDriver":       cgroupDriver,
		"CgroupVersion":      strings.TrimPrefix(h.CgroupsVersion, "v"),
		"NEventsListener":    a.listeners.Load(),
		"KernelVersion":      h.Kernel,
		"OperatingSystem":    h.Distribution.Distribution + " " + h.Distribution.Version,
		"OSVersion":          h.Distribution.Version,
		"OSType":             h.OS,
		"Architecture":       h.Arch,
		"IndexServerAddress": "https://index.docker.io/v1/",
		"RegistryConfig":     map[string]any{"IndexConfigs": map[string]any{}, "InsecureRegistryCIDRs": []string{}},
		"NCPU":               h.CPUs,
		"MemTotal":           h.MemTotal,
		"DockerRootDir":      st.GraphRoot,
		"HttpProxy":          proxyEnv("HTTP_PROXY"),
		"HttpsProxy":         proxyEnv("HTTPS_PROXY"),
		"NoProxy":            proxyEnv("NO_PROXY"),
		"Name":               hostname,
		"Labels":             []string{},
		"ExperimentalBuild":  false,
		"ServerVersion":      in.Version.Version,
		"Runtimes":           runtimes,
		"DefaultRuntime":     h.OCIRuntime.Name,
		"Swarm":              map[string]any{"LocalNodeState": "inactive", "ControlAvailable": false, "NodeID": "", "NodeAddr": ""},
		"LiveRestoreEnabled": false,
		"Isolation":          "",
		"InitBinary":         facts.InitPath,
		"ContainerdCommit":   map[string]string{"ID": ""},
		"RuncCommit":         map[string]string{"ID": h.OCIRuntime.Version},
		"InitCommit":         map[string]string{"ID": facts.InitVersion},
		"SecurityOptions":    nonNil(secopts),
		"Warnings":           warnings,
	})
}

// proxyEnv is the service's proxy variable, upper or lower case.
func proxyEnv(name string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return os.Getenv(strings.ToLower(name))
}
