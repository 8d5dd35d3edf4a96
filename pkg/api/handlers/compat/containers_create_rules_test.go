package compat

import (
	"encoding"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/api/handlers"
	"github.com/pm-project/pm/pkg/specgen"
)

// dockerCreateSchema lists the fields of Docker's container create body
// (ContainerConfig, HostConfig with Resources, NetworkingConfig's
// EndpointSettings, Mount, HealthConfig and the items of their lists) as
// Docker's API schema names them. A field Docker adds goes here first;
// the tests below then fail until the create route has a rule for it.
var dockerCreateSchema = `
Hostname Domainname User AttachStdin AttachStdout AttachStderr ExposedPorts Tty OpenStdin StdinOnce Env Cmd
Healthcheck Healthcheck.Test Healthcheck.Interval Healthcheck.Timeout Healthcheck.Retries Healthcheck.StartPeriod
Healthcheck.StartInterval ArgsEscaped Image Volumes WorkingDir Entrypoint NetworkDisabled MacAddress OnBuild Labels
StopSignal StopTimeout Shell
HostConfig.CpuShares HostConfig.Memory HostConfig.CgroupParent HostConfig.BlkioWeight
HostConfig.BlkioWeightDevice HostConfig.BlkioWeightDevice.Path HostConfig.BlkioWeightDevice.Weight
HostConfig.BlkioDeviceReadBps HostConfig.BlkioDeviceReadBps.Path HostConfig.BlkioDeviceReadBps.Rate
HostConfig.BlkioDeviceWriteBps HostConfig.BlkioDeviceWriteBps.Path HostConfig.BlkioDeviceWriteBps.Rate
HostConfig.BlkioDeviceReadIOps HostConfig.BlkioDeviceReadIOps.Path HostConfig.BlkioDeviceReadIOps.Rate
HostConfig.BlkioDeviceWriteIOps HostConfig.BlkioDeviceWriteIOps.Path HostConfig.BlkioDeviceWriteIOps.Rate
HostConfig.CpuPeriod HostConfig.CpuQuota HostConfig.CpuRealtimePeriod HostConfig.CpuRealtimeRuntime
HostConfig.CpusetCpus HostConfig.CpusetMems
HostConfig.Devices HostConfig.Devices.PathOnHost HostConfig.Devices.PathInContainer HostConfig.Devices.CgroupPermissions
HostConfig.DeviceCgroupRules HostConfig.DeviceRequests HostConfig.DeviceRequests.Driver HostConfig.DeviceRequests.Count
HostConfig.DeviceRequests.DeviceIDs HostConfig.DeviceRequests.Capabilities HostConfig.DeviceRequests.Options
HostConfig.MemoryReservation HostConfig.MemorySwap HostConfig.MemorySwappiness HostConfig.NanoCpus
HostConfig.OomKillDisable HostConfig.Init HostConfig.PidsLimit
HostConfig.Ulimits HostConfig.Ulimits.Name HostConfig.Ulimits.Soft HostConfig.Ulimits.Hard
HostConfig.CpuCount HostConfig.CpuPercent HostConfig.IOMaximumIOps HostConfig.IOMaximumBandwidth
HostConfig.Binds HostConfig.ContainerIDFile HostConfig.LogConfig HostConfig.LogConfig.Type HostConfig.LogConfig.Config
HostConfig.NetworkMode HostConfig.PortBindings HostConfig.PortBindings.HostIp HostConfig.PortBindings.HostPort
HostConfig.RestartPolicy HostConfig.RestartPolicy.Name HostConfig.RestartPolicy.MaximumRetryCount
HostConfig.AutoRemove HostConfig.VolumeDriver HostConfig.VolumesFrom
HostConfig.Mounts HostConfig.Mounts.Target HostConfig.Mounts.Source HostConfig.Mounts.Type HostConfig.Mounts.ReadOnly
HostConfig.Mounts.Consistency HostConfig.Mounts.BindOptions HostConfig.Mounts.BindOptions.Propagation
HostConfig.Mounts.BindOptions.NonRecursive HostConfig.Mounts.BindOptions.CreateMountpoint
HostConfig.Mounts.BindOptions.ReadOnlyNonRecursive HostConfig.Mounts.BindOptions.ReadOnlyForceRecursive
HostConfig.Mounts.VolumeOptions HostConfig.Mounts.VolumeOptions.NoCopy HostConfig.Mounts.VolumeOptions.Labels
HostConfig.Mounts.VolumeOptions.DriverConfig HostConfig.Mounts.VolumeOptions.DriverConfig.Name
HostConfig.Mounts.VolumeOptions.DriverConfig.Options HostConfig.Mounts.VolumeOptions.Subpath
HostConfig.Mounts.ImageOptions HostConfig.Mounts.ImageOptions.Subpath
HostConfig.Mounts.TmpfsOptions HostConfig.Mounts.TmpfsOptions.SizeBytes HostConfig.Mounts.TmpfsOptions.Mode
HostConfig.Mounts.TmpfsOptions.Options
HostConfig.ConsoleSize HostConfig.Annotations HostConfig.CapAdd HostConfig.CapDrop HostConfig.CgroupnsMode
HostConfig.Dns HostConfig.DnsOptions HostConfig.DnsSearch HostConfig.ExtraHosts HostConfig.GroupAdd HostConfig.IpcMode
HostConfig.Cgroup HostConfig.Links HostConfig.OomScoreAdj HostConfig.PidMode HostConfig.Privileged
HostConfig.PublishAllPorts HostConfig.ReadonlyRootfs HostConfig.SecurityOpt HostConfig.StorageOpt HostConfig.Tmpfs
HostConfig.UTSMode HostConfig.UsernsMode HostConfig.ShmSize HostConfig.Sysctls HostConfig.Runtime HostConfig.Isolation
HostConfig.MaskedPaths HostConfig.ReadonlyPaths
NetworkingConfig.EndpointsConfig NetworkingConfig.EndpointsConfig.IPAMConfig
NetworkingConfig.EndpointsConfig.IPAMConfig.IPv4Address NetworkingConfig.EndpointsConfig.IPAMConfig.IPv6Address
NetworkingConfig.EndpointsConfig.IPAMConfig.LinkLocalIPs NetworkingConfig.EndpointsConfig.Links
NetworkingConfig.EndpointsConfig.MacAddress NetworkingConfig.EndpointsConfig.Aliases
NetworkingConfig.EndpointsConfig.DriverOpts NetworkingConfig.EndpointsConfig.GwPriority
NetworkingConfig.EndpointsConfig.NetworkID NetworkingConfig.EndpointsConfig.EndpointID
NetworkingConfig.EndpointsConfig.Gateway NetworkingConfig.EndpointsConfig.IPAddress
NetworkingConfig.EndpointsConfig.IPPrefixLen NetworkingConfig.EndpointsConfig.IPv6Gateway
NetworkingConfig.EndpointsConfig.GlobalIPv6Address NetworkingConfig.EndpointsConfig.GlobalIPv6PrefixLen
NetworkingConfig.EndpointsConfig.DNSNames
`

