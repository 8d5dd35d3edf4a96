package e2e

import (
	"strings"
	"testing"
)

// TestVersionFlag: pm --version and -v print `pm version X`, the version
// `pm version` shows, as podman --version does; a stray argument is an error.
func TestVersionFlag(t *testing.T) {
	env := newEnv(t)
	v := strings.TrimSpace(env.PMOK("version", "--format", "{{.Client.Version}}").Stdout)
	for _, flag := range []string{"--version", "-v"} {
		res := env.PMOK(flag)
		if want := "pm version " + v + "\n"; res.Stdout != want || res.Stderr != "" {
			t.Errorf("pm %s: stdout %q stderr %q, want %q", flag, res.Stdout, res.Stderr, want)
		}
	}
	env.PM("--version", "ps").ExpectError(t, 125, "unknown flag: --version")
}
