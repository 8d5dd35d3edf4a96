package compat

import (
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/api/types/system"
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
	return handlers.WriteJSON(w, http.StatusOK, system.VersionResponse{
		Platform: system.PlatformInfo{Name: "pm"},
		Components: []system.ComponentVersion{{
			Name: "Engine", Version: v.Version,
			Details: map[string]string{
				"ApiVersion": define.APIVersion, "MinAPIVersion": define.MinAPIVersion, "Experimental": "false", "GitCommit": v.GitCommit,
				"GoVersion": v.GoVersion, "Os": runtime.GOOS, "Arch": runtime.GOARCH, "KernelVersion": kernel, "BuildTime": built,
			},
		}},
		Version:       v.Version,
		APIVersion:    define.APIVersion,
		MinAPIVersion: define.MinAPIVersion,
		GitCommit:     v.GitCommit,
		GoVersion:     v.GoVersion,
		Os:            runtime.GOOS,
		Arch:          runtime.GOARCH,
		KernelVersion: kernel,
		BuildTime:     built,
	})
}

func kernelVersion() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (a *api) auth(w http.ResponseWriter, r *http.Request) error {
	var ac registry.AuthConfig
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
	return handlers.WriteJSON(w, http.StatusOK, registry.AuthResponse{Status: "Login Succeeded"})
}