// bodyPaths lists the field paths of createBody, as applyRules names them.
func bodyPaths(t reflect.Type, prefix string, out map[string]reflect.Type) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	for _, f := range bodyFields(t) {
		p := jsonName(f)
		if prefix != "" {
			p = prefix + "." + p
		}
		out[p] = f.Type
		bodyPaths(f.Type, p, out)
	}
}

// TestCreateRulesCoverBody fails when a field of the create body, or of
// Docker's schema, has no rule: each must be mapped onto the Spec,
// refused, warned about, or inert as in Docker.
func TestCreateRulesCoverBody(t *testing.T) {
	t.Parallel()
	paths := map[string]reflect.Type{}
	bodyPaths(reflect.TypeOf(createBody{}), "", paths)
	for p := range paths {
		if _, ok := createRules[p]; !ok {
			t.Errorf("create body field %s has no rule in createRules", p)
		}
	}
	for p := range createRules {
		if _, ok := paths[p]; !ok {
			t.Errorf("createRules has %s, which createBody lacks", p)
		}
	}
	for _, p := range strings.Fields(dockerCreateSchema) {
		if _, ok := paths[p]; !ok {
			t.Errorf("Docker's field %s is not decoded by createBody", p)
		}
	}
	for p, r := range createRules {
		if r.kind != mapped && r.why == "" {
			t.Errorf("rule of %s says nothing to the user", p)
		}
	}
}

