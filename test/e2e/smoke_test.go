package e2e

import (
	"os"
	"strings"
	"testing"
)

// TestHarnessSmoke checks the harness itself and pm's most basic contract:
// help, an unknown command, a bad global flag.
func TestHarnessSmoke(t *testing.T) {
	env := newEnv(t)

	res := env.PMOK("--help")
	if !strings.Contains(res.Stdout, "Usage:") {
		t.Errorf("pm --help: no usage on stdout:\n%s", res.Stdout)
	}

	env.PM("bogus").ExpectError(t, 125, "unrecognized command")
	if res := env.PM("--log-level=nope", "images"); res.Code != 1 || !strings.HasPrefix(res.Stderr, `Log Level "nope" is not supported, choose from: `) {
		t.Errorf("--log-level=nope: %s", res)
	}
	env.PM("--no-such-flag").ExpectError(t, 125, "no-such-flag")

	// The commands run as the test user, with the environment's HOME.
	if isRoot {
		res := env.Exec("/bin/sh", "-c", "id -u; echo $HOME; echo $XDG_RUNTIME_DIR")
		want := []string{itoa(mainUser.UID), env.Home, env.RuntimeDir}
		if got := res.Lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("as the test user: got %q, want %q", got, want)
		}
	}
	// The fixtures are there and readable by the test user.
	for _, f := range []string{"busybox.oci.tar", "busybox.docker.tar", "multi.docker.tar", "rootfs.tar"} {
		if _, err := os.Stat(Fixture(f)); err != nil {
			t.Errorf("fixture: %v", err)
		}
		if r := env.Exec("/bin/sh", "-c", "test -r "+Fixture(f)); r.Code != 0 {
			t.Errorf("fixture %s not readable by %s", f, env.User.Name)
		}
	}
}
