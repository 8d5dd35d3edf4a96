package compat

import (
	"reflect"
	"strings"

	"github.com/pm-project/pm/pkg/api/handlers"
)

// ruleKind says what the create route does with one field of the body.
type ruleKind int

const (
	// mapped: specFromDocker turns the field into pm's Spec (or refuses
	// a value it cannot honour, with Docker's words where Docker has
	// them).
	mapped ruleKind = iota
	// refused: any value but the zero one is a 400 with the rule's why.
	refused
	// warned: any value but the zero one is dropped with the rule's why
	// in the reply's Warnings, as Docker does on a host that lacks it.
	warned
	// inert: the field has no effect on a Linux daemon, in Docker
	// either (the rule's why says whose it is).
	inert
)

type fieldRule struct {
	kind ruleKind
	why  string
}

// createRules has a rule for every field of createBody, by its path of
// JSON names; fields of lists and maps are named after the list. A test
// walks createBody and Docker's schema and fails on a field with none.
var createRules = map[string]fieldRule{}

func init() {
	for _, p := range strings.Fields(`
		Hostname Domainname User ExposedPorts Tty OpenStdin StdinOnce Env Cmd Image Volumes WorkingDir
		Entrypoint NetworkDisabled MacAddress Labels StopSignal StopTimeout
		Healthcheck Healthcheck.Test Healthcheck.Interval Healthcheck.Timeout Healthcheck.StartPeriod
		Healthcheck.StartInterval Healthcheck.Retries
		HostConfig HostConfig.CpuShares HostConfig.Memory HostConfig.CgroupParent HostConfig.BlkioWeight
		HostConfig.BlkioWeightDevice HostConfig.BlkioWeightDevice.Path HostConfig.BlkioWeightDevice.Weight
		HostConfig.BlkioDeviceReadBps HostConfig.BlkioDeviceReadBps.Path HostConfig.BlkioDeviceReadBps.Rate
		HostConfig.BlkioDeviceWriteBps HostConfig.BlkioDeviceWriteBps.Path HostConfig.BlkioDeviceWriteBps.Rate
		HostConfig.BlkioDeviceReadIOps HostConfig.BlkioDeviceReadIOps.Path HostConfig.BlkioDeviceReadIOps.Rate
		HostConfig.BlkioDeviceWriteIOps HostConfig.BlkioDeviceWriteIOps.Path HostConfig.BlkioDeviceWriteIOps.Rate
		HostConfig.CpuPeriod HostConfig.CpuQuota HostConfig.CpuRealtimePeriod HostConfig.CpuRealtimeRuntime
		HostConfig.CpusetCpus HostConfig.CpusetMems
		HostConfig.Devices HostConfig.Devices.PathOnHost HostConfig.Devices.PathInContainer HostConfig.Devices.CgroupPermissions
		HostConfig.DeviceCgroupRules
		HostConfig.DeviceRequests HostConfig.DeviceRequests.Driver HostConfig.DeviceRequests.Count
		HostConfig.DeviceRequests.DeviceIDs HostConfig.DeviceRequests.Capabilities HostConfig.DeviceRequests.Options
		HostConfig.MemoryReservation HostConfig.MemorySwap HostConfig.MemorySwappiness HostConfig.NanoCpus
		HostConfig.OomKillDisable HostConfig.Init HostConfig.PidsLimit
		HostConfig.Ulimits HostConfig.Ulimits.Name HostConfig.Ulimits.Soft HostConfig.Ulimits.Hard
		HostConfig.Binds HostConfig.LogConfig HostConfig.LogConfig.Type HostConfig.LogConfig.Config
		HostConfig.NetworkMode HostConfig.PortBindings HostConfig.PortBindings.HostIp HostConfig.PortBindings.HostPort
		HostConfig.RestartPolicy HostConfig.RestartPolicy.Name HostConfig.RestartPolicy.MaximumRetryCount
		HostConfig.AutoRemove HostConfig.VolumeDriver HostConfig.VolumesFrom
		HostConfig.Mounts HostConfig.Mounts.Target HostConfig.Mounts.Source HostConfig.Mounts.Type HostConfig.Mounts.ReadOnly
		HostConfig.Mounts.BindOptions HostConfig.Mounts.BindOptions.Propagation HostConfig.Mounts.BindOptions.NonRecursive
		HostConfig.Mounts.BindOptions.CreateMountpoint HostConfig.Mounts.BindOptions.ReadOnlyNonRecursive
		HostConfig.Mounts.BindOptions.ReadOnlyForceRecursive
		HostConfig.Mounts.VolumeOptions HostConfig.Mounts.VolumeOptions.NoCopy HostConfig.Mounts.VolumeOptions.Labels
		HostConfig.Mounts.VolumeOptions.DriverConfig HostConfig.Mounts.VolumeOptions.DriverConfig.Name
		HostConfig.Mounts.VolumeOptions.DriverConfig.Options
		HostConfig.Mounts.TmpfsOptions HostConfig.Mounts.TmpfsOptions.SizeBytes HostConfig.Mounts.TmpfsOptions.Mode
		HostConfig.ConsoleSize HostConfig.Annotations HostConfig.CapAdd HostConfig.CapDrop HostConfig.CgroupnsMode
		HostConfig.Dns HostConfig.DnsOptions HostConfig.DnsSearch HostConfig.ExtraHosts HostConfig.GroupAdd
		HostConfig.IpcMode HostConfig.Links HostConfig.OomScoreAdj HostConfig.PidMode HostConfig.Privileged
		HostConfig.PublishAllPorts HostConfig.ReadonlyRootfs HostConfig.SecurityOpt HostConfig.Tmpfs
		HostConfig.UTSMode HostConfig.UsernsMode HostConfig.ShmSize HostConfig.Sysctls HostConfig.Runtime
		HostConfig.Isolation HostConfig.MaskedPaths HostConfig.ReadonlyPaths HostConfig.Umask
		NetworkingConfig NetworkingConfig.EndpointsConfig NetworkingConfig.EndpointsConfig.IPAMConfig
		NetworkingConfig.EndpointsConfig.IPAMConfig.IPv4Address NetworkingConfig.EndpointsConfig.Links
		NetworkingConfig.EndpointsConfig.MacAddress NetworkingConfig.EndpointsConfig.Aliases
	`) {
		createRules[p] = fieldRule{kind: mapped}
	}
	client := "the client's: the docker CLI attaches and writes files itself, as with Docker"
	for p, r := range map[string]fieldRule{
		"AttachStdin":                   {inert, client},
		"AttachStdout":                  {inert, client},
		"AttachStderr":                  {inert, client},
		"HostConfig.ContainerIDFile":    {inert, client},
		"ArgsEscaped":                   {inert, "Windows only: Docker ignores it on Linux"},
		"HostConfig.Mounts.Consistency": {inert, "macOS only: Docker ignores it on Linux"},
		"OnBuild":                       {inert, "image builds only: create ignores it, as Docker does"},
		"Shell":                         {inert, "image builds only: create ignores it, as Docker does"},
		// Before API 1.48 Docker resets it (forVersion does).
		"NetworkingConfig.EndpointsConfig.GwPriority": {refused, "GwPriority is not supported: pm's containers take the gateway of their first network"},

		"HostConfig.CpuCount":   {warned, "linux does not support CPU count. Count discarded."},
		"HostConfig.CpuPercent": {warned, "linux does not support CPU percent. Percent discarded."},

		"HostConfig.IOMaximumIOps":                                 {refused, "invalid option: QoS maximum IOPs configuration is not supported on linux"},
		"HostConfig.IOMaximumBandwidth":                            {refused, "invalid option: QoS maximum bandwidth configuration is not supported on linux"},
		"HostConfig.StorageOpt":                                    {refused, "--storage-opt is supported only for overlay over xfs with 'pquota' mount option"},
		"HostConfig.Cgroup":                                        {refused, "Cgroup (joining another container's cgroup) is not supported by pm"},
		"HostConfig.Mounts.VolumeOptions.Subpath":                  {refused, "VolumeOptions.Subpath is not supported: pm mounts a volume whole"},
		"HostConfig.Mounts.ImageOptions":                           {refused, `mount type "image" is not supported by pm`},
		"HostConfig.Mounts.ClusterOptions":                         {refused, "ClusterOptions are for swarm services: pm has no swarm"},
		"HostConfig.Mounts.ImageOptions.Subpath":                   {refused, `mount type "image" is not supported by pm`},
		"HostConfig.Mounts.TmpfsOptions.Options":                   {refused, "TmpfsOptions.Options are not supported: use SizeBytes and Mode, or HostConfig.Tmpfs"},
		"NetworkingConfig.EndpointsConfig.IPAMConfig.IPv6Address":  {refused, "IPv6Address is not supported: pm's networks give containers IPv4 addresses only"},
		"NetworkingConfig.EndpointsConfig.IPAMConfig.LinkLocalIPs": {refused, "LinkLocalIPs are not supported by pm's networks"},
		"NetworkingConfig.EndpointsConfig.DriverOpts":              {refused, "DriverOpts of an endpoint are not supported by pm's networks"},
	} {
		createRules[p] = r
	}
	// What the network fills in: a request's values mean nothing.
	for _, f := range strings.Fields("NetworkID EndpointID Gateway IPAddress IPPrefixLen IPv6Gateway GlobalIPv6Address GlobalIPv6PrefixLen DNSNames") {
		createRules["NetworkingConfig.EndpointsConfig."+f] = fieldRule{inert, "set by the network: Docker ignores it in a request"}
	}
}

