package systemd

import (
	"path/filepath"
	"strings"
)

// volume writes the unit of a .volume file: a one-shot pm volume create
// that leaves an existing volume alone.
func (u *quadletUnit) volume() error {
	c, err := u.newCommand("volume", "create", "--ignore")
	if err != nil {
		return err
	}
	if d, ok := u.lookup("Driver"); ok && d != "" {
		if d != "local" {
			return u.errorf("Driver=%s is not supported by pm: its volumes use the local driver", d)
		}
		c.add("--driver", d)
	}
	if err := u.addKeys(c); err != nil {
		return err
	}
	if err := u.extraArgs(c); err != nil {
		return err
	}
	c.add(u.f.resourceOrTemplate())
	u.out.Add("Service", "ExecStart", c.String())
	u.oneshot()
	return nil
}

// resourceOrTemplate is the name of what the file makes as its unit
// writes it, systemd's specifiers included.
func (f *quadletFile) resourceOrTemplate() string {
	base := strings.TrimSuffix(filepath.Base(f.path), filepath.Ext(f.path))
	return resourceName(f.src, f.kind, base)
}

// network writes the unit of a .network file: a one-shot pm network
// create that leaves an existing network alone, and removes it on stop
// with NetworkDeleteOnStop=true.
func (u *quadletUnit) network() error {
	name := u.f.resourceOrTemplate()
	c, err := u.newCommand("network", "create", "--ignore")
	if err != nil {
		return err
	}
	if err := u.addKeys(c); err != nil {
		return err
	}
	subnets := u.f.src.LookupAll("Network", "Subnet")
	gateways := u.f.src.LookupAll("Network", "Gateway")
	ranges := u.f.src.LookupAll("Network", "IPRange")
	switch {
	case len(subnets) > 1:
		return u.errorf("more than one Subnet is not supported by pm: a network has one subnet")
	case len(gateways) > len(subnets) || len(ranges) > len(subnets):
		return u.errorf("Gateway and IPRange need a Subnet each")
	case len(subnets) == 1:
		c.add("--subnet", subnets[0])
		if len(gateways) == 1 {
			c.add("--gateway", gateways[0])
		}
		if len(ranges) == 1 {
			c.add("--ip-range", ranges[0])
		}
	}
	if err := u.extraArgs(c); err != nil {
		return err
	}
	c.add(name)
	del, err := u.lookupBool("NetworkDeleteOnStop", false)
	if err != nil {
		return err
	}
	if del {
		rm, _ := u.newCommand("network", "rm", name)
		u.out.Add("Service", "ExecStopPost", rm.String())
	}
	u.out.Add("Service", "ExecStart", c.String())
	u.oneshot()
	return nil
}

// image writes the unit of a .image file: a one-shot pm image pull.
func (u *quadletUnit) image() error {
	image, _ := u.lookup("Image")
	if image == "" {
		return u.errorf("no Image key specified")
	}
	c, err := u.newCommand("image", "pull")
	if err != nil {
		return err
	}
	if err := u.addKeys(c); err != nil {
		return err
	}
	if err := u.extraArgs(c); err != nil {
		return err
	}
	c.add(image)
	u.out.Add("Service", "ExecStart", c.String())
	u.oneshot()
	return nil
}

