package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDefaultMountsFile: --default-mounts-file (Podman's mounts.conf)
// gives every container and every RUN step of a build a copy of the
// listed host paths; the container may change its copy, never the
// host's files; a host path that does not exist is left out; a volume
// at the same place wins; the built image keeps none of it.
func TestDefaultMountsFile(t *testing.T) {
	env := ctrEnv(t)
	secrets := env.Path("secrets")
	conf := env.Path("mounts.conf")
	for name, data := range map[string]string{
		"secrets/token":     "shhh-secret\n",
		"secrets/sub/inner": "inner\n",
		"single":            "single-file\n",
		"mounts.conf": "# comment\n" + secrets + ":/run/secrets\n" + env.Path("single") + ":/etc/single.conf\n" +
			env.Path("no-such-dir") + ":/run/nothing\nnot-a-path:/x\n",
	} {
		p := env.Path(name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env.Exec("chmod", "-R", "a+rX", env.Dir)

	// A mounts file the option names must exist; nothing is created.
	env.PM("--default-mounts-file", env.Path("nosuch.conf"), "run", "--rm", "busybox", "true").ExpectError(t, 125, "no such file")
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("containers after a refused --default-mounts-file: %q", ids)
	}
	out := env.PMOK("--default-mounts-file", conf, "run", "--rm", "busybox", "sh", "-c",
		"cat /run/secrets/token /run/secrets/sub/inner /etc/single.conf; echo changed > /run/secrets/token; cat /run/secrets/token; test -e /run/nothing || echo no-nothing").Stdout
	if want := "shhh-secret\ninner\nsingle-file\nchanged\nno-nothing\n"; out != want {
		t.Errorf("container with default mounts: %q, want %q", out, want)
	}
	if b, _ := os.ReadFile(filepath.Join(secrets, "token")); string(b) != "shhh-secret\n" {
		t.Errorf("the host's file changed: %q", b)
	}
	if res := env.PM("run", "--rm", "busybox", "cat", "/run/secrets/token"); res.Code == 0 {
		t.Errorf("without the mounts file the container has /run/secrets/token: %q", res.Stdout)
	}
	vol := env.userDir("vol")
	if out := env.PMOK("--default-mounts-file", conf, "run", "--rm", "-v", vol+":/run/secrets", "busybox", "ls", "-A", "/run/secrets").Stdout; out != "" {
		t.Errorf("a volume at /run/secrets should win over the default mount: %q", out)
	}

	ctx := buildCtx(t, env, "mctx", map[string]string{
		"Containerfile": "FROM busybox\nRUN cat /run/secrets/token\nRUN touch /made\n",
	})
	res := env.PMOK("--default-mounts-file", conf, "build", "-t", "mounted", ctx)
	if !strings.Contains(res.Stdout, "shhh-secret") {
		t.Errorf("RUN did not see the default mount:\n%s", res.Stdout)
	}
	if out := env.PMOK("run", "--rm", "mounted", "sh", "-c", "test -e /made && echo made; test -e /run/secrets || echo no-secrets").Stdout; out != "made\nno-secrets\n" {
		t.Errorf("built image: %q, want the step's file and no /run/secrets", out)
	}
}
