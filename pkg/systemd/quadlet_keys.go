package systemd

import (
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// argKind says how the values of a quadlet key become options of pm.
type argKind int

const (
	// argLast: the last value, as the option's value.
	argLast argKind = iota
	// argEach: every value, each as one option.
	argEach
	// argWords: every word of every value, each as one option.
	argWords
	// argKeyVals: as argWords, each word being KEY=VALUE.
	argKeyVals
	// argBool: the option (with prefix as its value, if any) when the
	// last value is true.
	argBool
	// argBoolValue: the option as --opt or --opt=false.
	argBoolValue
	// argCustom: handled by the file type's converter.
	argCustom
	// argUnsupported: Podman documents the key; pm has no equivalent.
	argUnsupported
)

// keySpec is how one key of a quadlet group is turned into pm's options.
type keySpec struct {
	kind argKind
	flag string
	// prefix is put before the value, e.g. "seccomp=" for
	// --security-opt.
	prefix string
	// path makes a relative value relative to the quadlet file.
	path bool
}

var (
	custom      = keySpec{kind: argCustom}
	unsupported = keySpec{kind: argUnsupported}
)

func last(flag string) keySpec      { return keySpec{kind: argLast, flag: flag} }
func each(flag string) keySpec      { return keySpec{kind: argEach, flag: flag} }
func wordsOf(flag string) keySpec   { return keySpec{kind: argWords, flag: flag} }
func keyVals(flag string) keySpec   { return keySpec{kind: argKeyVals, flag: flag} }
func boolFlag(flag string) keySpec  { return keySpec{kind: argBool, flag: flag} }
func boolValue(flag string) keySpec { return keySpec{kind: argBoolValue, flag: flag} }
func secOpt(prefix string) keySpec {
	return keySpec{kind: argLast, flag: "--security-opt", prefix: prefix}
}
func secWords(prefix string) keySpec {
	return keySpec{kind: argWords, flag: "--security-opt", prefix: prefix}
}

// common keys of every file type that runs pm.
var commonKeys = map[string]keySpec{
	"ContainersConfModule": unsupported, "GlobalArgs": custom, "PodmanArgs": custom,
	"PmArgs": custom, "ServiceName": custom,
}

// groupKeys are the keys of each quadlet group, as Podman 5 documents
// them (plus PmArgs, pm's name for PodmanArgs).
var groupKeys = map[string]map[string]keySpec{
	"Container": withCommon(map[string]keySpec{
		"AddCapability": wordsOf("--cap-add"), "AddDevice": custom, "AddHost": each("--add-host"),
		"Annotation": keyVals("--annotation"), "AppArmor": secOpt("apparmor="),
		"AutoUpdate":  {kind: argLast, flag: "--label", prefix: "io.containers.autoupdate="},
		"CgroupsMode": custom, "ContainerName": custom,
		"DNS": each("--dns"), "DNSOption": each("--dns-option"), "DNSSearch": each("--dns-search"),
		"DropCapability": wordsOf("--cap-drop"), "Entrypoint": custom,
		"Environment": keyVals("--env"), "EnvironmentFile": {kind: argEach, flag: "--env-file", path: true},
		"EnvironmentHost": boolValue("--env-host"), "Exec": custom, "ExposeHostPort": each("--expose"),
		"GIDMap": each("--gidmap"), "Group": custom, "GroupAdd": each("--group-add"),
		"HealthCmd": last("--health-cmd"), "HealthInterval": last("--health-interval"),
		"HealthOnFailure": last("--health-on-failure"), "HealthRetries": last("--health-retries"),
		"HealthStartPeriod": last("--health-start-period"), "HealthTimeout": last("--health-timeout"),
		"HealthLogDestination": unsupported, "HealthMaxLogCount": unsupported, "HealthMaxLogSize": unsupported,
		"HealthStartupCmd": unsupported, "HealthStartupInterval": unsupported, "HealthStartupRetries": unsupported,
		"HealthStartupSuccess": unsupported, "HealthStartupTimeout": unsupported,
		"HostName": last("--hostname"), "HttpProxy": boolValue("--http-proxy"),
		"IP": last("--ip"), "IP6": unsupported, "Image": custom, "Label": keyVals("--label"),
		"LogDriver": last("--log-driver"), "LogOpt": each("--log-opt"), "Mask": secWords("mask="),
		"Memory": last("--memory"), "Mount": custom, "Network": custom, "NetworkAlias": each("--network-alias"),
		"NoNewPrivileges": {kind: argBool, flag: "--security-opt", prefix: "no-new-privileges"},
		"Notify":          custom, "PidsLimit": last("--pids-limit"), "Pod": custom,
		"PublishPort": each("--publish"), "Pull": last("--pull"),
		"ReadOnly": boolValue("--read-only"), "ReadOnlyTmpfs": boolValue("--read-only-tmpfs"),
		"ReloadCmd": custom, "ReloadSignal": custom,
		"RemapGid": unsupported, "RemapUid": unsupported, "RemapUidSize": unsupported, "RemapUsers": unsupported,
		"Retry": unsupported, "RetryDelay": unsupported, "Rootfs": unsupported,
		"RunInit": boolValue("--init"), "SeccompProfile": secOpt("seccomp="), "Secret": wordsOf("--secret"),
		"SecurityLabelDisable":  {kind: argBool, flag: "--security-opt", prefix: "label=disable"},
		"SecurityLabelNested":   {kind: argBool, flag: "--security-opt", prefix: "label=nested"},
		"SecurityLabelType":     secOpt("label=type:"),
		"SecurityLabelFileType": secOpt("label=filetype:"),
		"SecurityLabelLevel":    secOpt("label=level:"),
		"ShmSize":               last("--shm-size"), "StartWithPod": custom,
		"StopSignal": last("--stop-signal"), "StopTimeout": last("--stop-timeout"),
		"SubGIDMap": unsupported, "SubUIDMap": unsupported, "Sysctl": wordsOf("--sysctl"),
		"Timezone": last("--tz"), "Tmpfs": each("--tmpfs"), "UIDMap": each("--uidmap"),
		"Ulimit": each("--ulimit"), "Unmask": secWords("unmask="), "User": custom,
		"UserNS": last("--userns"), "VolatileTmp": custom, "Volume": custom, "WorkingDir": last("--workdir"),
	}),
	"Volume": withCommon(map[string]keySpec{
		"Copy": unsupported, "Device": {kind: argLast, flag: "--opt", prefix: "device="},
		"Driver": custom, "Group": unsupported, "Image": unsupported, "Label": keyVals("--label"),
		"Options": {kind: argLast, flag: "--opt", prefix: "o="},
		"Type":    {kind: argLast, flag: "--opt", prefix: "type="}, "User": unsupported,
		"VolumeName": custom,
	}),
	"Network": withCommon(map[string]keySpec{
		"DisableDNS": boolFlag("--disable-dns"), "DNS": unsupported, "Driver": last("--driver"),
		"Gateway": custom, "IPAMDriver": unsupported, "IPRange": custom, "IPv6": unsupported,
		"InterfaceName": unsupported, "Internal": boolFlag("--internal"), "Label": keyVals("--label"),
		"NetworkDeleteOnStop": custom, "NetworkName": custom, "Options": unsupported, "Subnet": custom,
	}),
	"Image": withCommon(map[string]keySpec{
		"AllTags": boolFlag("--all-tags"), "Arch": last("--arch"),
		"AuthFile": {kind: argLast, flag: "--authfile", path: true}, "CertDir": unsupported,
		"Creds": last("--creds"), "DecryptionKey": unsupported, "Image": custom, "ImageTag": custom,
		"OS": last("--os"), "Policy": unsupported, "Retry": unsupported, "RetryDelay": unsupported,
		"TLSVerify": boolValue("--tls-verify"), "Variant": last("--variant"),
	}),
	"Pod": withCommon(map[string]keySpec{
		"AddHost": each("--add-host"), "DNS": each("--dns"), "DNSOption": each("--dns-option"),
		"DNSSearch": each("--dns-search"), "ExitPolicy": custom, "GIDMap": unsupported,
		"HostName": last("--hostname"), "IP": unsupported, "IP6": unsupported, "Label": keyVals("--label"),
		"Network": custom, "NetworkAlias": each("--network-alias"), "PodName": custom,
		"PublishPort": each("--publish"),
		"RemapGid":    unsupported, "RemapUid": unsupported, "RemapUidSize": unsupported, "RemapUsers": unsupported,
		"ShmSize": unsupported, "StopTimeout": custom, "SubGIDMap": unsupported, "SubUIDMap": unsupported,
		"UIDMap": unsupported, "UserNS": last("--userns"), "Volume": unsupported,
	}),
	"Kube": withCommon(map[string]keySpec{
		"AutoUpdate": custom, "ConfigMap": custom, "ExitCodePropagation": custom,
		"KubeDownForce": custom, "LogDriver": last("--log-driver"), "LogOpt": unsupported,
		"Network": custom, "PublishPort": each("--publish"),
		"RemapGid": unsupported, "RemapUid": unsupported, "RemapUidSize": unsupported, "RemapUsers": unsupported,
		"SetWorkingDirectory": custom, "UserNS": unsupported, "Yaml": custom,
	}),
}

// quadletGroupKeys are the keys of the [Quadlet] group.
var quadletGroupKeys = map[string]keySpec{"DefaultDependencies": custom}

func withCommon(m map[string]keySpec) map[string]keySpec {
	for k, v := range commonKeys {
		m[k] = v
	}
	return m
}

// checkKeys refuses keys of group that are not in known, and those pm
// knows of but cannot honour.
func checkKeys(src *UnitFile, path, group string, known map[string]keySpec) error {
	for _, s := range src.Sections {
		if s.Name != group {
			continue
		}
		for _, e := range s.Entries {
			spec, ok := known[e.Key]
			if !ok {
				return define.Invalidf("%s:%d: unsupported key %q in group [%s]", path, e.Line, e.Key, group)
			}
			if spec.kind == argUnsupported {
				return define.Invalidf("%s:%d: key %q in group [%s] is not supported by pm", path, e.Line, e.Key, group)
			}
		}
	}
	return nil
}

// parseBool reads a systemd boolean.
func parseBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "1", "yes", "y", "true", "t", "on":
		return true, true
	case "0", "no", "n", "false", "f", "off":
		return false, true
	}
	return false, false
}

