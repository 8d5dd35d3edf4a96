package libpod

import (
	"testing"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/network"
)

// TestHostAddrFor: host.containers.internal is the gateway, except on
// slirp4netns without allow_host_loopback, whose gateway does not lead to
// the host: there it is the host's own address, as in Podman.
func TestHostAddrFor(t *testing.T) {
	t.Parallel()
	hostIP := ""
	if ip := network.HostIP(); ip != nil {
		hostIP = ip.String()
	}
	for _, tc := range []struct {
		mode, stMode, gw, want string
	}{
		{"slirp4netns", "slirp4netns", "10.0.2.2", hostIP},
		{"slirp4netns:mtu=1500", "slirp4netns", "10.0.2.2", hostIP},
		{"slirp4netns:allow_host_loopback=true", "slirp4netns", "10.0.2.2", "10.0.2.2"},
		{"slirp4netns:cidr=10.99.0.0/24,allow_host_loopback=true", "slirp4netns", "10.99.0.2", "10.99.0.2"},
		{"pasta", "pasta", "192.0.2.1", "192.0.2.1"},
		{"bridge", "bridge", "10.88.0.1", "10.88.0.1"},
	} {
		c := &Container{
			Config: define.ContainerConfig{NetworkMode: tc.mode},
			State:  define.ContainerState{Network: &define.NetworkStatus{Mode: tc.stMode, Gateway: tc.gw}},
		}
		if got := hostAddrFor(c); got != tc.want {
			t.Errorf("hostAddrFor(%s) = %q, want %q", tc.mode, got, tc.want)
		}
	}
	if got := hostAddrFor(&Container{Config: define.ContainerConfig{NetworkMode: "none"}}); got != "" {
		t.Errorf("hostAddrFor(none) = %q, want none", got)
	}
}
