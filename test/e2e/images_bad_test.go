package e2e

import (
	"os"
	"strings"
	"testing"
)

// TestImagesBadInput runs each image command with bad input: a one-line
// error, exit 125, and nothing created or lost.
func TestImagesBadInput(t *testing.T) {
	env := newEnv(t)
	env.pull("busybox")
	beforeIDs, beforeNames := env.imageIDs(), env.imageNames()
	saved := env.Path("nosuch.tar")

	cases := []struct {
		args   []string
		substr string
	}{
		{[]string{"image", "inspect", "nosuch"}, "nosuch"},
		{[]string{"history", "nosuch"}, "nosuch"},
		{[]string{"tag", "nosuch", "x"}, "nosuch"},
		{[]string{"untag", "nosuch"}, "nosuch"},
		{[]string{"save", "nosuch", "-o", saved}, "nosuch"},
		{[]string{"save", "--format", "bogus", "-o", saved, "busybox"}, "bogus"},
		{[]string{"pull", "UPPER CASE"}, "UPPER CASE"},
		{[]string{"tag", "busybox", "bad:tag:x"}, "bad:tag:x"},
		{[]string{"pull", "-q", registry + "/nosuch"}, "nosuch"},
		{[]string{"pull", "docker-archive:/nonexistent.tar"}, "/nonexistent.tar"},
		{[]string{"images", "--format", "{{.Bad"}, "template"},
		{[]string{"images", "--filter", "bogus=1"}, "bogus"},
		{[]string{"images", "--sort", "bogus"}, "bogus"},
		{[]string{"pull", "--tls-verify=maybe", "x"}, "tls-verify"},
		{[]string{"load", "-i", "/nonexistent"}, "/nonexistent"},
		{[]string{"load", "-i", Fixture("rootfs.tar")}, "rootfs.tar"},
		{[]string{"import", "/nonexistent"}, "/nonexistent"},
		{[]string{"import", "--change", "BOGUS=1", Fixture("rootfs.tar")}, "BOGUS"},
		{[]string{"push", "nosuch", registry + "/nosuch:1"}, "nosuch"},
		{[]string{"image", "bogus"}, "unrecognized command"},
	}
	for _, c := range cases {
		env.PM(c.args...).ExpectError(t, 125, c.substr)
	}
	// As Podman's rmi, a missing image is exit 1.
	env.PM("rmi", "nosuch").ExpectError(t, 1, "nosuch")
	if _, err := os.Lstat(saved); err == nil {
		t.Errorf("a failed pm save left %s behind", saved)
	}
	if got := env.imageIDs(); !equal(got, beforeIDs) {
		t.Errorf("bad input changed the images: %q, was %q", got, beforeIDs)
	}
	if got := env.imageNames(); !equal(got, beforeNames) {
		t.Errorf("bad input changed the names: %q, was %q", got, beforeNames)
	}
	// Loading a stream that is not an image archive creates nothing either.
	env.PMStdin(strings.NewReader("not a tar"), "load").ExpectError(t, 125, "")
	if got := env.imageIDs(); !equal(got, beforeIDs) {
		t.Errorf("a failed load changed the images: %q", got)
	}
}
