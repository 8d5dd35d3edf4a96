package e2e

import (
	"strings"
	"testing"
)

// TestPullTagAndDigest: NAME:TAG@DIGEST pulls by the digest, as Podman
// does; pull without -q names what it tries first.
func TestPullTagAndDigest(t *testing.T) {
	env := newEnv(t)
	img := registry + "/busybox"
	env.pull(img)
	digest := strings.TrimSpace(env.PMOK("image", "inspect", "--format", "{{.Digest}}", img).Stdout)
	if !strings.HasPrefix(digest, "sha256:") {
		t.Fatalf("digest of %s: %q", img, digest)
	}
	res := env.PMOK("pull", img+":latest@"+digest)
	if !strings.Contains(res.Stderr, "Trying to pull "+img+"@"+digest+"...") {
		t.Errorf("pull NAME:TAG@DIGEST stderr:\n%s", res.Stderr)
	}
	env.PM("pull", "-q", img+":latest@sha256:"+strings.Repeat("0", 64)).ExpectError(t, 125, "manifest unknown")
}
