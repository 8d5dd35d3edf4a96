package compat

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/api/types/system"
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
	runtimes := map[string]system.RuntimeWithStatus{}
	for _, rt := range h.OCIRuntimes {
		if rt.Usable {
			runtimes[rt.Name] = system.RuntimeWithStatus{Runtime: system.Runtime{Path: rt.Path}}
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
	out := system.Info{
		ID:                 "pm",
		Containers:         st.ContainerStore.Number,
		ContainersRunning:  st.ContainerStore.Running,
		ContainersPaused:   st.ContainerStore.Paused,
		ContainersStopped:  st.ContainerStore.Stopped,
		Images:             st.ImageStore.Number,
		Driver:             st.GraphDriverName,
		DriverStatus:       driverStatus,
		Plugins:            system.PluginsInfo{Volume: []string{"local"}, Network: networks, Log: []string{"k8s-file", "journald", "none", "passthrough"}},
		MemoryLimit:        has("memory"),
		SwapLimit:          has("memory"),
		CPUCfsPeriod:       has("cpu"),
		CPUCfsQuota:        has("cpu"),
		CPUShares:          has("cpu"),
		CPUSet:             has("cpuset"),
		PidsLimit:          has("pids"),
		OomKillDisable:     has("memory") && h.CgroupsVersion == "v1",
		IPv4Forwarding:     facts.IPv4Forwarding,
		Debug:              slog.Default().Enabled(context.Background(), slog.LevelDebug),
		NFd:                len(fds),
		NGoroutines:        runtime.NumGoroutine(),
		SystemTime:         time.Now().Format(time.RFC3339Nano),
		LoggingDriver:      h.LogDriver,
		CgroupDriver:       cgroupDriver,
		CgroupVersion:      strings.TrimPrefix(h.CgroupsVersion, "v"),
		NEventsListener:    int(a.listeners.Load()),
		KernelVersion:      h.Kernel,
		OperatingSystem:    h.Distribution.Distribution + " " + h.Distribution.Version,
		OSVersion:          h.Distribution.Version,
		OSType:             h.OS,
		Architecture:       h.Arch,
		IndexServerAddress: "https://index.docker.io/v1/",
		RegistryConfig:     &registry.ServiceConfig{IndexConfigs: map[string]*registry.IndexInfo{}, InsecureRegistryCIDRs: []netip.Prefix{}},
		NCPU:               h.CPUs,
		MemTotal:           h.MemTotal,
		DockerRootDir:      st.GraphRoot,
		HTTPProxy:          proxyEnv("HTTP_PROXY"),
		HTTPSProxy:         proxyEnv("HTTPS_PROXY"),
		NoProxy:            proxyEnv("NO_PROXY"),
		Name:               hostname,
		Labels:             []string{},
		ServerVersion:      in.Version.Version,
		Runtimes:           runtimes,
		DefaultRuntime:     h.OCIRuntime.Name,
		Swarm:              swarm.Info{LocalNodeState: swarm.LocalNodeStateInactive},
		InitBinary:         facts.InitPath,
		RuncCommit:         system.Commit{ID: h.OCIRuntime.Version},
		InitCommit:         system.Commit{ID: facts.InitVersion},
		SecurityOptions:    nonNil(secopts),
		CDISpecDirs:        []string{},
		Warnings:           warnings,
	}
	if versionAtLeast(r, "1.52") {
		return handlers.WriteJSON(w, http.StatusOK, out)
	}
	// KernelMemoryTCP left the answer in API 1.52.
	old, err := withFields(out, map[string]any{"KernelMemoryTCP": false})
	if err != nil {
		return err
	}
	return handlers.WriteJSON(w, http.StatusOK, old)
}

// proxyEnv is the service's proxy variable, upper or lower case.
func proxyEnv(name string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return os.Getenv(strings.ToLower(name))
}
