package compat

import (
	"encoding/json"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

func (a *api) systemRoutes() []handlers.Route {
	return []handlers.Route{
		{Method: "GET", Path: "/_ping", Handler: a.ping},
		{Method: "HEAD", Path: "/_ping", Handler: a.ping},
		{Method: "GET", Path: "/version", Handler: a.version},
		{Method: "GET", Path: "/info", Handler: a.info},
		{Method: "GET", Path: "/system/df", Handler: a.df},
		{Method: "POST", Path: "/auth", Handler: a.auth},
		{Method: "GET", Path: "/events", Handler: a.events},
	}
}

func (a *api) ping(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-cache, no-store, must-revalidate")
	w.Header().Set("Pragma", "no-cache")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write([]byte("OK"))
	}
	return nil
}

func (a *api) version(w http.ResponseWriter, r *http.Request) error {
	v := engine.Version()
	kernel := kernelVersion()
	built := ""
	if v.Built > 0 {
		built = time.Unix(v.Built, 0).Format(time.RFC3339)
	}
	comp := map[string]any{
		"Name": "Engine", "Version": v.Version,
		"Details": map[string]string{
			"ApiVersion": define.APIVersion, "MinAPIVersion": "1.40", "Experimental": "false", "GitCommit": v.GitCommit,
			"GoVersion": v.GoVersion, "Os": runtime.GOOS, "Arch": runtime.GOARCH, "KernelVersion": kernel, "BuildTime": built,
		},
	}
	return handlers.WriteJSON(w, http.StatusOK, map[string]any{
		"Platform":      map[string]string{"Name": "pm"},
		"Components":    []any{comp},
		"Version":       v.Version,
		"ApiVersion":    define.APIVersion,
		"MinAPIVersion": "1.40",
		"GitCommit":     v.GitCommit,
		"GoVersion":     v.GoVersion,
		"Os":            runtime.GOOS,
		"Arch":          runtime.GOARCH,
		"KernelVersion": kernel,
		"BuildTime":     built,
	})
}

func kernelVersion() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func (a *api) info(w http.ResponseWriter, r *http.Request) error {
	in, err := a.eng.Info(r.Context())
	if err != nil {
		return err
	}
	h, st := in.Host, in.Store
	var secopts []string
	if h.Security.SeccompEnabled {
		secopts = append(secopts, "name=seccomp,profile=default")
	}
	if h.Security.Rootless {
		secopts = append(secopts, "name=rootless")
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
		"Plugins":            map[string][]string{"Volume": {"local"}, "Network": {"bridge", "host", "none"}, "Log": {"k8s-file", "journald", "none"}},
		"MemoryLimit":        h.CgroupsVersion == "v2",
		"SwapLimit":          h.CgroupsVersion == "v2",
		"CpuCfsPeriod":       h.CgroupsVersion == "v2",
		"CpuCfsQuota":        h.CgroupsVersion == "v2",
		"IPv4Forwarding":     true,
		"Debug":              false,
		"NFd":                0,
		"NGoroutines":        runtime.NumGoroutine(),
		"SystemTime":         time.Now().Format(time.RFC3339Nano),
		"LoggingDriver":      "k8s-file",
		"CgroupDriver":       h.CgroupManager,
		"CgroupVersion":      strings.TrimPrefix(h.CgroupsVersion, "v"),
		"NEventsListener":    0,
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
		"Name":               hostname,
		"Labels":             []string{},
		"ExperimentalBuild":  false,
		"ServerVersion":      in.Version.Version,
		"Runtimes":           runtimes,
		"DefaultRuntime":     h.OCIRuntime.Name,
		"Swarm":              map[string]any{"LocalNodeState": "inactive", "ControlAvailable": false, "NodeID": "", "NodeAddr": ""},
		"LiveRestoreEnabled": false,
		"Isolation":          "",
		"InitBinary":         "catatonit",
		"ContainerdCommit":   map[string]string{"ID": ""},
		"RuncCommit":         map[string]string{"ID": ""},
		"InitCommit":         map[string]string{"ID": ""},
		"SecurityOptions":    secopts,
		"Warnings":           nonNil(h.Warnings),
	})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (a *api) df(w http.ResponseWriter, r *http.Request) error {
	du, err := a.eng.SystemDf(r.Context())
	if err != nil {
		return err
	}
	var layers int64
	imgs := []map[string]any{}
	for _, i := range du.Images {
		layers += i.UniqueSize
		tag := []string{}
		if i.Repository != "<none>" && i.Repository != "" {
			tag = append(tag, i.Repository+":"+i.Tag)
		}
		imgs = append(imgs, map[string]any{"Id": "sha256:" + i.ImageID, "RepoTags": tag, "Created": i.Created.Unix(),
			"Size": i.Size, "SharedSize": i.SharedSize, "Containers": i.Containers, "VirtualSize": i.Size})
	}
	ctrs := []map[string]any{}
	for _, c := range du.Containers {
		state := "exited"
		if c.Active {
			state = "running"
		}
		ctrs = append(ctrs, map[string]any{"Id": c.ContainerID, "Names": []string{"/" + c.Names}, "Image": c.Image,
			"Command": c.Command, "Created": c.Created.Unix(), "State": state, "Status": c.Status, "SizeRw": c.Size})
	}
	vols := []map[string]any{}
	for _, v := range du.Volumes {
		b, _ := json.Marshal(v)
		var m map[string]any
		json.Unmarshal(b, &m)
		vols = append(vols, m)
	}
	return handlers.WriteJSON(w, http.StatusOK, map[string]any{
		"LayersSize": layers, "Images": imgs, "Containers": ctrs, "Volumes": vols, "BuildCache": []any{},
	})
}

// authConfig is Docker's registry credential body.
type authConfig struct {
	Username      string `json:"username"`
	Password      string `json:"password"`
	ServerAddress string `json:"serveraddress"`
	IdentityToken string `json:"identitytoken"`
}

func (a *api) auth(w http.ResponseWriter, r *http.Request) error {
	var ac authConfig
	if err := handlers.DecodeJSON(r, &ac); err != nil {
		return err
	}
	if ac.ServerAddress == "" {
		return handlers.BadRequest("no serveraddress given")
	}
	reg := strings.TrimPrefix(strings.TrimPrefix(ac.ServerAddress, "https://"), "http://")
	reg = strings.TrimSuffix(reg, "/")
	err := a.eng.Login(r.Context(), engine.LoginRequest{
		Registry:     reg,
		RegistryAuth: engine.RegistryAuth{Username: ac.Username, Password: ac.Password},
	})
	if err != nil {
		return handlers.WithStatus(http.StatusUnauthorized, err)
	}
	return handlers.WriteJSON(w, http.StatusOK, map[string]string{"Status": "Login Succeeded", "IdentityToken": ""})
}
