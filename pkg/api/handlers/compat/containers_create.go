package compat

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/api/handlers"
	"github.com/pm-project/pm/pkg/specgen"
)

// createBody is Docker's container create request: Config with
// HostConfig and NetworkingConfig. Fields pm cannot honour are accepted
// and ignored, as Docker ignores what a platform lacks.
type createBody struct {
	Hostname     string
	User         string
	AttachStdin  bool
	AttachStdout bool
	AttachStderr bool
	ExposedPorts map[string]struct{}
	Tty          bool
	OpenStdin    bool
	StdinOnce    bool
	Env          []string
	Cmd          strSlice
	Entrypoint   strSlice
	Image        string
	Volumes      map[string]struct{}
	WorkingDir   string
	Labels       map[string]string
	StopSignal   string
	StopTimeout  *int
	Healthcheck  *healthConfig

	HostConfig       hostConfig
	NetworkingConfig struct {
		EndpointsConfig map[string]*endpointConfig
	}
}

// healthConfig is Docker's Config.Healthcheck: durations in nanoseconds,
// 0 (and an empty Test) meaning the image's value or the default.
type healthConfig struct {
	Test          []string
	Interval      int64
	Timeout       int64
	StartPeriod   int64
	StartInterval int64 // accepted, not used: pm checks every Interval
	Retries       int
}

// healthFromDocker sets s.Health from Docker's Config.Healthcheck, with
// Docker's bounds and messages.
func healthFromDocker(s *specgen.Spec, hc *healthConfig) error {
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
		{"Interval", hc.Interval, &h.Interval},
		{"Timeout", hc.Timeout, &h.Timeout},
		{"StartPeriod", hc.StartPeriod, &h.StartPeriod},
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

// endpointConfig is a container's wish for one network.
type endpointConfig struct {
	Aliases    []string
	IPAMConfig *struct {
		IPv4Address string
	}
	MacAddress string
}

// strSlice is Docker's string-or-list field (Cmd, Entrypoint). Null is
// nil; a JSON string is one element.
type strSlice []string

func (s *strSlice) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = nil
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		str, err := strconv.Unquote(string(b))
		if err != nil {
			return fmt.Errorf("invalid string: %w", err)
		}
		*s = strSlice{str}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	if l == nil {
		l = []string{}
	}
	*s = l
	return nil
}

type portBinding struct {
	HostIP   string `json:"HostIp"`
	HostPort string
}

type hostConfig struct {
	Binds  []string
	Mounts []struct {
		Type     string
		Source   string
		Target   string
		ReadOnly bool
	}
	PortBindings    map[string][]portBinding
	PublishAllPorts bool
	RestartPolicy   struct {
		Name              string
		MaximumRetryCount int
	}
	AutoRemove     bool
	NetworkMode    string
	Privileged     bool
	CapAdd         []string
	CapDrop        []string
	ReadonlyRootfs bool
	Init           *bool
	SecurityOpt    []string
	CgroupnsMode   string
	Tmpfs          map[string]string
	Memory         int64
	PidsLimit      *int64
	NanoCpus       int64
	Ulimits        []struct {
		Name string
		Soft int64
		Hard int64
	}
	LogConfig struct {
		Type   string
		Config map[string]string
	}
	DNS         []string `json:"Dns"`
	DNSSearch   []string `json:"DnsSearch"`
	DNSOptions  []string `json:"DnsOptions"`
	ExtraHosts  []string
	GroupAdd    []string
	VolumesFrom []string
	Runtime     string
	Devices     []struct {
		PathOnHost        string
		PathInContainer   string
		CgroupPermissions string
	}
	Sysctls           map[string]string
	ShmSize           int64
	CPUShares         uint64 `json:"CpuShares"`
	CpusetCpus        string
	MemoryReservation int64
	MemorySwap        int64
}

