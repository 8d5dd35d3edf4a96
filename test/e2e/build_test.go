package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
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
	if err := os.WriteFile(other, []byte("FROM built\nRUN exit 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env.Exec("chmod", "a+r", other)
	// A failed step's code is the build's (Podman's build exits with it);
	// a runtime that cannot start the step exits 1; a runtime that does
	// not exist fails the build before it starts, 125.
	env.PM("build", "-q", "-f", other, ctx).ExpectError(t, 3, "returned a non-zero code: 3")
	env.PM("--runtime-flag", "invalidflag", "build", "-q", "-f", other, ctx).ExpectError(t, 1, "invalidflag")
	env.PM("--runtime", "idonotexist", "build", "-q", "-f", other, ctx).ExpectError(t, 125, `OCI runtime "idonotexist" not found`)
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

// TestBuildIgnoreExceptionInIgnoredDir: an ignored directory is looked
// into only when an exception's text begins with it, as with Podman:
// "!*/sub1" brings sub1 back from subdir1, which "!subdir1/sub3" opens,
// but not from subdir2.
func TestBuildIgnoreExceptionInIgnoredDir(t *testing.T) {
	env := ctrEnv(t)
	ctx := buildCtx(t, env, "nctx", map[string]string{
		"Containerfile": "FROM busybox\nCOPY ./ /ctx/\n",
		".dockerignore": "test*\n!test2*\nsubdir1\nsubdir2\n!*/sub1*\n!subdir1/sub3*\n",
		"test1":         "x", "test2": "x", "subdir1/sub1": "x", "subdir1/sub2": "x", "subdir1/sub3": "x",
		"subdir2/sub1": "x", "subdir2/sub2": "x",
	})
	env.PMOK("build", "-q", "-t", "nested-ignore", ctx)
	out := env.PMOK("run", "--rm", "nested-ignore", "find", "/ctx", "-type", "f").Stdout
	got := strings.Fields(out)
	sort.Strings(got)
	if want := "/ctx/.dockerignore /ctx/Containerfile /ctx/subdir1/sub1 /ctx/subdir1/sub3 /ctx/test2"; strings.Join(got, " ") != want {
		t.Errorf("context in the image: %q, want %q", strings.Join(got, " "), want)
	}
}

// buildCtx writes files (name -> content) into a fresh context directory
// readable by the test user and returns its path.
func buildCtx(t *testing.T, env *Env, name string, files map[string]string) string {
	t.Helper()
	ctx := env.Path(name)
	for n, data := range files {
		p := filepath.Join(ctx, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	filepath.WalkDir(env.Dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(p, ctx) {
			mode := os.FileMode(0o644)
			if d.IsDir() {
				mode = 0o755
			}
			os.Chmod(p, mode)
		}
		return nil
	})
	return ctx
}

// TestBuildWorkdirCopy: a relative COPY destination is under WORKDIR, a
// relative WORKDIR under the previous one, and a destination ending in /
// or naming a directory gets the file inside it; a missing or ignored
// source is an error naming the step.
func TestBuildWorkdirCopy(t *testing.T) {
	env := ctrEnv(t)
	ctx := buildCtx(t, env, "wctx", map[string]string{
		"f.txt": "data\n", "subdir/x": "x", ".containerignore": "subdir\n",
		"Containerfile": "FROM busybox\nWORKDIR /app\nCOPY f.txt .\nWORKDIR sub\nCOPY f.txt g.txt\n" +
			"COPY f.txt /dir/\nRUN mkdir /exist\nCOPY f.txt /exist\nCOPY f.txt ./h.txt\n",
	})
	env.PMOK("build", "-q", "-t", "wd", ctx)
	out := env.PMOK("run", "--rm", "wd", "sh", "-c", "pwd; cat /app/f.txt /app/sub/g.txt /dir/f.txt /exist/f.txt /app/sub/h.txt; test -f /f.txt || echo none").Stdout
	if out != "/app/sub\ndata\ndata\ndata\ndata\ndata\nnone\n" {
		t.Errorf("files of the built image: %q", out)
	}

	bad := buildCtx(t, env, "wbad", map[string]string{"Containerfile": "FROM busybox\nCOPY subdir ./\n", "subdir/x": "x", ".containerignore": "subdir\n"})
	before := env.imageIDs()
	res := env.PM("build", "-q", bad)
	res.ExpectError(t, 125, `building at STEP "COPY subdir ./": `)
	if !strings.Contains(res.Stderr, `"/subdir": no such file or directory`) {
		t.Errorf("COPY of an ignored path: %s", res.Stderr)
	}
	os.WriteFile(filepath.Join(bad, "Containerfile"), []byte("FROM busybox\nCOPY missing.txt .\n"), 0o644)
	env.PM("build", "-q", bad).ExpectError(t, 125, `building at STEP "COPY missing.txt .": checking on sources under`)
	if !equal(before, env.imageIDs()) {
		t.Errorf("failed builds left images")
	}
	if ids := env.PMOK("ps", "-aq", "--external").Stdout; ids != "" {
		t.Errorf("containers left after failed builds: %q", ids)
	}
}

// TestBuildAddArchive: ADD unpacks a local tar archive, plain or
// compressed (told by content), COPY never does, and ADD of a file that
// only looks like an archive by name copies it.
func TestBuildAddArchive(t *testing.T) {
	env := ctrEnv(t)
	ctx := buildCtx(t, env, "actx", map[string]string{
		"src/a.txt": "in the archive\n", "fake.tar.gz": "not an archive\n",
		"Containerfile": "FROM busybox\nADD plain.tar /p/\nADD gz.bin /g\nADD b.tar.bz2 /b/\nADD x.xz /x\n" +
			"COPY plain.tar /c/\nADD fake.tar.gz /f/\n",
	})
	if out, err := exec.Command("sh", "-c", "cd "+ctx+" && tar cf plain.tar -C src a.txt && gzip -c plain.tar > gz.bin && bzip2 -c plain.tar > b.tar.bz2 && xz -c plain.tar > x.xz && chmod a+r *").CombinedOutput(); err != nil {
		t.Fatalf("making the archives: %v: %s", err, out)
	}
	env.PMOK("build", "-q", "-t", "added", ctx)
	out := env.PMOK("run", "--rm", "added", "sh", "-c", "cat /p/a.txt /g/a.txt /b/a.txt /x/a.txt /f/fake.tar.gz; ls /c").Stdout
	if out != strings.Repeat("in the archive\n", 4)+"not an archive\nplain.tar\n" {
		t.Errorf("ADD of archives: %q", out)
	}
}

// TestBuildFileFlag: -f finds the Containerfile in the context when it is
// not in the working directory, and -f - reads it from stdin.
func TestBuildFileFlag(t *testing.T) {
	env := ctrEnv(t)
	ctx := buildCtx(t, env, "fctx", map[string]string{"msg": "hello\n", "Containerfile1": "FROM busybox\nCOPY msg /msg\n"})
	env.PMOK("build", "-q", "-t", "f1", "-f", "Containerfile1", ctx)
	if out := env.PMOK("run", "--rm", "f1", "cat", "/msg").Stdout; out != "hello\n" {
		t.Errorf("built with -f in the context: %q", out)
	}
	res := env.PMStdin(strings.NewReader("FROM busybox\nCOPY msg /stdin-msg\n"), "build", "-q", "-t", "f2", "-f", "-", ctx)
	if res.Code != 0 {
		t.Fatalf("build -f -: %s", res)
	}
	if out := env.PMOK("run", "--rm", "f2", "cat", "/stdin-msg").Stdout; out != "hello\n" {
		t.Errorf("built with -f -: %q", out)
	}
	env.PM("build", "-f", "Nope", ctx).ExpectError(t, 125, "no Containerfile at Nope or "+ctx+"/Nope: no such file or directory")
}

// TestBuildMultiStage: stages by name and index, an image as COPY
// --from, ARG before FROM, --target; only the result is a visible image.
func TestBuildMultiStage(t *testing.T) {
	env := ctrEnv(t)
	ctx := buildCtx(t, env, "mctx", map[string]string{"Containerfile": "ARG BASE=busybox\n" +
		"FROM $BASE AS builder\nRUN echo built > /artifact\n" +
		"FROM busybox AS other\nRUN echo other > /o\n" +
		"FROM builder\nCOPY --from=builder /artifact /a\nCOPY --from=1 /o /dir/\nCOPY --from=busybox /bin/busybox /bb\n"})
	before := env.imageIDs()
	res := env.PMOK("build", "-t", "multi", ctx)
	if !strings.Contains(res.Stdout, "[3/3] STEP 2/4: COPY --from=builder") || !strings.Contains(res.Stdout, "Successfully tagged localhost/multi:latest") {
		t.Errorf("build output:\n%s", res.Stdout)
	}
	if out := env.PMOK("run", "--rm", "multi", "sh", "-c", "cat /artifact /a /dir/o; test -x /bb && echo bb").Stdout; out != "built\nbuilt\nother\nbb\n" {
		t.Errorf("multi-stage result: %q", out)
	}
	if n := len(env.imageIDs()); n != len(before)+1 {
		t.Errorf("%d images after a multi-stage build, had %d: stage images are visible", n, len(before))
	}
	env.PMOK("build", "-q", "--target", "other", "-t", "tgt", ctx)
	if out := env.PMOK("run", "--rm", "tgt", "sh", "-c", "cat /o; test -e /a || echo no-a").Stdout; out != "other\nno-a\n" {
		t.Errorf("--target other: %q", out)
	}
	env.PM("build", "--target", "nosuch", ctx).ExpectError(t, 125, `the target "nosuch" was not found`)
	bad := buildCtx(t, env, "mbad", map[string]string{"Containerfile": "FROM busybox\nCOPY --from=nosuchstage /x /x\n"})
	env.PM("build", "-q", "--pull-never", bad).ExpectError(t, 125, "nosuchstage")
}

// TestBuildCache: an identical build reuses every step; a changed COPY
// source, --no-cache and --layers=false do not.
func TestBuildCache(t *testing.T) {
	env := ctrEnv(t)
	ctx := buildCtx(t, env, "cctx", map[string]string{"f": "one\n", "Containerfile": "FROM busybox\nRUN echo step > /s\nCOPY f /f\nRUN cat /f > /g\n"})
	first := env.PMOK("build", "-t", "c1", ctx)
	if strings.Contains(first.Stdout, "Using cache") {
		t.Errorf("first build used the cache:\n%s", first.Stdout)
	}
	second := env.PMOK("build", "-t", "c2", ctx)
	// Three steps after FROM; the last one's image is the build's (no
	// extra commit on top, as Podman's builds).
	if n := strings.Count(second.Stdout, "--> Using cache "); n != 3 {
		t.Errorf("second build used the cache %d times, want 3:\n%s", n, second.Stdout)
	}
	id := func(r Result) string { l := r.Lines(); return l[len(l)-1] }
	if id(first) != id(second) {
		t.Errorf("identical builds made %s and %s", id(first), id(second))
	}
	// A RUN's result depends on the options its container runs with: a
	// build with other limits or security options runs the RUNs again
	// (and the steps after them, whose parent changed).
	for _, opt := range []string{"--ulimit=nofile=101:102", "--security-opt=seccomp=unconfined"} {
		if n := strings.Count(env.PMOK("build", opt, "-t", "c2", ctx).Stdout, "Using cache"); n != 0 {
			t.Errorf("build %s used the cache of RUN steps that ran without it %d times", opt, n)
		}
	}
	os.WriteFile(filepath.Join(ctx, "f"), []byte("two\n"), 0o644)
	third := env.PMOK("build", "-t", "c3", ctx)
	if n := strings.Count(third.Stdout, "Using cache"); n != 1 {
		t.Errorf("after a source change the cache served %d steps, want 1 (the RUN before COPY):\n%s", n, third.Stdout)
	}
	if out := env.PMOK("run", "--rm", "c3", "cat", "/g").Stdout; out != "two\n" {
		t.Errorf("rebuilt image has %q; the build:\n%s", out, third.Stdout)
	}
	if out := env.PMOK("build", "--no-cache", "-t", "c4", ctx).Stdout; strings.Contains(out, "Using cache") {
		t.Errorf("--no-cache used the cache:\n%s", out)
	}
	all := len(strings.Fields(env.PMOK("images", "-aq").Stdout))
	if out := env.PMOK("build", "--layers=false", "-t", "c5", ctx).Stdout; strings.Contains(out, "Using cache") {
		t.Errorf("--layers=false used the cache:\n%s", out)
	}
	if n := len(strings.Fields(env.PMOK("images", "-aq").Stdout)); n != all+1 {
		t.Errorf("--layers=false left %d images, want 1 more than %d", n, all)
	}
	env.PM("build", "--layers=maybe", ctx).ExpectError(t, 125, "layers")
}

// TestBuildKilled: a build's step containers are hidden from ps (shown
// with --external) and do not outlive a killed build.
func TestBuildKilled(t *testing.T) {
	env := ctrEnv(t)
	ctx := buildCtx(t, env, "kctx", map[string]string{"Containerfile": "FROM busybox\nRUN sleep 30\n"})
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM} {
		cmd := env.command("build", ctx)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		env.waitFor(30*time.Second, "the RUN step", func() bool {
			return strings.Contains(env.PMOK("ps", "--external", "--format", "{{.State}}").Stdout, "running")
		})
		if ids := env.PMOK("ps", "-aq").Stdout; ids != "" {
			t.Errorf("ps -a shows build containers: %q", ids)
		}
		cmd.Process.Signal(sig)
		cmd.Wait()
		env.waitFor(30*time.Second, "the build containers to go", func() bool {
			return env.PMOK("ps", "-aq", "--external").Stdout == ""
		})
		env.expectNoConmon(fmt.Sprintf("after %v of the build", sig))
		env.waitFor(30*time.Second, "the build's processes to end", func() bool { return len(env.envProcs()) == 0 })
	}
}

// envProcs lists the processes of the environment but its pause process.
func (e *Env) envProcs() []int {
	marker := "XDG_RUNTIME_DIR=" + e.RuntimeDir
	pause := e.PausePID()
	var pids []int
	for _, p := range listProcs() {
		if p.pid != pause && p.comm != "pm-pause" && p.hasEnv(marker) {
			if st, err := os.ReadFile(filepath.Join("/proc", itoa(p.pid), "stat")); err == nil && strings.Contains(string(st), ") Z ") {
				continue
			}
			pids = append(pids, p.pid)
		}
	}
	return pids
}

// TestBuildFlags: --ulimit, --authfile, --logfile, buildx build, and
// Podman's wording of results and errors.
func TestBuildFlags(t *testing.T) {
	env := ctrEnv(t)
	ctx := buildCtx(t, env, "flctx", map[string]string{"Containerfile": "FROM busybox\nRUN ulimit -n > /u\n"})
	res := env.PMOK("build", "--ulimit", "nofile=1234:1234", "-t", "ul", ctx)
	if !strings.Contains(res.Stdout, "Successfully tagged localhost/ul:latest") {
		t.Errorf("build output:\n%s", res.Stdout)
	}
	if out := env.PMOK("run", "--rm", "ul", "cat", "/u").Stdout; out != "1234\n" {
		t.Errorf("RUN under --ulimit nofile=1234: %q", out)
	}
	env.PM("build", "--ulimit", "bogus=1", ctx).ExpectError(t, 125, "invalid --ulimit")
	env.PM("build", "--authfile", env.Path("none.json"), ctx).ExpectError(t, 125, env.Path("none.json")+": no such file or directory")
	log := env.Path("build.log")
	res = env.PMOK("build", "--logfile", log, "-t", "logged", ctx)
	data, _ := os.ReadFile(log)
	if !strings.Contains(string(data), "STEP 2/2: RUN") || strings.Contains(res.Stdout, "STEP") {
		t.Errorf("--logfile: file %q, stdout %q", data, res.Stdout)
	}
	env.PMOK("buildx", "build", "--load", "-q", "-t", "bx", ctx)
	env.PMOK("image", "exists", "bx")
	env.PM("build", "-q", "--pull-never", buildCtx(t, env, "nobase", map[string]string{"Containerfile": "FROM nosuchbase\n"})).
		ExpectError(t, 125, "Error: creating build container: nosuchbase: image not known")
}

// TestBuildDNS: --dns, --dns-search and --dns-option write the RUN
// steps' /etc/resolv.conf, as pm run's flags; the image keeps none of it.
func TestBuildDNS(t *testing.T) {
	env := ctrEnv(t)
	ctx := buildCtx(t, env, "dctx", map[string]string{"Containerfile": "FROM busybox\nRUN cat /etc/resolv.conf\n"})
	res := env.PMOK("build", "--dns", "192.0.2.1", "--dns-search", "nx-build.example.net", "--dns-option", "ndots:3", "-t", "dnsbuilt", ctx)
	for _, want := range []string{"search nx-build.example.net\n", "nameserver 192.0.2.1\n", "options ndots:3\n"} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("RUN's resolv.conf lacks %q:\n%s", want, res.Stdout)
		}
	}
	if out := env.PMOK("run", "--rm", "--network", "none", "dnsbuilt", "cat", "/etc/resolv.conf").Stdout; strings.Contains(out, "nx-build") {
		t.Errorf("the image kept the build's resolv.conf: %q", out)
	}
}

