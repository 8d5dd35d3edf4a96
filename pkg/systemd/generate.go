package systemd

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// Options are the choices of pm generate systemd.
type Options struct {
	// New makes units that create the container (pm run --replace --rm)
	// on start and remove it on stop, instead of starting and stopping the
	// existing container.
	New bool
	// UseName names units and commands by the container's name; else by ID.
	UseName bool
	// RestartPolicy is Restart=; "" means the container's own --restart
	// policy for a --new unit (unless-stopped being always), else
	// on-failure. RestartSec is RestartSec= (0: not written).
	RestartPolicy string
	RestartSec    uint
	// StopTimeout overrides the container's stop timeout; nil keeps it.
	StopTimeout *uint
	// StartTimeout is TimeoutStartSec= (0: not written).
	StartTimeout uint
	// ContainerPrefix, PodPrefix and Separator make the unit names
	// ("container", "pod", "-").
	ContainerPrefix, PodPrefix, Separator string
	// NoHeader leaves out the comment header.
	NoHeader bool
	// After, Wants and Requires add unit dependencies.
	After, Wants, Requires []string
	// Env are KEY=VALUE for Environment= lines.
	Env []string
	// Template writes a template unit (NAME@.service), --new only.
	Template bool
	// GlobalTakesValue, CreateTakesValue and PodCreateTakesValue tell the
	// options of pm, of pm run and of pm pod create that take a value, to
	// read a create command.
	GlobalTakesValue, CreateTakesValue, PodCreateTakesValue TakesValue
	// Now is the header's time.
	Now time.Time
}

// restartPolicies are the values of systemd's Restart=.
var restartPolicies = []string{"no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort", "always"}

// Validate checks o and fills its defaults.
func (o *Options) Validate() error {
	ok := o.RestartPolicy == ""
	for _, p := range restartPolicies {
		ok = ok || p == o.RestartPolicy
	}
	if !ok {
		return define.Invalidf("invalid --restart-policy %q: must be one of %s", o.RestartPolicy, strings.Join(restartPolicies, ", "))
	}
	if o.Template && !o.New {
		return define.Invalidf("--template cannot be set without --new")
	}
	if o.ContainerPrefix == "" {
		o.ContainerPrefix = "container"
	}
	if o.PodPrefix == "" {
		o.PodPrefix = "pod"
	}
	if o.Separator == "" {
		o.Separator = "-"
	}
	for _, e := range o.Env {
		if k, _, ok := strings.Cut(e, "="); !ok || k == "" {
			return define.Invalidf("invalid --env %q: use KEY=VALUE", e)
		}
	}
	return nil
}

// Container is what a container's unit is made from.
type Container struct {
	ID, Name string
	// Executable is the absolute path of pm.
	Executable string
	// CreateCommand is the command line that created the container.
	CreateCommand []string
	StopTimeout   uint
	// PIDFile is conmon's pid file, for Type=forking units.
	PIDFile string
	// RunRoot is pm's run root, for RequiresMountsFor=.
	RunRoot string
}

// Pod is what a pod's unit is made from: its infra container runs the pod.
type Pod struct {
	ID, Name string
	Infra    Container
	// CreateCommand is the command line that created the pod.
	CreateCommand []string
}

// Unit is one generated unit file.
type Unit struct {
	Name string // e.g. container-web.service
	Text string
}

func (o *Options) ident(id, name string) string {
	if o.UseName {
		return name
	}
	return id
}

func (o *Options) unitName(prefix, ident string) string {
	n := ident
	if prefix != "" {
		n = prefix + o.Separator + ident
	}
	if o.Template {
		n += "@"
	}
	return n + ".service"
}

// ContainerUnit writes the unit of a container, or of a pod's member when
// pod is the pod's unit name.
func ContainerUnit(c Container, pod string, o Options) (Unit, error) {
	if err := o.Validate(); err != nil {
		return Unit{}, err
	}
	return containerUnit(c, podUnit{name: pod}, &o)
}

// podUnit is the unit of the pod a member's unit is bound to.
type podUnit struct {
	name string // "" for a container outside a pod
	// idFile is where a --new pod unit writes the pod's ID ("%t/NAME.pod-id"),
	// which its members' pm run reads; "" for units of existing pods.
	idFile string
}