// lookupBool reads the last value of a boolean key, def when missing.
func lookupBool(src *UnitFile, group, key string, def bool) (bool, error) {
	v, ok := src.Lookup(group, key)
	if !ok {
		return def, nil
	}
	b, ok := parseBool(v)
	if !ok {
		return false, define.Invalidf("invalid %s %q: use true or false", key, v)
	}
	return b, nil
}

// command is a pm command line being written into a unit: its words,
// each quoted for systemd.
type command struct {
	words []string
}

// add appends words, quoted (systemd's specifiers stay active).
func (c *command) add(ws ...string) {
	for _, w := range ws {
		c.words = append(c.words, Quote(w))
	}
}

// String writes the command, its options on continuation lines.
func (c *command) String() string {
	var b strings.Builder
	for i, w := range c.words {
		if i > 0 {
			if strings.HasPrefix(w, "-") && len(c.words) > 6 {
				b.WriteString("\n\t")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(w)
	}
	return b.String()
}

// words splits every value of key into words.
func (u *quadletUnit) words(key string) ([]string, error) {
	var out []string
	for _, v := range u.f.src.LookupAll(u.f.kind.group, key) {
		w, err := SplitWords(v)
		if err != nil {
			return nil, u.errorf("invalid %s: %v", key, err)
		}
		out = append(out, w...)
	}
	return out, nil
}

// lookup is the last value of key in the file's group.
func (u *quadletUnit) lookup(key string) (string, bool) {
	return u.f.src.Lookup(u.f.kind.group, key)
}

func (u *quadletUnit) lookupBool(key string, def bool) (bool, error) {
	b, err := lookupBool(u.f.src, u.f.kind.group, key, def)
	if err != nil {
		return false, u.errorf("%v", err)
	}
	return b, nil
}

// newCommand starts a pm command: the executable, GlobalArgs, then verb.
func (u *quadletUnit) newCommand(verb ...string) (*command, error) {
	c := &command{}
	c.add(u.c.exe)
	global, err := u.words("GlobalArgs")
	if err != nil {
		return nil, err
	}
	c.add(global...)
	c.add(verb...)
	return c, nil
}

// addKeys adds the options of the group's keys that need no code of
// their own, in the order the file has them.
func (u *quadletUnit) addKeys(c *command) error {
	specs := groupKeys[u.f.kind.group]
	s := u.sectionIfAny(u.f.kind.group)
	if s == nil {
		return nil
	}
	lastAt := map[string]int{}
	for i, e := range s.Entries {
		lastAt[e.Key] = i
	}
	for i, e := range s.Entries {
		spec := specs[e.Key]
		value := func(v string) string {
			if spec.path {
				v = u.absPath(v)
			}
			if spec.flag == "--security-opt" {
				u.securityOpts = append(u.securityOpts, spec.prefix+v)
			}
			return spec.prefix + v
		}
		switch spec.kind {
		case argLast:
			if lastAt[e.Key] == i && e.Value != "" {
				c.add(spec.flag, value(e.Value))
			}
		case argEach:
			if e.Value != "" {
				c.add(spec.flag, value(e.Value))
			}
		case argWords, argKeyVals:
			ws, err := SplitWords(e.Value)
			if err != nil {
				return u.errorf("invalid %s: %v", e.Key, err)
			}
			for _, w := range ws {
				if k, _, ok := strings.Cut(w, "="); spec.kind == argKeyVals && (!ok || k == "") {
					return u.errorf("invalid %s %q: use KEY=VALUE", e.Key, w)
				}
				c.add(spec.flag, value(w))
			}
		case argBool, argBoolValue:
			if lastAt[e.Key] != i {
				continue
			}
			b, ok := parseBool(e.Value)
			if !ok {
				return u.errorf("invalid %s %q: use true or false", e.Key, e.Value)
			}
			switch {
			case b && spec.prefix != "":
				c.add(spec.flag, spec.prefix)
			case b:
				c.add(spec.flag)
			case spec.kind == argBoolValue:
				c.add(spec.flag + "=false")
			}
		}
	}
	return nil
}

// extraArgs adds PodmanArgs= and PmArgs=.
func (u *quadletUnit) extraArgs(c *command) error {
	for _, k := range []string{"PodmanArgs", "PmArgs"} {
		w, err := u.words(k)
		if err != nil {
			return err
		}
		c.add(w...)
	}
	return nil
}