// sampleValue is a value of type typ that a client could send, for the
// field at path; ok is false for types it does not know.
func sampleValue(path string, typ reflect.Type) (reflect.Value, bool) {
	special := map[string]any{
		"Image":                   "img",
		"HostConfig.NetworkMode":  "none",
		"HostConfig.IpcMode":      "host",
		"HostConfig.PidMode":      "host",
		"HostConfig.UTSMode":      "host",
		"HostConfig.UsernsMode":   "host",
		"HostConfig.CgroupParent": "my.slice",
		"HostConfig.CpusetCpus":   "0",
		"HostConfig.CpusetMems":   "0",
		"HostConfig.Runtime":      "crun",
		"HostConfig.Isolation":    "hyperv",
		"HostConfig.VolumeDriver": "nfs",
		"HostConfig.CgroupnsMode": "private",
		"StopSignal":              "SIGINT",
		"User":                    "1000",
		"WorkingDir":              "/w",
		"Hostname":                "h",
		"Domainname":              "d.example",
		"MacAddress":              "02:42:ac:11:00:02",
	}
	if v, ok := special[path]; ok {
		return reflect.ValueOf(v).Convert(typ), true
	}
	v := reflect.New(typ).Elem()
	switch typ.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(2000)
	case reflect.Uint16, reflect.Uint64:
		v.SetUint(500)
	case reflect.Slice:
		if typ.Elem().Kind() != reflect.String {
			return v, false
		}
		v = reflect.ValueOf([]string{"x=y"}).Convert(typ)
	case reflect.Map:
		m := reflect.MakeMap(typ)
		ev := reflect.New(typ.Elem()).Elem()
		if ev.Kind() == reflect.String {
			ev.SetString("v")
		}
		key := reflect.New(typ.Key())
		if u, ok := key.Interface().(encoding.TextUnmarshaler); ok {
			if err := u.UnmarshalText([]byte("80/tcp")); err != nil {
				return v, false
			}
		} else {
			key.Elem().Set(reflect.ValueOf("80/tcp").Convert(typ.Key()))
		}
		m.SetMapIndex(key.Elem(), ev)
		v = m
	case reflect.Pointer:
		ev, ok := sampleValue(path, typ.Elem())
		if !ok {
			return v, false
		}
		p := reflect.New(typ.Elem())
		p.Elem().Set(ev)
		v = p
	case reflect.Array:
		return reflect.ValueOf([2]uint{24, 80}).Convert(typ), true
	default:
		return v, false
	}
	return v, true
}

// TestCreateMappedFieldsTakeEffect sets each mapped field of Config and
// HostConfig, alone, and fails when the Spec comes out as without it:
// a mapped field must change the Spec or be refused.
func TestCreateMappedFieldsTakeEffect(t *testing.T) {
	t.Parallel()
	base := func() *createBody {
		b := &createBody{}
		b.Image = "img"
		return b
	}
	want, err := specFromDocker("", base())
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]reflect.Type{}
	bodyPaths(reflect.TypeOf(createBody{}), "", paths)
	var names []string
	for p := range paths {
		names = append(names, p)
	}
	sort.Strings(names)
	// Checked elsewhere: CgroupnsMode against the host by the handler;
	// StdinOnce matters only with OpenStdin (TestSpecFromDockerFields).
	elsewhere := map[string]bool{"HostConfig.CgroupnsMode": true, "StdinOnce": true}
	checked := 0
	for _, p := range names {
		if elsewhere[p] {
			continue
		}
		if createRules[p].kind != mapped || p == "Image" || strings.Count(p, ".") > 1 ||
			(strings.Contains(p, ".") && !strings.HasPrefix(p, "HostConfig.")) {
			continue
		}
		typ := paths[p]
		val, ok := sampleValue(p, typ)
		if !ok {
			continue
		}
		b := base()
		f := reflect.ValueOf(b).Elem()
		for _, part := range strings.Split(p, ".") {
			f = f.FieldByNameFunc(func(n string) bool {
				sf, _ := f.Type().FieldByName(n)
				return jsonName(sf) == part
			})
		}
		f.Set(val)
		checked++
		got, err := specFromDocker("", b)
		if err != nil {
			continue // refused: it did not pass silently
		}
		if reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v is mapped but leaves the Spec as it was", p, val)
		}
	}
	if checked < 60 {
		t.Errorf("checked only %d fields", checked)
	}
}

