package network

import (
	"errors"
	"testing"

	"github.com/pm-project/pm/libpod/define"
)

func TestSlirpAddrsOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cidr string
		want SlirpAddrs
		bad  bool
	}{
		{"", SlirpAddrs{Gateway: "10.0.2.2", DNS: "10.0.2.3", Guest: "10.0.2.100", Prefix: 24}, false},
		{"10.99.0.0/24", SlirpAddrs{Gateway: "10.99.0.2", DNS: "10.99.0.3", Guest: "10.99.0.100", Prefix: 24}, false},
		{"172.30.0.0/16", SlirpAddrs{Gateway: "172.30.0.2", DNS: "172.30.0.3", Guest: "172.30.0.100", Prefix: 16}, false},
		{"10.1.2.0/28", SlirpAddrs{}, true},
		{"fd00::/64", SlirpAddrs{}, true},
		{"bogus", SlirpAddrs{}, true},
	} {
		t.Run(tc.cidr, func(t *testing.T) {
			got, err := SlirpAddrsOf(tc.cidr)
			if tc.bad {
				if !errors.Is(err, define.ErrInvalidArg) {
					t.Errorf("SlirpAddrsOf(%q) error = %v, want an invalid-argument error", tc.cidr, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("SlirpAddrsOf(%q) = %+v, %v, want %+v", tc.cidr, got, err, tc.want)
			}
		})
	}
}
