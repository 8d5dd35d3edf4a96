package systemd

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/pm-project/pm/pkg/specgen"
)

// container writes the unit of a .container file: pm run of the
// container, detached, with conmon (or the container) telling systemd it
// runs; stopping the unit removes the container.
func (u *quadletUnit) container() error {
	image, _ := u.lookup("Image")
	if image == "" {
		return u.errorf("no Image key specified")
	}
	image, err := u.imageRef(image)
	if err != nil {
		return err
	}
	name := resourceName(u.f.src, u.f.kind, strings.TrimSuffix(filepath.Base(u.f.path), ".container"))
	if err := u.killMode(); err != nil {
		return err
	}
	oneshot, err := u.notifyType()
	if err != nil {
		return err
	}
	run, err := u.newCommand("run")
	if err != nil {
		return err
	}
	run.add("--name="+name, "--cidfile=%t/%N.cid", "--replace", "--rm")
	if mode, ok := u.lookup("CgroupsMode"); ok && mode != "" {
		run.add("--cgroups=" + mode)
	} else {
		run.add("--cgroups=split")
	}
	if !oneshot {
		sdnotify := "conmon"
		if v, ok := u.lookup("Notify"); ok {
			b, ok := parseBool(v)
			switch {
			case strings.EqualFold(v, "healthy"):
				return u.errorf("Notify=healthy is not supported by pm: use true or false")
			case !ok:
				return u.errorf("invalid Notify %q: use true or false", v)
			case b:
				sdnotify = "container"
			}
		}
		run.add("--sdnotify="+sdnotify, "-d")
	}
	if v, ok := u.lookup("Entrypoint"); ok {
		run.add("--entrypoint=" + v)
	}
	if err := u.addKeys(run); err != nil {
		return err
	}
	// The security keys are checked as pm run checks them, so that a bad
	// profile fails here and not when the unit starts.
	var sec specgen.Security
	if err := sec.ParseSecurityOpts(u.securityOpts, specgen.SecurityOptSyntax{Field: u.f.path + ": security key"}); err != nil {
		return err
	}
	if err := u.containerUser(run); err != nil {
		return err
	}
	readOnly, err := u.lookupBool("ReadOnly", false)
	if err != nil {
		return err
	}
	if tmp, err := u.lookupBool("VolatileTmp", false); err != nil {
		return err
	} else if tmp && !readOnly {
		run.add("--tmpfs", "/tmp:rw,size=512M,mode=1777")
	}
	if _, err := u.lookupBool("StartWithPod", true); err != nil {
		return err
	}
	devices, err := u.words("AddDevice")
	if err != nil {
		return err
	}
	for _, d := range devices {
		if optional, ok := strings.CutPrefix(d, "-"); ok {
			host, _, _ := strings.Cut(optional, ":")
			if _, err := os.Stat(host); err != nil {
				continue
			}
			d = optional
		}
		run.add("--device", d)
	}
	if err := u.volumes(run); err != nil {
		return err
	}
	if err := u.mounts(run); err != nil {
		return err
	}
	if err := u.networks(run); err != nil {
		return err
	}
	if err := u.podRef(run); err != nil {
		return err
	}
	if err := u.extraArgs(run); err != nil {
		return err
	}
	run.add(image)
	exec, err := u.lastWords("Exec")
	if err != nil {
		return err
	}
	run.add(exec...)

	if err := u.reload(name); err != nil {
		return err
	}
	u.out.Add("Service", "Environment", "PM_SYSTEMD_UNIT=%n")
	rm, _ := u.newCommand("rm", "-v", "-f", "-i", "--cidfile=%t/%N.cid")
	u.out.Add("Service", "ExecStop", rm.String())
	// ExecStopPost runs even when conmon, the main process, was killed and
	// ExecStop was not.
	u.out.Add("Service", "ExecStopPost", "-"+rm.String())
	u.out.Add("Service", "Delegate", "yes")
	u.syslogIdentifier()
	u.out.Add("Service", "ExecStart", run.String())
	return nil
}

// lastWords splits the last value of key into words.
func (u *quadletUnit) lastWords(key string) ([]string, error) {
	v, ok := u.lookup(key)
	if !ok {
		return nil, nil
	}
	w, err := SplitWords(v)
	if err != nil {
		return nil, u.errorf("invalid %s: %v", key, err)
	}
	return w, nil
}

// imageRef resolves Image=NAME.image to the image the .image file pulls.
func (u *quadletUnit) imageRef(image string) (string, error) {
	switch filepath.Ext(image) {
	case ".image":
		return u.ref(image)
	case ".build":
		return "", u.errorf("Image=%s: .build files are not supported by pm", image)
	}
	return image, nil
}

// containerUser adds --user from User= and Group=.
func (u *quadletUnit) containerUser(c *command) error {
	user, _ := u.lookup("User")
	if grp, ok := u.lookup("Group"); ok && grp != "" {
		if user == "" {
			return u.errorf("Group needs User")
		}
		user += ":" + grp
	}
	if user != "" {
		c.add("--user", user)
	}
	return nil
}