func containerUnit(c Container, pod podUnit, o *Options) (Unit, error) {
	ident := o.ident(c.ID, c.Name)
	name := o.unitName(o.ContainerPrefix, ident)
	stop := c.StopTimeout
	if o.StopTimeout != nil {
		stop = *o.StopTimeout
	}
	u := &UnitFile{Name: name}
	o.unitSection(u, name, c.RunRoot)
	if pod.name != "" {
		u.Add("Unit", "BindsTo", pod.name)
		u.Add("Unit", "After", pod.name)
	}
	o.extraDeps(u)
	policy, startLimit := o.RestartPolicy, ""
	var start string
	if o.New {
		if len(c.CreateCommand) == 0 {
			return Unit{}, define.Invalidf("container %s has no recorded create command (it was not made by pm run or pm create): it cannot have a --new unit", ident)
		}
		var restart string
		var err error
		start, restart, err = newCommand(c.Executable, c.CreateCommand, pod.idFile, o)
		if err != nil {
			return Unit{}, err
		}
		if policy == "" && restart != "" {
			policy, startLimit = unitRestart(restart)
		}
	}
	if policy == "" {
		policy = "on-failure"
	}
	o.serviceHead(u, stop, policy, startLimit)
	exe := Quote(c.Executable)
	global := globalArgs(c.CreateCommand, o.GlobalTakesValue)
	g := ""
	for _, a := range global {
		g += " " + QuoteLiteral(a)
	}
	t := strconv.FormatUint(uint64(stop), 10)
	if o.New {
		u.Add("Service", "ExecStart", start)
		u.Add("Service", "ExecStop", exe+g+" stop\n\t--ignore -t "+t+"\n\t--cidfile=%t/%n.ctr-id")
		u.Add("Service", "ExecStopPost", exe+g+" rm\n\t-f\n\t--ignore -t "+t+"\n\t--cidfile=%t/%n.ctr-id")
		u.Add("Service", "Type", "notify")
		u.Add("Service", "NotifyAccess", "all")
	} else {
		id := QuoteLiteral(ident)
		u.Add("Service", "ExecStart", exe+g+" start "+id)
		u.Add("Service", "ExecStop", exe+g+" stop\n\t-t "+t+" "+id)
		u.Add("Service", "ExecStopPost", exe+g+" stop\n\t-t "+t+" "+id)
		u.Add("Service", "PIDFile", c.PIDFile)
		u.Add("Service", "Type", "forking")
	}
	u.Add("Install", "WantedBy", "default.target")
	return Unit{Name: name, Text: o.header(name) + u.String()}, nil
}

