package config

import (
	"errors"
	"testing"

	"github.com/pm-project/pm/libpod/define"
)

func TestApplyEngineFlags(t *testing.T) {
	t.Parallel()
	c := &Config{}
	err := applyEngineFlags(c, Options{RuntimeFlags: []string{"debug", "--log-format=json"}, TmpDir: "/t", VolumePath: "/v",
		CgroupManager: "cgroupfs", NetworkCmd: "/bin/slirp", EventsBackend: "none"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.RuntimeFlags) != 2 || c.RuntimeFlags[0] != "--debug" || c.RuntimeFlags[1] != "--log-format=json" {
		t.Errorf("RuntimeFlags = %q", c.RuntimeFlags)
	}
	if c.TmpDir != "/t" || c.VolumePath != "/v" || c.Engine.CgroupManager != "cgroupfs" || c.Engine.NetworkCmdPath != "/bin/slirp" || c.Engine.EventsLogger != "none" {
		t.Errorf("config = %+v", c)
	}
	for _, o := range []Options{
		{CgroupManager: "systemd"}, {CgroupManager: "bogus"}, {EventsBackend: "bogus"}, {ConmonPath: "/nonexistent/conmon"},
	} {
		err := applyEngineFlags(&Config{}, o)
		if !errors.Is(err, define.ErrInvalidArg) && !errors.Is(err, define.ErrUnsupported) {
			t.Errorf("%+v: err %v, want a refusal", o, err)
		}
	}
}
