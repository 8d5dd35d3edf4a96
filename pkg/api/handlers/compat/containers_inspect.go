package compat

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

// dockerStatus maps pm's container states onto Docker's.
func dockerStatus(s string) string {
	switch s {
	case "configured", "created":
		return "created"
	case "stopped", "exited":
		return "exited"
	case "removing":
		return "removing"
	case "stopping":
		return "running" // Docker has no word for it
	}
	return s
}

func (a *api) containerInspect(w http.ResponseWriter, r *http.Request) error {
	d, err := a.inspectOne(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out, err := dockerInspect(d)
	if err != nil {
		return err
	}
	eps, err := a.eng.ContainerEndpoints(r.Context())
	if err != nil {
		return err
	}
	if mine := eps[d.ID]; len(mine) > 0 {
		ns := out["NetworkSettings"].(map[string]any)
		ns["Networks"] = dockerEndpoints(mine)
		// Docker's top-level fields describe the default network alone.
		ep := mine[engine.DockerDefaultNetwork]
		ns["IPAddress"], ns["IPPrefixLen"], ns["Gateway"], ns["MacAddress"], ns["EndpointID"] = ep.IP, ep.Prefix, ep.Gateway, ep.MAC, ep.EndpointID
	}
	return handlers.WriteJSON(w, http.StatusOK, out)
}

// dockerInspect reshapes pm's inspect data (Podman's shape, a superset of
// Docker's in most fields) into Docker's.
func dockerInspect(d *define.InspectContainerData) (map[string]any, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encoding inspect data: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decoding inspect data: %w", err)
	}
	m["Name"] = "/" + strings.TrimPrefix(d.Name, "/")
	if !strings.HasPrefix(d.Image, "sha256:") {
		m["Image"] = "sha256:" + d.Image
	}
	m["Platform"] = "linux"
	m["ExecIDs"] = nonNil(d.ExecIDs)
	if st, ok := m["State"].(map[string]any); ok {
		st["Status"] = dockerStatus(d.State.Status)
		delete(st, "OciVersion")
		delete(st, "ConmonPid")
		if d.State.StartedAt.IsZero() {
			st["StartedAt"] = "0001-01-01T00:00:00Z"
		}
	}
	if cfg, ok := m["Config"].(map[string]any); ok {
		cfg["Image"] = d.ImageName
		if d.Config != nil {
			cfg["Labels"] = nonNilMap(d.Config.Labels)
			// The image's EXPOSE ports, --expose's and the published.
			ports := map[string]struct{}{}
			for p := range d.Config.ExposedPorts {
				ports[p] = struct{}{}
			}
			if d.HostConfig != nil {
				for p := range d.HostConfig.PortBindings {
					ports[p] = struct{}{}
				}
			}
			cfg["ExposedPorts"] = ports
		}
		delete(cfg, "Annotations")
		delete(cfg, "HealthcheckOnFailureAction")
		delete(cfg, "CreateCommand")
		delete(cfg, "Umask")
		delete(cfg, "Timeout")
	}
	if hc, ok := m["HostConfig"].(map[string]any); ok && d.HostConfig != nil {
		if d.HostConfig.LogConfig != nil {
			typ := d.HostConfig.LogConfig.Type
			if typ == "k8s-file" || typ == "" {
				// Docker's clients read logs only from drivers they know;
				// pm's file driver serves logs as json-file does.
				typ = "json-file"
			}
			hc["LogConfig"] = map[string]any{"Type": typ, "Config": nonNilMap(d.HostConfig.LogConfig.Config)}
		}
		// Docker's name, and its two values.
		if m := d.HostConfig.CgroupMode; m == "host" || m == "private" {
			hc["CgroupnsMode"] = m
		}
		if d.HostConfig.RestartPolicy != nil {
			hc["RestartPolicy"] = map[string]any{"Name": d.HostConfig.RestartPolicy.Name, "MaximumRetryCount": d.HostConfig.RestartPolicy.MaxRetries}
		}
	}
	ns, _ := m["NetworkSettings"].(map[string]any)
	if ns == nil {
		ns = map[string]any{}
		m["NetworkSettings"] = ns
	}
	if ns["Ports"] == nil {
		ns["Ports"] = map[string]any{}
	}
	if ns["Networks"] == nil {
		ns["Networks"] = map[string]any{}
	}
	if m["Mounts"] == nil {
		m["Mounts"] = []any{}
	}
	for _, k := range []string{"ImageDigest", "ImageName", "Rootfs", "Pod", "StaticDir", "OCIConfigPath", "OCIRuntime",
		"ConmonPidFile", "PidFile", "LogTag", "EffectiveCaps", "BoundingCaps", "Dependencies", "Namespace", "IsInfra", "IsService"} {
		delete(m, k)
	}
	return m, nil
}
