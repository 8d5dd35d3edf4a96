package systemd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

// QuadletDirsEnv overrides the directories quadlet files are read from
// (colon separated), as Podman's QUADLET_UNIT_DIRS.
const QuadletDirsEnv = "QUADLET_UNIT_DIRS"

// QuadletDirs are the directories searched for quadlet files, earlier ones
// first: a file name found in an earlier directory hides later ones. For a
// user (uid), $XDG_CONFIG_HOME/containers/systemd (configHome) and
// /etc/containers/systemd/users; for root, /etc/containers/systemd and
// /usr/share/containers/systemd. override, when set, replaces them.
func QuadletDirs(user bool, uid int, configHome, override string) []string {
	if override != "" {
		var dirs []string
		for _, d := range strings.Split(override, ":") {
			if d != "" {
				dirs = append(dirs, d)
			}
		}
		return dirs
	}
	if user {
		return []string{
			filepath.Join(configHome, "containers", "systemd"),
			filepath.Join("/etc/containers/systemd/users", fmt.Sprint(uid)),
			"/etc/containers/systemd/users",
		}
	}
	return []string{"/etc/containers/systemd", "/usr/share/containers/systemd"}
}

// quadletKinds are the file suffixes read, with the group of each.
var quadletKinds = map[string]string{".container": "Container", ".volume": "Volume"}