// TestRmiDanglingParents: rmi of a built image also deletes the build's
// intermediate images it was built on, nearest first, as Podman's rmi; an
// intermediate image another image is built on stays, as does a named
// base; --no-prune keeps them all.
func TestRmiDanglingParents(t *testing.T) {
	env := ctrEnv(t)
	one := buildCtx(t, env, "p1", map[string]string{"Containerfile": "FROM busybox\nRUN echo a > /a\nRUN echo b > /b\n"})
	two := buildCtx(t, env, "p2", map[string]string{"Containerfile": "FROM busybox\nRUN echo a > /a\nRUN echo c > /c\n"})
	env.Exec("chmod", "-R", "a+rX", env.Dir)
	base := env.allImages()
	id := func(r Result) string { l := r.Lines(); return l[len(l)-1] }
	first := id(env.PMOK("build", "-t", "p1", one))
	id(env.PMOK("build", "-t", "p2", two)) // shares the RUN echo a step
	if n := env.allImages(); n != base+3 {
		t.Fatalf("%d images after two builds sharing a step, want %d", n, base+3)
	}
	// The shared step image has another child: only p1 goes.
	res := env.PMOK("rmi", "p1")
	if d := strings.Count(res.Stdout, "Deleted: "); d != 1 || !strings.Contains(res.Stdout, "Deleted: "+first) {
		t.Errorf("rmi p1 with a shared parent:\n%s", res.Stdout)
	}
	// Now the step image's only child goes, and it with it.
	res = env.PMOK("rmi", "p2")
	if d := strings.Count(res.Stdout, "Deleted: "); d != 2 {
		t.Errorf("rmi p2 deleted %d images, want 2 (the image and its dangling parent):\n%s", d, res.Stdout)
	}
	if n := env.allImages(); n != base {
		t.Errorf("%d images left, want the %d before the builds", n, base)
	}
	env.PMOK("image", "exists", "busybox")
	// --no-prune keeps the intermediate image.
	env.PMOK("build", "-t", "p1", one)
	res = env.PMOK("rmi", "--no-prune", "p1")
	if d := strings.Count(res.Stdout, "Deleted: "); d != 1 {
		t.Errorf("rmi --no-prune deleted %d images, want 1:\n%s", d, res.Stdout)
	}
	if n := env.allImages(); n != base+1 {
		t.Errorf("%d images after rmi --no-prune, want %d", n, base+1)
	}
	env.PMOK("image", "prune", "-f")
}
