package e2e

import (
	"strings"
	"testing"
)

// TestImagesUntagDigest: a pull by digest names the image NAME@DIGEST;
// untag removes that name given as NAME@DIGEST or NAME:TAG@DIGEST, and
// rmi NAME@DIGEST removes only that name from an image that has others.
// A digest the image is not named by is refused, and nothing changes.
func TestImagesUntagDigest(t *testing.T) {
	env := newEnv(t)
	img := registry + "/busybox"
	id := env.pull(img)
	digest := strings.TrimSpace(env.PMOK("image", "inspect", "--format", "{{.Digest}}", img).Stdout)
	byDigest := img + "@" + digest
	storedNames := func() []string {
		var data []struct {
			ID    string `json:"Id"`
			Names []string
		}
		decodeJSON(t, env.PMOK("images", "--format", "json").Stdout, &data)
		for _, d := range data {
			if strings.TrimPrefix(d.ID, "sha256:") == id {
				return d.Names
			}
		}
		t.Fatalf("image %s not listed: %+v", id, data)
		return nil
	}
	pullByDigest := func() {
		t.Helper()
		env.PMOK("pull", "-q", byDigest)
		if !contains(storedNames(), byDigest) {
			t.Fatalf("after pull by digest the image is not named %s: %q", byDigest, storedNames())
		}
	}

	pullByDigest()
	env.PMOK("untag", id, byDigest)
	if n := storedNames(); contains(n, byDigest) || !contains(n, img+":latest") {
		t.Errorf("after untag NAME@DIGEST: %q", n)
	}

	pullByDigest()
	env.PMOK("untag", id, img+":latest@"+digest)
	if n := storedNames(); contains(n, byDigest) || !contains(n, img+":latest") {
		t.Errorf("after untag NAME:TAG@DIGEST: %q", n)
	}

	pullByDigest()
	out := env.PMOK("rmi", byDigest).Stdout
	if !strings.Contains(out, "Untagged: "+byDigest) {
		t.Errorf("rmi NAME@DIGEST printed %q", out)
	}
	if n := storedNames(); contains(n, byDigest) || !contains(n, img+":latest") {
		t.Errorf("after rmi NAME@DIGEST: %q", n)
	}

	// Bad input: a digest the image is not named by; a malformed one.
	before := storedNames()
	env.PM("untag", id, img+"@sha256:"+strings.Repeat("0", 64)).ExpectError(t, 125, "tag not known")
	env.PM("untag", id, img+":latest@"+digest).ExpectError(t, 125, "tag not known")
	env.PM("untag", id, img+"@sha256:abc").ExpectError(t, 125, "invalid")
	if after := storedNames(); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("names changed by bad untags: %q -> %q", before, after)
	}
}