func TestCreateRulesApply(t *testing.T) {
	t.Parallel()
	var b createBody
	if err := json.Unmarshal([]byte(`{"Image":"i","HostConfig":{"CpuPercent":50,"CpuCount":2}}`), &b); err != nil {
		t.Fatal(err)
	}
	warns, err := applyRules(&b)
	if err != nil || len(warns) != 2 || b.HostConfig.CPUPercent != 0 || !strings.Contains(strings.Join(warns, "|"), "CPU percent") {
		t.Errorf("warned fields: %q, %v, CpuPercent left %d", warns, err, b.HostConfig.CPUPercent)
	}
	for _, body := range []string{
		`{"Image":"i","HostConfig":{"IOMaximumIOps":5}}`,
		`{"Image":"i","HostConfig":{"StorageOpt":{"size":"1G"}}}`,
		`{"Image":"i","HostConfig":{"Mounts":[{"Type":"volume","Target":"/v","VolumeOptions":{"Subpath":"a"}}]}}`,
		`{"Image":"i","NetworkingConfig":{"EndpointsConfig":{"n":{"DriverOpts":{"a":"b"}}}}}`,
		`{"Image":"i","NetworkingConfig":{"EndpointsConfig":{"n":{"IPAMConfig":{"IPv6Address":"fd00::2"}}}}}`,
	} {
		var b createBody
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			t.Fatal(err)
		}
		if _, err := applyRules(&b); handlers.StatusOf(err) != http.StatusBadRequest {
			t.Errorf("%s: %v, want a 400", body, err)
		}
	}
	// Inert fields pass.
	if err := json.Unmarshal([]byte(`{"Image":"i","ArgsEscaped":true,"AttachStdout":true,"NetworkingConfig":{"EndpointsConfig":{"n":{"IPAddress":"10.0.0.2"}}}}`), &b); err != nil {
		t.Fatal(err)
	}
	if w, err := applyRules(&b); err != nil || len(w) != 0 {
		t.Errorf("inert fields: %q, %v", w, err)
	}
}