// storageSource resolves the source of a volume: a path starting with .
// is relative to the file; an absolute path must be mounted before the
// unit starts; NAME.volume (and, for mounts, NAME.image) is what that
// file makes.
func (u *quadletUnit) storageSource(src string, images bool) (string, error) {
	if strings.HasPrefix(src, ".") {
		src = u.absPath(src)
	}
	switch {
	case strings.HasPrefix(src, "/"):
		u.out.Add("Unit", "RequiresMountsFor", src)
	case strings.HasSuffix(src, ".volume"), images && strings.HasSuffix(src, ".image"):
		return u.ref(src)
	}
	return src, nil
}

// volumes adds -v for Volume=[SOURCE:]DESTINATION[:OPTIONS].
func (u *quadletUnit) volumes(c *command) error {
	for _, v := range u.f.src.LookupAll(u.f.kind.group, "Volume") {
		parts := strings.SplitN(v, ":", 3)
		if v == "" || (len(parts) > 1 && (parts[0] == "" || parts[1] == "")) {
			return u.errorf("invalid Volume %q: use [SOURCE:]DESTINATION[:OPTIONS]", v)
		}
		if len(parts) == 1 {
			c.add("-v", v)
			continue
		}
		src, err := u.storageSource(parts[0], false)
		if err != nil {
			return err
		}
		parts[0] = src
		c.add("-v", strings.Join(parts, ":"))
	}
	return nil
}

// mounts adds --mount, with source=NAME.volume of a volume mount and
// source=NAME.image of an image mount resolved.
func (u *quadletUnit) mounts(c *command) error {
	for _, v := range u.f.src.LookupAll(u.f.kind.group, "Mount") {
		fields := strings.Split(v, ",")
		typ := ""
		for _, f := range fields {
			if t, ok := strings.CutPrefix(f, "type="); ok {
				typ = t
			}
		}
		for i, f := range fields {
			k, val, ok := strings.Cut(f, "=")
			if !ok || (k != "source" && k != "src") || (typ != "volume" && typ != "image" && typ != "bind") {
				continue
			}
			src, err := u.storageSource(val, typ == "image")
			if err != nil {
				return err
			}
			fields[i] = k + "=" + src
		}
		c.add("--mount", strings.Join(fields, ","))
	}
	return nil
}

// networks adds --network for each Network=: NAME.network is the network
// that file makes, NAME.container shares that container's network.
func (u *quadletUnit) networks(c *command) error {
	for _, v := range u.f.src.LookupAll(u.f.kind.group, "Network") {
		if v == "" {
			continue
		}
		name, opts, hasOpts := strings.Cut(v, ":")
		switch filepath.Ext(name) {
		case ".network":
			r, err := u.ref(name)
			if err != nil {
				return err
			}
			v = r
			if hasOpts {
				v += ":" + opts
			}
		case ".container":
			if u.f.kind.group != "Container" {
				return u.errorf("Network=%s: only a container may join another container's network", v)
			}
			if hasOpts {
				return u.errorf("Network=%s: joining another container's network takes no options", v)
			}
			r, err := u.ref(name)
			if err != nil {
				return err
			}
			v = "container:" + r
		}
		c.add("--network", v)
	}
	return nil
}

// podRef adds --pod for Pod=NAME.pod: the container's unit is bound to
// the pod's, which starts it unless StartWithPod=false.
func (u *quadletUnit) podRef(c *command) error {
	pod, ok := u.lookup("Pod")
	if !ok || pod == "" {
		return nil
	}
	if !strings.HasSuffix(pod, ".pod") {
		return u.errorf("Pod=%s: not a .pod quadlet file", pod)
	}
	f, ok := u.c.files[pod]
	if !ok {
		return u.errorf("%s: no such quadlet file", pod)
	}
	if f.resource == "" {
		return u.errorf("the name of the pod %s makes depends on systemd's specifiers: it cannot be referred to", pod)
	}
	u.depend("BindsTo", f.service)
	c.add("--pod", f.resource)
	return nil
}

// reload adds ExecReload= for ReloadCmd= (pm exec) or ReloadSignal=
// (pm kill).
func (u *quadletUnit) reload(name string) error {
	cmd, hasCmd := u.lookup("ReloadCmd")
	sig, hasSig := u.lookup("ReloadSignal")
	hasCmd, hasSig = hasCmd && cmd != "", hasSig && sig != ""
	if hasCmd && hasSig {
		return u.errorf("ReloadCmd and ReloadSignal cannot both be set")
	}
	var c *command
	switch {
	case hasCmd:
		w, err := u.lastWords("ReloadCmd")
		if err != nil {
			return err
		}
		c, _ = u.newCommand("exec", name)
		c.add(w...)
	case hasSig:
		c, _ = u.newCommand("kill", "--signal", sig, name)
	default:
		return nil
	}
	u.out.Add("Service", "ExecReload", c.String())
	return nil
}
