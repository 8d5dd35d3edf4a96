package engine

import (
	"errors"
	"fmt"
	"os"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/pm-project/pm/pkg/specgen/generate"
	"golang.org/x/sys/unix"
)

// readSeccomp reads and checks the seccomp profile s asks for, before
// anything is made: --security-opt seccomp=FILE, the Docker API's inline
// profile, or containers.conf's seccomp_profile (not for --privileged,
// which drops the default profile as Podman does). nil means the
// built-in profile, none, or the image's (see imageSeccomp).
func (e *Engine) readSeccomp(s *specgen.Spec) ([]byte, error) {
	sec := s.Security
	switch {
	case sec.SeccompJSON != "":
		data := []byte(sec.SeccompJSON)
		if err := generate.CheckSeccompProfile(data); err != nil {
			return nil, define.Invalidf("invalid seccomp profile in SecurityOpt: %v", err)
		}
		return data, nil
	case sec.SeccompProfile == specgen.SeccompUnconfined, sec.SeccompPolicy == specgen.SeccompPolicyImage:
		return nil, nil
	case sec.SeccompProfile != "":
		return readSeccompFile(sec.SeccompProfile, "")
	}
	if p := e.rt.Config().Containers.SeccompProfile; p != "" && !sec.Privileged {
		return readSeccompFile(p, " (containers.conf seccomp_profile)")
	}
	return nil, nil
}

// readSeccompFile reads and checks the profile at path; from says where
// the path was given, for the message.
func readSeccompFile(path, from string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, define.Invalidf("loading seccomp profile%s: %v", from, err)
	}
	if err := generate.CheckSeccompProfile(data); err != nil {
		return nil, define.Invalidf("loading seccomp profile %s%s: %v", path, from, err)
	}
	return data, nil
}

// imageSeccomp returns, for --seccomp-policy image, the profile of the
// image's io.containers.seccomp.profile label, checked; an image without
// one is an error, as in Podman.
func imageSeccomp(s *specgen.Spec, labels map[string]string) ([]byte, error) {
	if s.Security.SeccompPolicy != specgen.SeccompPolicyImage {
		return nil, nil
	}
	v, ok := labels[define.SeccompImageLabel]
	if !ok || v == "" {
		return nil, define.Invalidf("--seccomp-policy image: the image has no seccomp profile (label %s)", define.SeccompImageLabel)
	}
	data := []byte(v)
	if err := generate.CheckSeccompProfile(data); err != nil {
		return nil, fmt.Errorf("--seccomp-policy image: the profile in label %s: %w", define.SeccompImageLabel, err)
	}
	return data, nil
}

// hostSecurity checks the security options that depend on the host:
// an AppArmor profile needs AppArmor, usable only by root (as in Podman,
// rootless containers get none); a label= option needs SELinux, which pm
// does not apply, so it is refused where SELinux is enabled and runs
// with a warning where it is absent (Podman tolerates it there silently).
func (e *Engine) hostSecurity(s *specgen.Spec) (warnings []string, err error) {
	sec := s.Security
	if p := sec.ApparmorProfile; p != "" && p != "unconfined" && !appArmorUsable(e.rt.Config().Rootless) {
		if e.rt.Config().Rootless && appArmorEnabled() {
			return nil, define.Invalidf("apparmor=%s: AppArmor profiles are not applied to rootless containers", p)
		}
		return nil, define.Invalidf("apparmor=%s: AppArmor is not enabled on this host", p)
	}
	for _, l := range sec.LabelOpts {
		if selinuxEnabled() {
			return nil, define.Invalidf("label=%s: pm does not apply SELinux labels", l)
		}
		warnings = append(warnings, fmt.Sprintf("SELinux is not enabled on this host: security option label=%s has no effect", l))
	}
	return warnings, nil
}

// appArmorEnabled reports whether the kernel runs AppArmor.
func appArmorEnabled() bool {
	b, err := os.ReadFile("/sys/module/apparmor/parameters/enabled")
	return err == nil && len(b) > 0 && b[0] == 'Y'
}

// appArmorUsable reports whether a container can be given an AppArmor
// profile: AppArmor is enabled and pm runs as root.
func appArmorUsable(rootless bool) bool {
	return !rootless && appArmorEnabled()
}

// selinuxEnabled reports whether SELinux is enabled (its file system is
// mounted).
func selinuxEnabled() bool {
	_, err := os.Stat("/sys/fs/selinux/enforce")
	return err == nil
}

// noCgroupNSWarning says that --cgroupns private cannot be had.
const noCgroupNSWarning = "The kernel has no cgroup namespaces: the container shares the host's (--cgroupns host)"

// cgroupNamespaces reports whether the kernel has cgroup namespaces.
func cgroupNamespaces() bool {
	_, err := os.Stat("/proc/self/ns/cgroup")
	return err == nil
}

// recursiveReadOnly reports whether the kernel can make a mount and all
// those under it read-only (mount_setattr, Linux 5.12), which the OCI
// runtimes do for the "rro" mount option.
func recursiveReadOnly() bool {
	err := unix.MountSetattr(-1, "", 0, &unix.MountAttr{})
	return !errors.Is(err, unix.ENOSYS)
}
