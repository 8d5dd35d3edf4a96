package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuild: pm build runs a Containerfile's steps and tags the result,
// leaving no step containers or images; a failing step or bad input
// leaves nothing either.
func TestBuild(t *testing.T) {
	env := ctrEnv(t)
	ctx := env.Path("ctx")
	if err := os.MkdirAll(ctx, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, s string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(ctx, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("msg.txt", "from the context\n")
	write("Containerfile", "FROM busybox\nARG WHO=nobody\nENV WHO=$WHO\nCOPY msg.txt /msg.txt\nWORKDIR /w\nRUN echo \"$WHO\" > who && cat /msg.txt\nLABEL built=yes\nCMD [\"sh\", \"-c\", \"cat /w/who /msg.txt\"]\n")
	env.Exec("chmod", "-R", "a+rX", env.Dir)
	before := len(env.imageIDs())

	res := env.PMOK("build", "-t", "built", "--build-arg", "WHO=pm", ctx)
	lines := res.Lines()
	if !strings.Contains(res.Stdout, "STEP 6/8: RUN") || !strings.Contains(res.Stdout, "from the context") || len(lines[len(lines)-1]) != 64 {
		t.Errorf("build output:\n%s", res.Stdout)
	}
	if out := env.PMOK("run", "--rm", "built").Stdout; out != "pm\nfrom the context\n" {
		t.Errorf("run of the built image = %q", out)
	}
	if l := env.PMOK("image", "inspect", "--format", "{{.Labels.built}}", "built").Stdout; l != "yes\n" {
		t.Errorf("label = %q", l)
	}
	if n := len(env.imageIDs()); n != before+1 {
		t.Errorf("%d images after one build, had %d: step images left", n, before)
	}
	if ids := env.PMOK("ps", "-aq").Stdout; ids != "" {
		t.Errorf("containers left after build: %q", ids)
	}

	other := env.Path("other.containerfile")
	if err := os.WriteFile(other, []byte("FROM built\nRUN false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env.Exec("chmod", "a+r", other)
	env.PM("build", "-q", "-f", other, ctx).ExpectError(t, 125, "returned a non-zero code: 1")
	if n := len(env.imageIDs()); n != before+1 {
		t.Errorf("a failed build left images: %d, want %d", n, before+1)
	}
	if ids := env.PMOK("ps", "-aq").Stdout; ids != "" {
		t.Errorf("containers left after a failed build: %q", ids)
	}
	if id := strings.TrimSpace(env.PMOK("build", "-q", "-t", "quiet", ctx).Stdout); len(id) != 64 {
		t.Errorf("build -q printed %q, want the image ID alone", id)
	}

	res = env.PMStdin(strings.NewReader("FROM busybox\nRUN echo piped > /p\n"), "build", "-q", "-t", "piped", "-")
	if res.Code != 0 {
		t.Fatalf("build - with the Containerfile on stdin: %s", res)
	}
	if out := env.PMOK("run", "--rm", "piped", "cat", "/p").Stdout; out != "piped\n" {
		t.Errorf("image built from stdin: %q", out)
	}
	env.PMOK("build", "-q", "--format", "docker", "-t", "dockerfmt", ctx)
	if mt := env.PMOK("image", "inspect", "--format", "{{.ManifestType}}", "dockerfmt").Stdout; !strings.Contains(mt, "docker") {
		t.Errorf("build --format docker made %q", mt)
	}
	if mt := env.PMOK("image", "inspect", "--format", "{{.ManifestType}}", "built").Stdout; !strings.Contains(mt, "oci") {
		t.Errorf("build's default format made %q, want OCI as Podman", mt)
	}
	env.PM("build", "--format", "bogus", ctx).ExpectError(t, 125, "unrecognized image type")
	env.PM("build", "--pull=sometimes", ctx).ExpectError(t, 125, "invalid --pull")
	env.PM("build", env.Path("nope")).ExpectError(t, 125, "not a directory")
	env.PM("build", "-f", env.Path("nope"), ctx).ExpectError(t, 125, "no Containerfile")
	write("Containerfile", "RUN true\n")
	env.PM("build", ctx).ExpectError(t, 125, "FROM")
}

// TestBuildIgnore: files a .containerignore names stay out of the build,
// exceptions come back.
func TestBuildIgnore(t *testing.T) {
	env := ctrEnv(t)
	ctx := env.Path("ictx")
	for name, data := range map[string]string{
		"Containerfile": "FROM busybox\nCOPY . /ctx\n", ".containerignore": "*.secret\ncache\n!keep.secret\n",
		"a.secret": "no", "keep.secret": "yes", "app.txt": "app", "cache/big": "big",
	} {
		p := filepath.Join(ctx, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env.Exec("chmod", "-R", "a+rX", env.Dir)
	env.PMOK("build", "-q", "-t", "ignoring", ctx)
	out := env.PMOK("run", "--rm", "ignoring", "ls", "-A", "/ctx").Stdout
	if got := strings.Join(strings.Fields(out), " "); got != ".containerignore Containerfile app.txt keep.secret" {
		t.Errorf("context in the image: %q", got)
	}
	other := env.Path("other.ignore")
	if err := os.WriteFile(other, []byte("app.txt\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env.Exec("chmod", "a+r", other)
	env.PMOK("build", "-q", "-t", "ignoring2", "--ignorefile", other, ctx)
	if out := env.PMOK("run", "--rm", "ignoring2", "ls", "/ctx").Stdout; strings.Contains(out, "app.txt") || !strings.Contains(out, "a.secret") {
		t.Errorf("--ignorefile: context in the image: %q", out)
	}
	env.PM("build", "--ignorefile", env.Path("none"), ctx).ExpectError(t, 125, "no ignore file")
}
