package e2e

import "testing"

// TestNetworkRmForceMissing: network rm --force of a missing network is no
// error, as Podman's; without --force it exits 1.
func TestNetworkRmForceMissing(t *testing.T) {
	env := newEnv(t)
	if res := env.PMOK("network", "rm", "--force", "bogus"); res.Stdout != "" || res.Stderr != "" {
		t.Errorf("network rm --force bogus: %s", res)
	}
	env.PM("network", "rm", "bogus").ExpectError(t, 1, "unable to find network with name or ID bogus")
}