func TestSpecFromDockerFields(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body  string
		check func(*specgen.Spec) bool
		err   string
	}{
		{`{"HostConfig":{"PidMode":"host"}}`, func(s *specgen.Spec) bool { return s.PID == "host" }, ""},
		{`{"HostConfig":{"PidMode":"container:db"}}`, func(s *specgen.Spec) bool { return s.PID == "container:db" }, ""},
		{`{"HostConfig":{"IpcMode":"private"}}`, func(s *specgen.Spec) bool { return s.IPC == "private" }, ""},
		{`{"HostConfig":{"UsernsMode":"host"}}`, func(s *specgen.Spec) bool { return s.UserNS == "host" }, ""},
		{`{"HostConfig":{"CpuPeriod":50000,"CpuQuota":25000}}`, func(s *specgen.Spec) bool {
			return s.Resources.CPUPeriod == 50000 && s.Resources.CPUQuota == 25000
		}, ""},
		{`{"HostConfig":{"CpuPeriod":-1}}`, nil, "CpuPeriod"},
		{`{"HostConfig":{"Links":["db:database"]}}`, func(s *specgen.Spec) bool { return len(s.Net.Links) == 1 && s.Net.Links[0] == "db:database" }, ""},
		{`{"HostConfig":{"DeviceRequests":[{"Driver":"","Count":-1,"Capabilities":[["gpu"]]}]}}`, nil, `could not select device driver "" with capabilities: [[gpu]]`},
		{`{"OpenStdin":true,"StdinOnce":true}`, func(s *specgen.Spec) bool { return s.Stdin && !s.LeaveStdinOpen }, ""},
		{`{"OpenStdin":true}`, func(s *specgen.Spec) bool { return s.Stdin && s.LeaveStdinOpen }, ""},
		{`{"ExposedPorts":{"80/tcp":{},"53/udp":{}}}`, func(s *specgen.Spec) bool { return strings.Join(s.Expose, ",") == "53/udp,80/tcp" }, ""},
		{`{"NetworkDisabled":true}`, func(s *specgen.Spec) bool { return s.NetworkMode == "none" }, ""},
		{`{"HostConfig":{"MaskedPaths":[],"ReadonlyPaths":[]}}`, func(s *specgen.Spec) bool {
			return strings.Join(s.Security.Unmask, ",") == "ALL" && s.Security.ReadOnlyPaths != nil && len(*s.Security.ReadOnlyPaths) == 0
		}, ""},
		{`{"HostConfig":{"Isolation":"hyperv"}}`, nil, "invalid isolation"},
		{`{"HostConfig":{"Isolation":"default"}}`, func(s *specgen.Spec) bool { return true }, ""},
		{`{"HostConfig":{"Mounts":[{"Type":"npipe","Target":"/p"}]}}`, nil, "mount type unknown"},
		{`{"HostConfig":{"Mounts":[{"Type":"tmpfs","Target":"/t","TmpfsOptions":{"SizeBytes":1048576,"Mode":448}}]}}`, func(s *specgen.Spec) bool {
			return len(s.Mounts) == 1 && strings.Join(s.Mounts[0].Options, ",") == "tmpfs-size=1048576,tmpfs-mode=700"
		}, ""},
		{`{"HostConfig":{"Mounts":[{"Type":"bind","Source":"/s","Target":"/t","BindOptions":{"Propagation":"rshared","CreateMountpoint":true}}]}}`, func(s *specgen.Spec) bool {
			return len(s.Mounts) == 1 && strings.Join(s.Mounts[0].Options, ",") == "bind-propagation=rshared,bind-create-mountpoint"
		}, ""},
		{`{"HostConfig":{"Mounts":[{"Type":"volume","Source":"v","Target":"/t","VolumeOptions":{"NoCopy":true,"Labels":{"a":"b"}}}]}}`, func(s *specgen.Spec) bool {
			return len(s.Mounts) == 1 && strings.Join(s.Mounts[0].Options, ",") == "nocopy,volume-label=a=b"
		}, ""},
		{`{"HostConfig":{"NetworkMode":"n1"},"NetworkingConfig":{"EndpointsConfig":{"n1":{"Aliases":["a1"]},"n2":{"Aliases":["a2"],"IPAMConfig":{"IPv4Address":"10.9.0.5"}}}}}`, func(s *specgen.Spec) bool {
			return s.NetworkMode == "n1,n2" && s.Net.Endpoints["n2"].IP == "10.9.0.5" && s.Net.Endpoints["n1"].Aliases[0] == "a1"
		}, ""},
		{`{"NetworkingConfig":{"EndpointsConfig":{"bridge":{"Aliases":["a"]}}}}`, nil, "network-scoped alias"},
		{`{"Tty":false}`, func(s *specgen.Spec) bool { return s.NetworkMode == "bridge" }, ""},
		{`{"HostConfig":{"NetworkMode":"default"}}`, func(s *specgen.Spec) bool { return s.NetworkMode == "bridge" }, ""},
		{`{"HostConfig":{"NetworkMode":"bridge"},"NetworkingConfig":{"EndpointsConfig":{"bridge":{"MacAddress":"02:42:ac:11:00:09"},"n1":{"Aliases":["a1"]}}}}`, func(s *specgen.Spec) bool {
			return s.NetworkMode == "bridge,n1" && s.Net.MAC == "02:42:ac:11:00:09" && s.Net.Endpoints["n1"].Aliases[0] == "a1" && len(s.Net.Endpoints) == 1
		}, ""},
		{`{"HostConfig":{"NetworkMode":"host"},"NetworkingConfig":{"EndpointsConfig":{"n1":{}}}}`, nil, "invalid NetworkMode"},
		{`{"Healthcheck":{"Test":["CMD","true"],"StartInterval":2000000000}}`, func(s *specgen.Spec) bool {
			return s.Health.StartInterval != nil && s.Health.StartInterval.Seconds() == 2
		}, ""},
		{`{"HostConfig":{"Umask":18}}`, func(s *specgen.Spec) bool { return s.Umask == "0022" }, ""},
		{`{"HostConfig":{"Umask":4095}}`, nil, "invalid Umask 07777"},
		{`{"Cmd":"echo hi","Entrypoint":null}`, func(s *specgen.Spec) bool {
			return len(s.Command) == 1 && s.Command[0] == "echo hi" && s.Entrypoint == nil
		}, ""},
		{`{"HostConfig":{"OomScoreAdj":300,"ConsoleSize":[30,100]}}`, func(s *specgen.Spec) bool {
			return *s.OOMScoreAdj == 300 && s.ConsoleSize[1] == 100
		}, ""},
	}
	for _, c := range cases {
		var b createBody
		body := strings.Replace(c.body, "{", `{"Image":"i",`, 1)
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		s, err := specFromDocker("", &b)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || !errors.Is(err, define.ErrInvalidArg) {
				t.Errorf("%s: %v, want a bad request with %q", c.body, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.body, err)
			continue
		}
		if !c.check(s) {
			t.Errorf("%s: spec %+v", c.body, s)
		}
	}
}