// PodUnits writes the unit of a pod, which starts its infra container and
// wants its members' units, then one unit per member, each bound to the
// pod's. The pod's unit comes first. With --new, the pod's unit creates
// the pod (from the command line that created it) and removes it on stop,
// and its members' units create their containers in it.
func PodUnits(p Pod, members []Container, o Options) ([]Unit, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if o.Template {
		return nil, define.Invalidf("--template is not supported for pods")
	}
	name := o.unitName(o.PodPrefix, o.ident(p.ID, p.Name))
	base := strings.TrimSuffix(name, ".service")
	pod := podUnit{name: name}
	if o.New {
		pod.idFile = "%t/" + base + ".pod-id"
	}
	var units []Unit
	var memberNames []string
	for _, m := range members {
		mu, err := containerUnit(m, pod, &o)
		if err != nil {
			return nil, err
		}
		units = append(units, mu)
		memberNames = append(memberNames, mu.Name)
	}
	sort.Strings(memberNames)
	stop := p.Infra.StopTimeout
	if o.StopTimeout != nil {
		stop = *o.StopTimeout
	}
	u := &UnitFile{Name: name}
	o.unitSection(u, name, p.Infra.RunRoot)
	if len(memberNames) > 0 {
		u.Add("Unit", "Wants", strings.Join(memberNames, " "))
		u.Add("Unit", "Before", strings.Join(memberNames, " "))
	}
	o.extraDeps(u)
	policy := o.RestartPolicy
	if policy == "" {
		policy = "on-failure"
	}
	o.serviceHead(u, stop, policy, "")
	exe := Quote(p.Infra.Executable)
	createCmd := p.Infra.CreateCommand
	if o.New {
		createCmd = p.CreateCommand
	}
	g := ""
	for _, a := range globalArgs(createCmd, o.GlobalTakesValue) {
		g += " " + QuoteLiteral(a)
	}
	t := strconv.FormatUint(uint64(stop), 10)
	if o.New {
		if len(p.CreateCommand) == 0 {
			return nil, define.Invalidf("pod %s has no recorded create command (it was not made by pm pod create): it cannot have a --new unit", o.ident(p.ID, p.Name))
		}
		pidFile := "%t/" + base + ".pid"
		create, err := podCreateCommand(p.Infra.Executable, p.CreateCommand, pidFile, pod.idFile, &o)
		if err != nil {
			return nil, err
		}
		u.Add("Service", "ExecStartPre", create)
		u.Add("Service", "ExecStart", exe+g+" pod start\n\t--pod-id-file "+pod.idFile)
		u.Add("Service", "ExecStop", exe+g+" pod stop\n\t--ignore\n\t--pod-id-file "+pod.idFile+"\n\t-t "+t)
		u.Add("Service", "ExecStopPost", exe+g+" pod rm\n\t--ignore\n\t-f\n\t--pod-id-file "+pod.idFile)
		u.Add("Service", "PIDFile", pidFile)
	} else {
		infra := QuoteLiteral(o.ident(p.Infra.ID, p.Infra.Name))
		u.Add("Service", "ExecStart", exe+g+" start "+infra)
		u.Add("Service", "ExecStop", exe+g+" stop\n\t-t "+t+" "+infra)
		u.Add("Service", "ExecStopPost", exe+g+" stop\n\t-t "+t+" "+infra)
		u.Add("Service", "PIDFile", p.Infra.PIDFile)
	}
	u.Add("Service", "Type", "forking")
	u.Add("Install", "WantedBy", "default.target")
	return append([]Unit{{Name: name, Text: o.header(name) + u.String()}}, units...), nil
}

// unitRestart turns a container's --restart policy into systemd's
// Restart= and, for on-failure:N, StartLimitBurst=N.
func unitRestart(policy string) (restart, startLimit string) {
	name, n, _ := strings.Cut(policy, ":")
	switch name {
	case "unless-stopped":
		return "always", ""
	case "on-failure":
		return name, n
	}
	return name, ""
}

func (o *Options) header(name string) string {
	if o.NoHeader {
		return ""
	}
	h := "# " + name + "\n# autogenerated by pm\n"
	if !o.Now.IsZero() {
		h += "# " + o.Now.Format(time.UnixDate) + "\n"
	}
	return h + "\n"
}

func (o *Options) unitSection(u *UnitFile, name, runRoot string) {
	u.Add("Unit", "Description", "pm "+name)
	u.Add("Unit", "Documentation", "man:pm-generate-systemd(1)")
	u.Add("Unit", "Wants", "network-online.target")
	u.Add("Unit", "After", "network-online.target")
	if runRoot != "" {
		u.Add("Unit", "RequiresMountsFor", runRoot)
	}
}

func (o *Options) extraDeps(u *UnitFile) {
	for _, d := range []struct {
		key  string
		vals []string
	}{{"Wants", o.Wants}, {"After", o.After}, {"Requires", o.Requires}} {
		if len(d.vals) > 0 {
			u.Add("Unit", d.key, strings.Join(d.vals, " "))
		}
	}
}

func (o *Options) serviceHead(u *UnitFile, stop uint, restart, startLimit string) {
	u.Add("Service", "Environment", "PM_SYSTEMD_UNIT=%n")
	for _, e := range o.Env {
		u.Add("Service", "Environment", Quote(strings.ReplaceAll(e, "%", "%%")))
	}
	u.Add("Service", "Restart", restart)
	if startLimit != "" {
		// The number of restarts on-failure:N allows, in [Unit] where
		// systemd reads it.
		u.Add("Unit", "StartLimitBurst", startLimit)
	}
	if o.RestartSec > 0 {
		u.Add("Service", "RestartSec", fmt.Sprint(o.RestartSec))
	}
	// systemd kills what is left once pm's own stop timeout has passed.
	u.Add("Service", "TimeoutStopSec", fmt.Sprint(60+stop))
	if o.StartTimeout > 0 {
		u.Add("Service", "TimeoutStartSec", fmt.Sprint(o.StartTimeout))
	}
}