// FindQuadlets returns the quadlet files in dirs (and their
// subdirectories), by file name: the first directory holding a name wins.
// Missing directories are skipped.
func FindQuadlets(dirs []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, dir := range dirs {
		var found []string
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
					return nil
				}
				return err
			}
			if d.IsDir() {
				return nil
			}
			if _, ok := quadletKinds[filepath.Ext(p)]; ok {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", dir, err)
		}
		sort.Strings(found)
		for _, p := range found {
			if b := filepath.Base(p); !seen[b] {
				seen[b] = true
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// QuadletOptions say how quadlet units run pm.
type QuadletOptions struct {
	// Executable is the absolute path of pm.
	Executable string
}

// containerKeys are the keys of a .container file's [Container] group.
var containerKeys = map[string]bool{
	"Image": true, "Exec": true, "Environment": true, "EnvironmentFile": true,
	"PublishPort": true, "Volume": true, "Network": true, "Label": true,
	"Annotation": true, "ContainerName": true, "User": true, "Group": true,
	"WorkingDir": true, "HostName": true, "Notify": true,
	"PmArgs": true, "PodmanArgs": true,
	"SeccompProfile": true, "NoNewPrivileges": true, "Mask": true, "Unmask": true,
	"SecurityLabelDisable": true, "SecurityLabelType": true, "SecurityLabelLevel": true,
	"SecurityLabelFileType": true, "SecurityLabelNested": true,
}

// volumeKeys are the keys of a .volume file's [Volume] group.
var volumeKeys = map[string]bool{
	"VolumeName": true, "Label": true, "Device": true, "Type": true,
	"Options": true, "PmArgs": true, "PodmanArgs": true,
}

// QuadletUnit reads the quadlet file at path and returns its service unit.
// A missing Image, an unknown key or a value that does not parse is an
// error naming the file and the key.
func QuadletUnit(path string, o QuadletOptions) (Unit, error) {
	f, err := os.Open(path)
	if err != nil {
		return Unit{}, define.Invalidf("reading quadlet file: %v", err)
	}
	defer f.Close()
	src, err := ParseUnit(path, f)
	if err != nil {
		return Unit{}, err
	}
	ext := filepath.Ext(path)
	base := strings.TrimSuffix(filepath.Base(path), ext)
	switch ext {
	case ".container":
		return quadletContainer(src, path, base, o)
	case ".volume":
		return quadletVolume(src, path, base, o)
	}
	return Unit{}, define.Invalidf("%s: unsupported quadlet file type %q", path, ext)
}

// checkKeys refuses keys of group that are not in known.
func checkKeys(src *UnitFile, path, group string, known map[string]bool) error {
	for _, s := range src.Sections {
		if s.Name != group {
			continue
		}
		for _, e := range s.Entries {
			if !known[e.Key] {
				return define.Invalidf("%s:%d: unsupported key %q in group [%s]", path, e.Line, e.Key, group)
			}
		}
	}
	return nil
}

// words splits every value of key in group into words.
func words(src *UnitFile, path, group, key string) ([]string, error) {
	var out []string
	for _, v := range src.LookupAll(group, key) {
		w, err := SplitWords(v)
		if err != nil {
			return nil, define.Invalidf("%s: invalid %s: %v", path, key, err)
		}
		out = append(out, w...)
	}
	return out, nil
}

// pmArgs are the extra options of PmArgs= and PodmanArgs=.
func pmArgs(src *UnitFile, path, group string) ([]string, error) {
	a, err := words(src, path, group, "PodmanArgs")
	if err != nil {
		return nil, err
	}
	b, err := words(src, path, group, "PmArgs")
	return append(a, b...), err
}

// newQuadletUnit starts the unit of src: the [Unit] the user wrote, the
// original group kept as X-group (systemd ignores it) for reference.
func newQuadletUnit(src *UnitFile, path, group string) *UnitFile {
	u := &UnitFile{}
	unit := u.Section("Unit")
	if s := src.sectionIfAny("Unit"); s != nil {
		unit.Entries = append(unit.Entries, s.Entries...)
	}
	u.Add("Unit", "SourcePath", path)
	if s := src.sectionIfAny(group); s != nil {
		x := u.Section("X-" + group)
		x.Entries = append(x.Entries, s.Entries...)
	}
	return u
}

func (u *UnitFile) sectionIfAny(name string) *Section {
	for _, s := range u.Sections {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// finishQuadletUnit adds the [Service] the user wrote after pm's own keys
// (so that theirs win), then their [Install].
func finishQuadletUnit(u, src *UnitFile) {
	if s := src.sectionIfAny("Service"); s != nil {
		svc := u.Section("Service")
		svc.Entries = append(svc.Entries, s.Entries...)
	}
	if s := src.sectionIfAny("Install"); s != nil {
		in := u.Section("Install")
		in.Entries = append(in.Entries, s.Entries...)
	}
}

func quadletHeader(path string) string {
	return "# Automatically generated by pm generate quadlet\n# from " + path + "\n\n"
}

func quadletContainer(src *UnitFile, path, base string, o QuadletOptions) (Unit, error) {
	const g = "Container"
	if !src.HasSection(g) {
		return Unit{}, define.Invalidf("%s: no [Container] group", path)
	}
	if err := checkKeys(src, path, g, containerKeys); err != nil {
		return Unit{}, err
	}
	image, ok := src.Lookup(g, "Image")
	if !ok || image == "" {
		return Unit{}, define.Invalidf("%s: no Image key specified", path)
	}
	u := newQuadletUnit(src, path, g)
	name := "systemd-%N"
	if n, ok := src.Lookup(g, "ContainerName"); ok && n != "" {
		name = n
	}
	exe := Quote(o.Executable)
	sdnotify := "conmon"
	if v, ok := src.Lookup(g, "Notify"); ok {
		on, err := parseBool(v)
		if err != nil {
			return Unit{}, define.Invalidf("%s: invalid Notify %q: use true or false", path, v)
		}
		if on {
			sdnotify = "container"
		}
	}
	args := []string{exe + " run", "--name=" + Quote(name), "--cidfile=%t/%N.cid", "--replace", "--rm",
		"--cgroups=split", "--sdnotify=" + sdnotify, "-d"}
	var deps []string
	add := func(flag string, vals []string) {
		for _, v := range vals {
			args = append(args, flag+" "+Quote(v))
		}
	}
	for _, key := range []struct{ key, flag string }{{"Environment", "-e"}, {"Label", "--label"}, {"Annotation", "--annotation"}} {
		w, err := words(src, path, g, key.key)
		if err != nil {
			return Unit{}, err
		}
		for _, kv := range w {
			if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
				return Unit{}, define.Invalidf("%s: invalid %s %q: use KEY=VALUE", path, key.key, kv)
			}
		}
		add(key.flag, w)
	}
	add("--env-file", src.LookupAll(g, "EnvironmentFile"))
	add("--publish", src.LookupAll(g, "PublishPort"))
	for _, v := range src.LookupAll(g, "Volume") {
		srcPart, rest, hasDst := strings.Cut(v, ":")
		if !hasDst || srcPart == "" || rest == "" {
			return Unit{}, define.Invalidf("%s: invalid Volume %q: use SOURCE:DESTINATION[:OPTIONS]", path, v)
		}
		if strings.HasSuffix(srcPart, ".volume") {
			vol := strings.TrimSuffix(srcPart, ".volume")
			deps = append(deps, vol+"-volume.service")
			srcPart = "systemd-" + vol
		}
		add("-v", []string{srcPart + ":" + rest})
	}
	for _, v := range src.LookupAll(g, "Network") {
		add("--network", []string{v})
	}
	user, _ := src.Lookup(g, "User")
	if grp, ok := src.Lookup(g, "Group"); ok && grp != "" {
		if user == "" {
			return Unit{}, define.Invalidf("%s: Group needs User", path)
		}
		user += ":" + grp
	}
	if user != "" {
		add("--user", []string{user})
	}
	if wd, ok := src.Lookup(g, "WorkingDir"); ok && wd != "" {
		add("-w", []string{wd})
	}
	if h, ok := src.Lookup(g, "HostName"); ok && h != "" {
		add("--hostname", []string{h})
	}
	secOpts, err := quadletSecurityOpts(src, path, g)
	if err != nil {
		return Unit{}, err
	}
	add("--security-opt", secOpts)
	extra, err := pmArgs(src, path, g)
	if err != nil {
		return Unit{}, err
	}
	for _, a := range extra {
		args = append(args, Quote(a))
	}
	last := []string{Quote(image)}
	exec, err := words(src, path, g, "Exec")
	if err != nil {
		return Unit{}, err
	}
	for _, a := range exec {
		last = append(last, Quote(a))
	}
	args = append(args, strings.Join(last, " "))

	u.Add("Unit", "Wants", "network-online.target")
	u.Add("Unit", "After", "network-online.target")
	if len(deps) > 0 {
		u.Add("Unit", "Requires", strings.Join(deps, " "))
		u.Add("Unit", "After", strings.Join(deps, " "))
	}
	u.Add("Service", "Environment", "PM_SYSTEMD_UNIT=%n")
	u.Add("Service", "KillMode", "mixed")
	stop := exe + " rm -v -f -i --cidfile=%t/%N.cid"
	u.Add("Service", "ExecStop", stop)
	u.Add("Service", "ExecStopPost", "-"+stop)
	u.Add("Service", "Delegate", "yes")
	u.Add("Service", "Type", "notify")
	u.Add("Service", "NotifyAccess", "all")
	u.Add("Service", "SyslogIdentifier", "%N")
	u.Add("Service", "ExecStart", strings.Join(args, "\n\t"))
	finishQuadletUnit(u, src)
	return Unit{Name: base + ".service", Text: quadletHeader(path) + u.String()}, nil
}

// quadletSecurityOpts turns the security keys of a [Container] group into
// --security-opt values, checked as pm run checks them.
func quadletSecurityOpts(src *UnitFile, path, g string) ([]string, error) {
	var opts []string
	for _, k := range []struct{ key, opt string }{
		{"SeccompProfile", "seccomp="}, {"Mask", "mask="}, {"Unmask", "unmask="},
		{"SecurityLabelType", "label=type:"}, {"SecurityLabelLevel", "label=level:"},
		{"SecurityLabelFileType", "label=filetype:"},
	} {
		for _, v := range src.LookupAll(g, k.key) {
			if v != "" {
				opts = append(opts, k.opt+v)
			}
		}
	}
	for _, k := range []struct{ key, opt string }{
		{"NoNewPrivileges", "no-new-privileges"}, {"SecurityLabelDisable", "label=disable"},
		{"SecurityLabelNested", "label=nested"},
	} {
		v, ok := src.Lookup(g, k.key)
		if !ok {
			continue
		}
		on, err := parseBool(v)
		if err != nil {
			return nil, define.Invalidf("%s: invalid %s %q: use true or false", path, k.key, v)
		}
		if on {
			opts = append(opts, k.opt)
		}
	}
	var sec specgen.Security
	if err := sec.ParseSecurityOpts(opts, specgen.SecurityOptSyntax{Field: path + ": security key"}); err != nil {
		return nil, err
	}
	return opts, nil
}

// parseBool reads a systemd boolean.
func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true", "yes", "1", "on":
		return true, nil
	case "false", "no", "0", "off":
		return false, nil
	}
	return false, define.Invalidf("not a boolean: %q", v)
}

func quadletVolume(src *UnitFile, path, base string, o QuadletOptions) (Unit, error) {
	const g = "Volume"
	if err := checkKeys(src, path, g, volumeKeys); err != nil {
		return Unit{}, err
	}
	u := newQuadletUnit(src, path, g)
	name := "systemd-" + base
	if n, ok := src.Lookup(g, "VolumeName"); ok && n != "" {
		name = n
	}
	args := []string{Quote(o.Executable), "volume", "create", "--ignore"}
	labels, err := words(src, path, g, "Label")
	if err != nil {
		return Unit{}, err
	}
	for _, l := range labels {
		args = append(args, "--label", Quote(l))
	}
	for _, kv := range []struct{ key, opt string }{{"Type", "type"}, {"Device", "device"}, {"Options", "o"}} {
		if v, ok := src.Lookup(g, kv.key); ok && v != "" {
			args = append(args, "--opt", Quote(kv.opt+"="+v))
		}
	}
	extra, err := pmArgs(src, path, g)
	if err != nil {
		return Unit{}, err
	}
	for _, a := range extra {
		args = append(args, Quote(a))
	}
	args = append(args, Quote(name))
	u.Add("Service", "ExecStart", strings.Join(args, " "))
	u.Add("Service", "Type", "oneshot")
	u.Add("Service", "RemainAfterExit", "yes")
	u.Add("Service", "SyslogIdentifier", "%N")
	finishQuadletUnit(u, src)
	return Unit{Name: base + "-volume.service", Text: quadletHeader(path) + u.String()}, nil
}

// InstallLinks are the symbolic links that enable u as its [Install]
// section asks (WantedBy=, RequiredBy=): directory (e.g.
// default.target.wants) to unit name. A generator cannot run systemctl
// enable, so it makes them itself.
func InstallLinks(u Unit) (map[string][]string, error) {
	parsed, err := ParseUnit(u.Name, strings.NewReader(u.Text))
	if err != nil {
		return nil, err
	}
	links := map[string][]string{}
	for key, suffix := range map[string]string{"WantedBy": ".wants", "RequiredBy": ".requires"} {
		for _, v := range parsed.LookupAll("Install", key) {
			targets, err := SplitWords(v)
			if err != nil {
				return nil, err
			}
			for _, t := range targets {
				links[t+suffix] = append(links[t+suffix], u.Name)
			}
		}
	}
	return links, nil
}
