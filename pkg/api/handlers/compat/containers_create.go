package compat

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
	"github.com/pm-project/pm/pkg/specgen"
)

// healthFromDocker sets s.Health from Docker's Config.Healthcheck, with
// Docker's bounds and messages.
func healthFromDocker(s *specgen.Spec, hc *container.HealthConfig) error {
	if hc == nil {
		return nil
	}
	h := &s.Health
	if len(hc.Test) > 0 {
		t := append([]string{}, hc.Test...)
		t[0] = strings.ToUpper(t[0])
		if t[0] == "NONE" {
			h.Disable = true
		} else {
			h.Test = t
		}
	}
	for _, d := range []struct {
		name string
		ns   int64
		dst  **time.Duration
	}{
		{"Interval", int64(hc.Interval), &h.Interval},
		{"Timeout", int64(hc.Timeout), &h.Timeout},
		{"StartPeriod", int64(hc.StartPeriod), &h.StartPeriod},
		{"StartInterval", int64(hc.StartInterval), &h.StartInterval},
	} {
		if d.ns == 0 {
			continue
		}
		if d.ns < int64(time.Millisecond) {
			return handlers.BadRequest("%s in Healthcheck cannot be less than 1ms", d.name)
		}
		v := time.Duration(d.ns)
		*d.dst = &v
	}
	if hc.Retries < 0 {
		return handlers.BadRequest("Retries in Healthcheck cannot be negative")
	}
	if hc.Retries > 0 {
		n := hc.Retries
		h.Retries = &n
	}
	return nil
}

func (a *api) containerCreate(w http.ResponseWriter, r *http.Request) error {
	var body createBody
	if err := handlers.DecodeJSON(r, &body); err != nil {
		return err
	}
	if err := forVersion(r, &body); err != nil {
		return err
	}
	warns, err := applyRules(&body)
	if err != nil {
		return err
	}
	s, err := specFromDocker(r.URL.Query().Get("name"), &body)
	if err != nil {
		return err
	}
	rep, err := a.eng.ContainerCreate(r.Context(), s)
	if err != nil {
		if errors.Is(err, define.ErrNoSuchImage) {
			return define.Errorf(define.ErrNoSuchImage, "No such image: %s", body.Image)
		}
		if errors.Is(err, define.ErrNameInUse) {
			return define.Errorf(define.ErrNameInUse, "Conflict. The container name \"/%s\" is already in use: %v", s.Name, err)
		}
		return err
	}
	return handlers.WriteJSON(w, http.StatusCreated, container.CreateResponse{ID: rep.ID, Warnings: nonNil(append(warns, rep.Warnings...))})
}

