package engine

import (
	"fmt"
	"os"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/pm-project/pm/pkg/specgen/generate"
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