func (a *api) containerCreate(w http.ResponseWriter, r *http.Request) error {
	var body createBody
	if err := handlers.DecodeJSON(r, &body); err != nil {
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
	return handlers.WriteJSON(w, http.StatusCreated, map[string]any{"Id": rep.ID, "Warnings": nonNil(rep.Warnings)})
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
		Labels:      b.Labels,
		Terminal:    b.Tty,
		Stdin:       b.OpenStdin,
		Remove:      hc.AutoRemove,
		StopSignal:  b.StopSignal,
		PullPolicy:  "never", // Docker's create never pulls: clients pull on 404
		ReadOnly:    hc.ReadonlyRootfs,
		GroupAdd:    hc.GroupAdd,
		VolumesFrom: hc.VolumesFrom,
		Runtime:     hc.Runtime,
		SigProxy:    true,
		Env:         map[string]string{},
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
	if rp := hc.RestartPolicy.Name; rp != "" && rp != "no" {
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
		s.CgroupNS = hc.CgroupnsMode
	default:
		return nil, handlers.BadRequest("invalid cgroup namespace mode: %s", hc.CgroupnsMode)
	}
	if hc.Tmpfs != nil {
		s.Tmpfs = hc.Tmpfs
	}
	s.Resources = specgen.Resources{MemoryBytes: hc.Memory, CPUs: float64(hc.NanoCpus) / 1e9,
		CPUShares: hc.CPUShares, CPUSetCPUs: hc.CpusetCpus, MemoryReservation: hc.MemoryReservation, MemorySwap: hc.MemorySwap}
	s.Sysctls, s.ShmSize = hc.Sysctls, hc.ShmSize
	for _, d := range hc.Devices {
		perms := d.CgroupPermissions
		if perms == "" {
			perms = "rwm"
		}
		dev, err := specgen.ParseDevice(d.PathOnHost + ":" + cmp.Or(d.PathInContainer, d.PathOnHost) + ":" + perms)
		if err != nil {
			return nil, err
		}
		s.Devices = append(s.Devices, dev)
	}
	if hc.PidsLimit != nil && *hc.PidsLimit > 0 {
		s.Resources.PidsLimit = *hc.PidsLimit
	}
	for _, u := range hc.Ulimits {
		// The --ulimit syntax, so that the same checks apply (a known
		// name, soft not above hard; -1 is unlimited).
		ul, err := specgen.ParseUlimit(fmt.Sprintf("%s=%d:%d", u.Name, u.Soft, u.Hard))
		if err != nil {
			return nil, err
		}
		s.Ulimits = append(s.Ulimits, ul)
	}
	switch hc.LogConfig.Type {
	case "", "json-file", "local":
	default:
		s.LogDriver = hc.LogConfig.Type
	}
	s.LogOpts = hc.LogConfig.Config
	for _, bind := range hc.Binds {
		m, err := specgen.ParseVolume(bind)
		if err != nil {
			return nil, err
		}
		s.Mounts = append(s.Mounts, m)
	}
	for _, m := range hc.Mounts {
		if !strings.HasPrefix(m.Target, "/") {
			return nil, handlers.BadRequest("invalid mount target %q: not an absolute path", m.Target)
		}
		switch m.Type {
		case "bind", "volume", "tmpfs":
		default:
			return nil, handlers.BadRequest("invalid mount type %q: use bind, volume or tmpfs", m.Type)
		}
		s.Mounts = append(s.Mounts, specgen.Mount{Type: m.Type, Source: m.Source, Destination: m.Target, ReadOnly: m.ReadOnly})
	}
	// Config.Volumes lists every volume path, those Binds and Mounts
	// fill included (compose sends both): only the rest are anonymous.
	taken := map[string]bool{}
	for _, m := range s.Mounts {
		taken[strings.TrimSuffix(m.Destination, "/")] = true
	}
	vols := make([]string, 0, len(b.Volumes))
	for dst := range b.Volumes {
		if !taken[strings.TrimSuffix(dst, "/")] {
			vols = append(vols, dst)
		}
	}
	sort.Strings(vols)
	for _, dst := range vols {
		s.Mounts = append(s.Mounts, specgen.Mount{Type: "volume", Destination: dst})
	}
	if err := networkFromDocker(s, hc.NetworkMode, b.NetworkingConfig.EndpointsConfig); err != nil {
		return nil, err
	}
	ports, err := portsFromDocker(hc.PortBindings)
	if err != nil {
		return nil, err
	}
	s.Net.Ports = ports
	s.Net.PublishAll = hc.PublishAllPorts
	s.Net.DNS, s.Net.DNSSearch, s.Net.DNSOptions, s.Net.AddHosts = hc.DNS, hc.DNSSearch, hc.DNSOptions, hc.ExtraHosts
	return s, nil
}

// portsFromDocker turns PortBindings {"80/tcp": [{"HostIp":"","HostPort":"8080"}]}
// into pm's port mappings, in a stable order.
func portsFromDocker(pb map[string][]portBinding) ([]define.PortMapping, error) {
	keys := make([]string, 0, len(pb))
	for k := range pb {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []define.PortMapping
	for _, k := range keys {
		ctr, proto, _ := strings.Cut(k, "/")
		if proto == "" {
			proto = "tcp"
		}
		binds := pb[k]
		if len(binds) == 0 {
			binds = []portBinding{{}}
		}
		for _, b := range binds {
			spec := ctr + "/" + proto
			if b.HostPort != "" || b.HostIP != "" {
				spec = b.HostPort + ":" + spec
			}
			if b.HostIP != "" {
				spec = b.HostIP + ":" + spec
				if strings.Contains(b.HostIP, ":") {
					spec = "[" + b.HostIP + "]:" + b.HostPort + ":" + ctr + "/" + proto
				}
			}
			m, err := specgen.ParsePort(spec)
			if err != nil {
				return nil, define.Invalidf("invalid port binding %q -> %q: %v", k, b.HostIP+":"+b.HostPort, err)
			}
			out = append(out, m)
		}
	}
	return out, nil
}

// networkFromDocker sets the network mode: NetworkMode names the first
// network (Docker's "default" and "bridge" are pm's default mode), and
// EndpointsConfig may add networks; the aliases, address and MAC given
// for the first network apply.
func networkFromDocker(s *specgen.Spec, mode string, eps map[string]*endpointConfig) error {
	switch mode {
	case "", "default":
		mode = ""
	}
	var names []string
	if mode != "" && specgen.IsBridgeMode(mode) && mode != "bridge" {
		names = append(names, mode)
	}
	others := make([]string, 0, len(eps))
	for name := range eps {
		if name != mode && name != "" && name != "bridge" && name != "default" {
			others = append(others, name)
		}
	}
	sort.Strings(others)
	if len(names) == 0 && len(others) == 0 {
		if mode == "bridge" {
			mode = ""
		}
		s.NetworkMode = mode
		return nil
	}
	if mode != "" && !specgen.IsBridgeMode(mode) {
		return handlers.BadRequest("invalid NetworkMode %q with networks in NetworkingConfig: use a network name", mode)
	}
	names = append(names, others...)
	for _, n := range names {
		if strings.Contains(n, ",") {
			return handlers.BadRequest("invalid network name %q", n)
		}
	}
	s.NetworkMode = strings.Join(names, ",")
	if ep := eps[names[0]]; ep != nil {
		s.Net.Aliases = ep.Aliases
		if ep.IPAMConfig != nil {
			s.Net.IP = ep.IPAMConfig.IPv4Address
		}
		s.Net.MAC = ep.MacAddress
	}
	return nil
}