// specFromDocker turns Docker's create body into pm's Spec. A malformed
// value is an invalid argument naming the field.
func specFromDocker(name string, b *createBody) (*specgen.Spec, error) {
	if b.Image == "" {
		return nil, handlers.BadRequest("no image given in request body (Image)")
	}
	hc := &b.HostConfig
	s := &specgen.Spec{
		Name:        strings.TrimPrefix(name, "/"),
		Image:       b.Image,
		WorkDir:     b.WorkingDir,
		User:        b.User,
		Hostname:    b.Hostname,
		Domainname:  b.Domainname,
		Labels:      b.Labels,
		Annotations: hc.Annotations,
		Terminal:    b.Tty,
		Stdin:       b.OpenStdin,
		// Docker's attach closes stdin at the client's end of input only
		// with StdinOnce (docker run -i); pm's attach always does.
		LeaveStdinOpen: b.OpenStdin && !b.StdinOnce,
		Remove:         hc.AutoRemove,
		StopSignal:     b.StopSignal,
		PullPolicy:     "never", // Docker's create never pulls: clients pull on 404
		ReadOnly:       hc.ReadonlyRootfs,
		GroupAdd:       hc.GroupAdd,
		VolumesFrom:    hc.VolumesFrom,
		Runtime:        hc.Runtime,
		SigProxy:       true,
		Env:            map[string]string{},
	}
	s.ReadOnlyTmpfs = true
	if b.Cmd != nil {
		s.Command = b.Cmd
	}
	if b.Entrypoint != nil {
		s.Entrypoint = b.Entrypoint
	}
	for _, kv := range b.Env {
		k, v, _ := strings.Cut(kv, "=")
		if k == "" {
			return nil, handlers.BadRequest("invalid environment variable %q", kv)
		}
		s.Env[k] = v
	}
	for p := range b.ExposedPorts {
		s.Expose = append(s.Expose, p.String())
	}
	sort.Strings(s.Expose)
	if err := healthFromDocker(s, b.Healthcheck); err != nil {
		return nil, err
	}
	if b.StopTimeout != nil {
		if *b.StopTimeout < 0 {
			return nil, handlers.BadRequest("invalid StopTimeout %d: pm stops containers after a number of seconds; it does not wait without end", *b.StopTimeout)
		}
		t := uint(*b.StopTimeout)
		s.StopTimeout = &t
	}
	if hc.Init != nil {
		s.Init = *hc.Init
	}
	if hc.Umask != nil {
		if *hc.Umask > 0o777 {
			return nil, handlers.BadRequest("invalid Umask %#o: use a value from 0 to 0777", *hc.Umask)
		}
		s.Umask = fmt.Sprintf("%04o", *hc.Umask)
	}
	if rp := string(hc.RestartPolicy.Name); rp != "" && rp != "no" {
		spec := rp
		if rp == "on-failure" && hc.RestartPolicy.MaximumRetryCount > 0 {
			spec += ":" + strconv.Itoa(hc.RestartPolicy.MaximumRetryCount)
		}
		p, err := specgen.ParseRestart(spec)
		if err != nil {
			return nil, err
		}
		s.Restart = p
	}
	s.Security = specgen.Security{Privileged: hc.Privileged, CapAdd: hc.CapAdd, CapDrop: hc.CapDrop}
	if err := s.Security.ParseSecurityOpts(hc.SecurityOpt, specgen.DockerSecurityOpts); err != nil {
		return nil, err
	}
	switch hc.CgroupnsMode {
	case "", "host", "private":
		s.CgroupNS = string(hc.CgroupnsMode)
	default:
		return nil, handlers.BadRequest("invalid cgroup namespace mode: %s", hc.CgroupnsMode)
	}
	if hc.MaskedPaths != nil {
		s.Security.Unmask = []string{"ALL"}
		s.Security.Mask = hc.MaskedPaths
	}
	if hc.ReadonlyPaths != nil {
		s.Security.ReadOnlyPaths = &hc.ReadonlyPaths
	}
	if hc.Tmpfs != nil {
		s.Tmpfs = hc.Tmpfs
	}
	if err := hostFromDocker(s, hc); err != nil {
		return nil, err
	}
	switch hc.LogConfig.Type {
	case "", "json-file", "local":
	default:
		s.LogDriver = hc.LogConfig.Type
	}
	s.LogOpts = hc.LogConfig.Config
	if err := mountsFromDocker(s, b); err != nil {
		return nil, err
	}
	mode := string(hc.NetworkMode)
	if b.NetworkDisabled {
		mode = "none"
	}
	if err := networkFromDocker(s, mode, b.NetworkingConfig.EndpointsConfig); err != nil {
		return nil, err
	}
	if b.MacAddress != "" && s.Net.MAC == "" {
		s.Net.MAC = b.MacAddress
	}
	s.Net.Links = append(s.Net.Links, hc.Links...)
	ports, err := portsFromDocker(hc.PortBindings)
	if err != nil {
		return nil, err
	}
	s.Net.Ports = ports
	s.Net.PublishAll = hc.PublishAllPorts
	for _, ip := range hc.DNS {
		s.Net.DNS = append(s.Net.DNS, ip.String())
	}
	s.Net.DNSSearch, s.Net.DNSOptions, s.Net.AddHosts = hc.DNSSearch, hc.DNSOptions, hc.ExtraHosts
	return s, nil
}

