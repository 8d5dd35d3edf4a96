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
)

// QuadletDirsEnv overrides the directories quadlet files are read from
// (colon separated), as Podman's QUADLET_UNIT_DIRS.
const QuadletDirsEnv = "QUADLET_UNIT_DIRS"

// QuadletDirs are the directories searched for quadlet files, earlier ones
// first: a file name found in an earlier directory hides later ones. For a
// user (uid), $XDG_RUNTIME_DIR/containers/systemd (runtimeDir, when set),
// $XDG_CONFIG_HOME/containers/systemd (configHome),
// /etc/containers/systemd/users/UID and /etc/containers/systemd/users; for
// root, /run/containers/systemd, /etc/containers/systemd and
// /usr/share/containers/systemd. override, when set, replaces them.
func QuadletDirs(user bool, uid int, runtimeDir, configHome, override string) []string {
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
		var dirs []string
		if runtimeDir != "" {
			dirs = append(dirs, filepath.Join(runtimeDir, "containers", "systemd"))
		}
		return append(dirs,
			filepath.Join(configHome, "containers", "systemd"),
			filepath.Join("/etc/containers/systemd/users", fmt.Sprint(uid)),
			"/etc/containers/systemd/users",
		)
	}
	return []string{"/run/containers/systemd", "/etc/containers/systemd", "/usr/share/containers/systemd"}
}

// quadletKind is one type of quadlet file.
type quadletKind struct {
	group string // the file's own group, e.g. Container
	// suffix is added to the file's base name to name its service, e.g.
	// data.volume runs as data-volume.service.
	suffix string
	// nameKey names the pm object the unit makes, when it makes one
	// (ContainerName, PodName, ...); "" for kinds that make none or
	// (.image) name it otherwise.
	nameKey string
}

// quadletKinds are the file suffixes read.
var quadletKinds = map[string]quadletKind{
	".container": {group: "Container", nameKey: "ContainerName"},
	".volume":    {group: "Volume", suffix: "-volume", nameKey: "VolumeName"},
	".network":   {group: "Network", suffix: "-network", nameKey: "NetworkName"},
	".pod":       {group: "Pod", suffix: "-pod", nameKey: "PodName"},
	".kube":      {group: "Kube"},
	".image":     {group: "Image", suffix: "-image"},
}

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

// quadletFile is one quadlet file read, with what other files need to
// know of it to refer to it.
type quadletFile struct {
	path string
	kind quadletKind
	src  *UnitFile
	// service is the name of the unit made from the file, e.g.
	// web.service.
	service string
	// resource is the name of the pm object the unit makes (container,
	// pod, network, volume, image); "" when it makes none or its name
	// depends on systemd's specifiers, so that others cannot refer to it.
	resource string
	// members are, for a .pod, the units of the containers that start
	// with the pod.
	members []string
}