// applyRules enforces the refused and warned rules on body: the first
// refused field set is a 400; each warned one set is dropped with its
// warning.
func applyRules(body *createBody) ([]string, error) {
	var warns []string
	err := walkFields(reflect.ValueOf(body).Elem(), "", func(path string, v reflect.Value) error {
		r, ok := createRules[path]
		if !ok || v.IsZero() {
			return nil
		}
		switch r.kind {
		case refused:
			return handlers.BadRequest("%s", r.why)
		case warned:
			warns = append(warns, r.why)
			v.SetZero()
		}
		return nil
	})
	return warns, err
}

// walkFields calls fn on every field under v (a struct), by path, and
// goes down into structs, pointers to them and lists and maps of them.
func walkFields(v reflect.Value, prefix string, fn func(string, reflect.Value) error) error {
	for _, f := range bodyFields(v.Type()) {
		path := jsonName(f)
		if prefix != "" {
			path = prefix + "." + path
		}
		fv := v.FieldByIndex(f.Index)
		if err := fn(path, fv); err != nil {
			return err
		}
		if err := walkValue(fv, path, fn); err != nil {
			return err
		}
	}
	return nil
}

func walkValue(v reflect.Value, path string, fn func(string, reflect.Value) error) error {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			return walkValue(v.Elem(), path, fn)
		}
	case reflect.Struct:
		return walkFields(v, path, fn)
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			if err := walkValue(v.Index(i), path, fn); err != nil {
				return err
			}
		}
	case reflect.Map:
		if k := v.Type().Elem().Kind(); k == reflect.Pointer || k == reflect.Struct || k == reflect.Slice {
			it := v.MapRange()
			for it.Next() {
				// Map values are not addressable: walk a copy, then
				// store it back.
				cp := reflect.New(it.Value().Type()).Elem()
				cp.Set(it.Value())
				if err := walkValue(cp, path, fn); err != nil {
					return err
				}
				v.SetMapIndex(it.Key(), cp)
			}
		}
	}
	return nil
}

// bodyFields are the fields of t the JSON decoder fills: exported, the
// fields of embedded structs promoted, those shadowed by a shallower one
// of the same name left out.
func bodyFields(t reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for _, f := range reflect.VisibleFields(t) {
		if f.Anonymous || !f.IsExported() {
			continue
		}
		out = append(out, f)
	}
	return out
}

// jsonName is the name of a field in JSON: its tag's, else its own.
func jsonName(f reflect.StructField) string {
	if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != "" {
		return tag
	}
	return f.Name
}