// portsFromDocker turns PortBindings {"80/tcp": [{"HostIp":"","HostPort":"8080"}]}
// into pm's port mappings, in a stable order. A HostPort of "" or "0"
// is any free port, chosen at create.
func portsFromDocker(pb network.PortMap) ([]define.PortMapping, error) {
	keys := make([]network.Port, 0, len(pb))
	for k := range pb {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	var out []define.PortMapping
	for _, k := range keys {
		ctr, proto := strconv.Itoa(int(k.Num())), string(k.Proto())
		binds := pb[k]
		if len(binds) == 0 {
			binds = []network.PortBinding{{}}
		}
		for _, b := range binds {
			hostIP, hostPort := "", b.HostPort
			if b.HostIP.IsValid() {
				hostIP = b.HostIP.String()
			}
			if hostPort == "0" {
				hostPort = "" // any free port, as "" is
			}
			spec := ctr + "/" + proto
			if hostPort != "" || hostIP != "" {
				spec = hostPort + ":" + spec
			}
			if hostIP != "" {
				spec = hostIP + ":" + spec
				if b.HostIP.Is6() {
					spec = "[" + hostIP + "]:" + hostPort + ":" + ctr + "/" + proto
				}
			}
			m, err := specgen.ParsePort(spec)
			if err != nil {
				return nil, define.Invalidf("invalid port binding %q -> %q: %v", k.String(), hostIP+":"+b.HostPort, err)
			}
			out = append(out, m)
		}
	}
	return out, nil
}

// networkFromDocker sets the network mode: NetworkMode names the first
// network (Docker's "default", "bridge" or none at all: Docker's default
// network, which is pm's default bridge network), and EndpointsConfig
// may add networks, each with its aliases, address, MAC and links.
func networkFromDocker(s *specgen.Spec, mode string, eps map[string]*network.EndpointSettings) error {
	switch mode {
	case "", "default":
		mode = engine.DockerDefaultNetwork
	}
	// The default network's endpoint: Docker's legacy bridge takes a
	// MAC and links, not aliases or addresses.
	for _, n := range []string{"", "default", engine.DockerDefaultNetwork} {
		ep := eps[n]
		if ep == nil {
			continue
		}
		if len(ep.Aliases) > 0 {
			return handlers.BadRequest("network-scoped alias is supported only for containers in user defined networks")
		}
		if ep.IPAMConfig != nil && ep.IPAMConfig.IPv4Address.IsValid() {
			return handlers.BadRequest("user specified IP address is supported on user defined networks only")
		}
		s.Net.MAC = cmp.Or(s.Net.MAC, ep.MacAddress.String())
		s.Net.Links = append(s.Net.Links, ep.Links...)
	}
	others := make([]string, 0, len(eps))
	for name := range eps {
		if name != mode && name != "" && name != engine.DockerDefaultNetwork && name != "default" {
			others = append(others, name)
		}
	}
	sort.Strings(others)
	if !specgen.IsBridgeMode(mode) {
		if len(others) > 0 {
			return handlers.BadRequest("invalid NetworkMode %q with networks in NetworkingConfig: use a network name", mode)
		}
		s.NetworkMode = mode
		return nil
	}
	names := append([]string{mode}, others...)
	for _, n := range names {
		if strings.Contains(n, ",") {
			return handlers.BadRequest("invalid network name %q", n)
		}
	}
	s.NetworkMode = strings.Join(names, ",")
	for _, n := range names {
		ep := eps[n]
		if ep == nil || n == engine.DockerDefaultNetwork {
			continue // the default network's, read above
		}
		e := specgen.Endpoint{Aliases: ep.Aliases, MAC: ep.MacAddress.String()}
		if ep.IPAMConfig != nil && ep.IPAMConfig.IPv4Address.IsValid() {
			e.IP = ep.IPAMConfig.IPv4Address.String()
		}
		if s.Net.Endpoints == nil {
			s.Net.Endpoints = map[string]specgen.Endpoint{}
		}
		s.Net.Endpoints[n] = e
		s.Net.Links = append(s.Net.Links, ep.Links...)
	}
	return nil
}