// QuadletUnits reads the quadlet files at paths and returns their service
// units. Files refer to each other by file name (Network=db.network,
// Pod=app.pod, Image=base.image, Volume=data.volume:/data, and the
// dependencies of [Unit]), so all are read before any is converted. A file
// that cannot be read or converted is an error naming it; the others'
// units are still returned.
func QuadletUnits(paths []string, o QuadletOptions) ([]Unit, []error) {
	var errs []error
	files := map[string]*quadletFile{}
	var order []*quadletFile
	for _, p := range paths {
		f, err := readQuadlet(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files[filepath.Base(p)] = f
		order = append(order, f)
	}
	// A container starts with its pod unless it says otherwise.
	for _, f := range order {
		if f.kind.group != "Container" {
			continue
		}
		pod, ok := f.src.Lookup("Container", "Pod")
		if !ok || !strings.HasSuffix(pod, ".pod") || files[pod] == nil {
			continue
		}
		start, err := lookupBool(f.src, "Container", "StartWithPod", true)
		if err == nil && start {
			files[pod].members = append(files[pod].members, f.service)
		}
	}
	c := &quadletConverter{files: files, exe: o.Executable}
	var units []Unit
	for _, f := range order {
		u, err := c.convert(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		units = append(units, u)
	}
	return units, errs
}

// readQuadlet parses the file at path and works out its unit's and
// resource's names.
func readQuadlet(path string) (*quadletFile, error) {
	ext := filepath.Ext(path)
	kind, ok := quadletKinds[ext]
	if !ok {
		return nil, define.Invalidf("%s: unsupported quadlet file type %q", path, ext)
	}
	r, err := os.Open(path)
	if err != nil {
		return nil, define.Invalidf("reading quadlet file: %v", err)
	}
	defer r.Close()
	src, err := ParseUnit(path, r)
	if err != nil {
		return nil, err
	}
	f := &quadletFile{path: path, kind: kind, src: src}
	base := strings.TrimSuffix(filepath.Base(path), ext)
	template := strings.HasSuffix(base, "@")
	if n, ok := src.Lookup(kind.group, "ServiceName"); ok && n != "" {
		f.service = n + ".service"
	} else if template {
		f.service = strings.TrimSuffix(base, "@") + kind.suffix + "@.service"
	} else {
		f.service = base + kind.suffix + ".service"
	}
	switch {
	case kind.group == "Image":
		f.resource, _ = src.Lookup("Image", "Image")
		if tag, ok := src.Lookup("Image", "ImageTag"); ok && tag != "" {
			f.resource = tag
		}
	case kind.nameKey != "":
		name := resourceName(src, kind, base)
		// Others can refer to a name only systemd's %N makes.
		name = strings.ReplaceAll(name, "%N", strings.TrimSuffix(f.service, ".service"))
		if !strings.Contains(name, "%") {
			f.resource = name
		}
	}
	return f, nil
}

// resourceName is the name of the object a file makes, as written in its
// unit: its name key, else systemd- and the file's base name (for a
// template, systemd-%p_%i for a container, NAME-%i otherwise).
func resourceName(src *UnitFile, kind quadletKind, base string) string {
	if n, ok := src.Lookup(kind.group, kind.nameKey); ok && n != "" {
		return n
	}
	template := strings.HasSuffix(base, "@")
	switch {
	case kind.group == "Container" && template:
		return "systemd-%p_%i"
	case kind.group == "Container":
		return "systemd-%N"
	case template:
		return "systemd-" + strings.TrimSuffix(base, "@") + "-%i"
	}
	return "systemd-" + base
}

// quadletConverter turns quadlet files into units, resolving the
// references between them.
type quadletConverter struct {
	files map[string]*quadletFile
	exe   string
}

func (c *quadletConverter) convert(f *quadletFile) (Unit, error) {
	if !f.src.HasSection(f.kind.group) {
		return Unit{}, define.Invalidf("%s: no [%s] group", f.path, f.kind.group)
	}
	for _, k := range []string{"User", "Group", "DynamicUser"} {
		if _, ok := f.src.Lookup("Service", k); ok {
			return Unit{}, define.Invalidf("%s: key %q in group [Service] is not supported: place the file in the user's quadlet directory instead", f.path, k)
		}
	}
	if err := checkKeys(f.src, f.path, "Quadlet", quadletGroupKeys); err != nil {
		return Unit{}, err
	}
	if err := checkKeys(f.src, f.path, f.kind.group, groupKeys[f.kind.group]); err != nil {
		return Unit{}, err
	}
	u := &quadletUnit{f: f, c: c, out: &UnitFile{Name: f.service}}
	if err := u.start(); err != nil {
		return Unit{}, err
	}
	var err error
	switch f.kind.group {
	case "Container":
		err = u.container()
	case "Volume":
		err = u.volume()
	case "Network":
		err = u.network()
	case "Image":
		err = u.image()
	case "Pod":
		err = u.pod()
	case "Kube":
		err = u.kube()
	}
	if err != nil {
		return Unit{}, err
	}
	u.finish()
	return Unit{Name: f.service, Text: quadletHeader(f.path) + u.out.String()}, nil
}

// quadletUnit is the unit being made from one quadlet file.
type quadletUnit struct {
	f   *quadletFile
	c   *quadletConverter
	out *UnitFile
	// deps are the dependencies added on other quadlet files' units.
	deps map[string]bool
	// securityOpts are the --security-opt values the unit's keys give,
	// checked together once all keys are read.
	securityOpts []string
}

func (u *quadletUnit) errorf(format string, args ...any) error {
	return define.Invalidf("%s: %s", u.f.path, fmt.Sprintf(format, args...))
}

// unitDependencyKeys are the [Unit] keys whose values may name quadlet
// files, turned into the names of their units.
var unitDependencyKeys = map[string]bool{
	"After": true, "Before": true, "BindsTo": true, "Conflicts": true, "OnFailure": true,
	"OnSuccess": true, "PartOf": true, "PropagatesReloadTo": true, "PropagatesStopTo": true,
	"ReloadPropagatedFrom": true, "Requires": true, "Requisite": true,
	"StopPropagatedFrom": true, "Upholds": true, "Wants": true,
}

// start writes the [Unit] the user wrote (dependencies on quadlet files
// turned into their units), the network dependency unless the [Quadlet]
// group turns it off, SourcePath= and the original group kept as
// X-group, which systemd ignores.
func (u *quadletUnit) start() error {
	unit := u.out.Section("Unit")
	defaults, err := lookupBool(u.f.src, "Quadlet", "DefaultDependencies", true)
	if err != nil {
		return u.errorf("%v", err)
	}
	if defaults {
		u.out.Add("Unit", "Wants", "network-online.target")
		u.out.Add("Unit", "After", "network-online.target")
	}
	if s := u.f.src.sectionIfAny("Unit"); s != nil {
		for _, e := range s.Entries {
			if unitDependencyKeys[e.Key] {
				v, err := u.translateDeps(e.Value)
				if err != nil {
					return err
				}
				e.Value = v
			}
			unit.Entries = append(unit.Entries, e)
		}
	}
	u.out.Add("Unit", "SourcePath", u.f.path)
	for _, g := range []string{u.f.kind.group, "Quadlet"} {
		if s := u.f.src.sectionIfAny(g); s != nil {
			x := u.out.Section("X-" + g)
			x.Entries = append(x.Entries, s.Entries...)
		}
	}
	return nil
}

// translateDeps turns the quadlet file names in a dependency list into
// their units' names.
func (u *quadletUnit) translateDeps(v string) (string, error) {
	names, err := SplitWords(v)
	if err != nil {
		return "", u.errorf("invalid dependency %q: %v", v, err)
	}
	for i, n := range names {
		if _, ok := quadletKinds[filepath.Ext(n)]; !ok {
			continue
		}
		f, ok := u.c.files[n]
		if !ok {
			return "", u.errorf("dependency on %s: no such quadlet file", n)
		}
		names[i] = f.service
	}
	return strings.Join(names, " "), nil
}

// ref resolves a reference to another quadlet file (name, e.g.
// db.network): the unit then requires and follows the other's, and the
// pm object it makes is returned.
func (u *quadletUnit) ref(name string) (string, error) {
	f, ok := u.c.files[name]
	if !ok {
		return "", u.errorf("%s: no such quadlet file", name)
	}
	if f.resource == "" {
		return "", u.errorf("the name of what %s makes depends on systemd's specifiers: it cannot be referred to", name)
	}
	u.depend("Requires", f.service)
	return f.resource, nil
}

// depend adds key= (Requires or BindsTo) and After= on unit, once.
func (u *quadletUnit) depend(key, unit string) {
	if u.deps == nil {
		u.deps = map[string]bool{}
	}
	if u.deps[key+" "+unit] {
		return
	}
	u.deps[key+" "+unit] = true
	u.out.Add("Unit", key, unit)
	u.out.Add("Unit", "After", unit)
}

// finish adds the [Service] the user wrote after pm's own keys (so that
// theirs win), then their [Install].
func (u *quadletUnit) finish() {
	if s := u.f.src.sectionIfAny("Service"); s != nil {
		svc := u.out.Section("Service")
		svc.Entries = append(svc.Entries, s.Entries...)
	}
	if s := u.f.src.sectionIfAny("Install"); s != nil {
		in := u.out.Section("Install")
		in.Entries = append(in.Entries, s.Entries...)
	}
}

// userService is the value of key in the user's [Service] group.
func (u *quadletUnit) userService(key string) (string, bool) {
	return u.f.src.Lookup("Service", key)
}

// oneshot makes the unit a one-shot service that stays active, unless
// the user's [Service] says otherwise.
func (u *quadletUnit) oneshot() {
	if _, ok := u.userService("Type"); !ok {
		u.out.Add("Service", "Type", "oneshot")
	}
	if _, ok := u.userService("RemainAfterExit"); !ok {
		u.out.Add("Service", "RemainAfterExit", "yes")
	}
	u.syslogIdentifier()
}

func (u *quadletUnit) syslogIdentifier() {
	if _, ok := u.userService("SyslogIdentifier"); !ok {
		u.out.Add("Service", "SyslogIdentifier", "%N")
	}
}

// killMode sets KillMode=mixed unless the user chose mixed or
// control-group, the two that let conmon stop the container.
func (u *quadletUnit) killMode() error {
	switch v, ok := u.userService("KillMode"); {
	case !ok:
		u.out.Add("Service", "KillMode", "mixed")
	case v != "mixed" && v != "control-group":
		return u.errorf("invalid KillMode %q: use mixed or control-group", v)
	}
	return nil
}

// notifyType makes the unit Type=notify, or leaves it oneshot when the
// user asks; it reports whether the unit is oneshot.
func (u *quadletUnit) notifyType() (bool, error) {
	switch v, _ := u.userService("Type"); v {
	case "oneshot":
		return true, nil
	case "", "notify":
		u.out.Add("Service", "Type", "notify")
		u.out.Add("Service", "NotifyAccess", "all")
		return false, nil
	default:
		return false, u.errorf("invalid service Type %q: use notify or oneshot", v)
	}
}

func (u *quadletUnit) sectionIfAny(name string) *Section { return u.f.src.sectionIfAny(name) }

func (u *UnitFile) sectionIfAny(name string) *Section {
	for _, s := range u.Sections {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func quadletHeader(path string) string {
	return "# Automatically generated by pm generate quadlet\n# from " + path + "\n\n"
}

// absPath makes a relative path of a quadlet file relative to the file's
// directory; a path starting with a systemd specifier is left as written.
func (u *quadletUnit) absPath(p string) string {
	if p == "" || filepath.IsAbs(p) || strings.HasPrefix(p, "%") {
		return p
	}
	return filepath.Join(filepath.Dir(u.f.path), p)
}

// InstallLinks are the symbolic links that enable u as its [Install]
// section asks (WantedBy=, RequiredBy=, UpheldBy=, Alias=): directory
// (e.g. default.target.wants, or "" for an alias, which is a link of its
// own) to the names of the links, which point at the unit. A generator
// cannot run systemctl enable, so it makes them itself.
func InstallLinks(u Unit) (map[string][]string, error) {
	parsed, err := ParseUnit(u.Name, strings.NewReader(u.Text))
	if err != nil {
		return nil, err
	}
	links := map[string][]string{}
	for key, suffix := range map[string]string{"WantedBy": ".wants", "RequiredBy": ".requires", "UpheldBy": ".upholds"} {
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
	for _, v := range parsed.LookupAll("Install", "Alias") {
		aliases, err := SplitWords(v)
		if err != nil {
			return nil, err
		}
		links[""] = append(links[""], aliases...)
	}
	return links, nil
}