// pod writes the unit of a .pod file: ExecStartPre creates the pod,
// whose infra container's conmon is the unit's main process; the
// containers of the pod's .container files start after it.
func (u *quadletUnit) pod() error {
	name := u.f.resourceOrTemplate()
	for _, m := range u.f.members {
		u.out.Add("Unit", "Wants", m)
		u.out.Add("Unit", "Before", m)
	}
	create, err := u.newCommand("pod", "create", "--infra-conmon-pidfile=%t/%N.pid", "--replace")
	if err != nil {
		return err
	}
	policy, ok := u.lookup("ExitPolicy")
	if !ok || policy == "" {
		policy = "stop"
	}
	create.add("--exit-policy", policy)
	if err := u.addKeys(create); err != nil {
		return err
	}
	if err := u.networks(create); err != nil {
		return err
	}
	create.add("--infra-name", name+"-infra", "--name", name)
	if err := u.extraArgs(create); err != nil {
		return err
	}
	stopTimeout, ok := u.lookup("StopTimeout")
	if !ok || stopTimeout == "" {
		stopTimeout = "10"
	}
	start, _ := u.newCommand("pod", "start", name)
	stop, _ := u.newCommand("pod", "stop", "--ignore", "--time="+stopTimeout, name)
	rm, _ := u.newCommand("pod", "rm", "--ignore", "--force", name)
	u.out.Add("Service", "Environment", "PM_SYSTEMD_UNIT=%n")
	u.out.Add("Service", "Type", "forking")
	u.out.Add("Service", "Restart", "on-failure")
	u.out.Add("Service", "PIDFile", "%t/%N.pid")
	u.syslogIdentifier()
	u.out.Add("Service", "ExecStartPre", create.String())
	u.out.Add("Service", "ExecStart", start.String())
	u.out.Add("Service", "ExecStop", stop.String())
	u.out.Add("Service", "ExecStopPost", rm.String())
	return nil
}

// kube writes the unit of a .kube file: pm kube play with a service
// container, whose conmon is the unit's main process, so that the unit
// runs as long as the YAML's containers; pm kube down on stop.
func (u *quadletUnit) kube() error {
	yamls := u.f.src.LookupAll("Kube", "Yaml")
	switch {
	case len(yamls) == 0 || yamls[len(yamls)-1] == "":
		return u.errorf("no Yaml key specified")
	case len(yamls) > 1:
		return u.errorf("more than one Yaml is not supported by pm: write one .kube file per YAML file")
	}
	yaml := u.absPath(yamls[0])
	if err := u.killMode(); err != nil {
		return err
	}
	if _, err := u.notifyType(); err != nil {
		return err
	}
	play, err := u.newCommand("kube", "play", "--replace", "--service-container=true")
	if err != nil {
		return err
	}
	if v, ok := u.lookup("ExitCodePropagation"); ok && v != "" {
		switch v {
		case "all", "any", "none":
			play.add("--service-exit-code-propagation=" + v)
		default:
			return u.errorf("invalid ExitCodePropagation %q: use all, any or none", v)
		}
	}
	if err := u.addKeys(play); err != nil {
		return err
	}
	if err := u.networks(play); err != nil {
		return err
	}
	updates, err := u.words("AutoUpdate")
	if err != nil {
		return err
	}
	for _, up := range updates {
		key := "io.containers.autoupdate"
		if ctr, typ, ok := strings.Cut(up, "/"); ok {
			key, up = key+"/"+ctr, typ
		}
		play.add("--annotation", key+"="+up)
	}
	maps, err := u.words("ConfigMap")
	if err != nil {
		return err
	}
	for _, m := range maps {
		play.add("--configmap", u.absPath(m))
	}
	if err := u.extraArgs(play); err != nil {
		return err
	}
	play.add(yaml)
	down, _ := u.newCommand("kube", "down")
	if force, err := u.lookupBool("KubeDownForce", false); err != nil {
		return err
	} else if force {
		down.add("--force")
	}
	down.add(yaml)
	u.out.Add("Service", "Environment", "PM_SYSTEMD_UNIT=%n")
	u.syslogIdentifier()
	u.out.Add("Service", "ExecStart", play.String())
	// ExecStopPost cleans up after a failed start too.
	u.out.Add("Service", "ExecStopPost", down.String())
	if v, ok := u.lookup("SetWorkingDirectory"); ok && v != "" {
		var dir string
		switch v {
		case "yaml":
			dir = filepath.Dir(yaml)
		case "unit":
			dir = filepath.Dir(u.f.path)
		default:
			return u.errorf("invalid SetWorkingDirectory %q: use yaml or unit", v)
		}
		if _, ok := u.userService("WorkingDirectory"); !ok {
			u.out.Add("Service", "WorkingDirectory", dir)
		}
	}
	return nil
}
