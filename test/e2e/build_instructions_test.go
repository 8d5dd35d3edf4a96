package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// serveFiles serves files (path -> content) over HTTP on 127.0.0.1 for
// the length of the test and returns the base URL.
func serveFiles(t *testing.T, files map[string][]byte) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	modified := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Last-Modified", modified.Format(http.TimeFormat))
		w.Write(data)
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String()
}

// tarGz is a gzip-compressed tar archive of one file.
func tarGz(t *testing.T, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg})
	tw.Write([]byte(content))
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

// allImages counts every image, step images included.
func (e *Env) allImages() int {
	e.t.Helper()
	return len(strings.Fields(e.PMOK("images", "-aq").Stdout))
}

// TestBuildInstructions: one Containerfile with SHELL, HEALTHCHECK,
// STOPSIGNAL, ONBUILD, MAINTAINER, COPY and ADD with --chown and
// --chmod, ADD of URLs and VOLUME in every form builds an image that
// behaves as each says, in Docker's format; a child build runs the
// ONBUILD trigger and a grandchild does not.
func TestBuildInstructions(t *testing.T) {
	env := ctrEnv(t)
	base := serveFiles(t, map[string][]byte{
		"/files/remote.txt": []byte("remote content\n"),
		"/arch.tar.gz":      tarGz(t, "inner.txt", "inside\n"),
	})
	ctx := buildCtx(t, env, "ictx", map[string]string{
		"f.txt": "context file\n",
		"Containerfile": `FROM busybox
MAINTAINER tester
ARG GREETING=hello OTHER=x
SHELL ["/bin/sh", "-c", "echo shell-used >> /shell-marker; eval \"$1\"", "sh"]
RUN echo "$GREETING $OTHER" > /greeting
HEALTHCHECK --interval=1h --start-period=5m --start-interval=1s --retries=1 CMD test -f /greeting
STOPSIGNAL SIGUSR1
ONBUILD RUN echo triggered >> /onbuild-ran
USER nobody
COPY --chown=nobody:nogroup --chmod=0640 f.txt /owned/f.txt
COPY --chown=65534 f.txt /numeric/
COPY f.txt /plain/
ADD ` + base + `/files/remote.txt /dl/
ADD ` + base + `/arch.tar.gz /dl/
ADD --chown=tuser:tuser --chmod=0755 ` + base + `/files/remote.txt /dl/renamed
VOLUME ["/vol-json"]
VOLUME /vol-a /vol-b
VOLUME ['/q', '/r']
USER root
CMD trap 'echo got-usr1; exit 0' USR1; echo ready; while :; do sleep 0.1; done
`,
	})
	res := env.PMOK("build", "--format", "docker", "--build-arg", "GREETING=hey", "--build-arg", "NOBODY_TAKES=1", "-t", "instr", ctx)
	res.Stderr = res.Logged()
	if !strings.Contains(res.Stderr, `VOLUME ['/q', '/r'] is not a JSON array`) {
		t.Errorf("no warning for the single-quoted VOLUME:\n%s", res.Stderr)
	}
	if !strings.Contains(res.Stderr, "did not use: NOBODY_TAKES\n") {
		t.Errorf("no warning for the unused build arg:\n%s", res.Stderr)
	}
	if strings.Contains(res.Stdout+res.Stderr, "ignored") {
		t.Errorf("build output says something is ignored:\n%s%s", res.Stdout, res.Stderr)
	}

	// SHELL ran the RUN after it, and not the ones of a later container.
	out := env.PMOK("run", "--rm", "instr", "sh", "-c", "cat /shell-marker /greeting").Stdout
	if out != "shell-used\nhey x\n" {
		t.Errorf("SHELL and RUN: %q", out)
	}
	// --chown by name and by number, --chmod, root without --chown even
	// after USER, and the directories COPY made.
	out = env.PMOK("run", "--rm", "instr", "sh", "-c",
		"stat -c '%n %u:%g %a' /owned /owned/f.txt /numeric/f.txt /plain/f.txt /dl/remote.txt /dl/arch.tar.gz /dl/renamed; cat /dl/remote.txt /dl/renamed; date -u -r /dl/remote.txt +%Y").Stdout
	want := "/owned 65534:65534 755\n/owned/f.txt 65534:65534 640\n/numeric/f.txt 65534:65534 644\n/plain/f.txt 0:0 644\n" +
		"/dl/remote.txt 0:0 600\n/dl/arch.tar.gz 0:0 600\n/dl/renamed 1000:1000 755\nremote content\nremote content\n2021\n"
	if out != want {
		t.Errorf("owners and modes:\n%s\nwant:\n%s", out, want)
	}
	var img []struct {
		Author string
		Config struct {
			Volumes    map[string]any
			StopSignal string
			Cmd        []string
		}
		Healthcheck *struct {
			Test                                 []string
			Interval, StartPeriod, StartInterval time.Duration
			Retries                              int
		}
	}
	decodeJSON(t, env.PMOK("image", "inspect", "instr").Stdout, &img)
	var vols []string
	for v := range img[0].Config.Volumes {
		vols = append(vols, v)
	}
	sort.Strings(vols)
	if got := strings.Join(vols, " "); got != "/r] /vol-a /vol-b /vol-json [/q," {
		t.Errorf("volumes: %q", got)
	}
	if hc := img[0].Healthcheck; hc == nil || strings.Join(hc.Test, "|") != "CMD-SHELL|test -f /greeting" || hc.Interval != time.Hour ||
		hc.StartPeriod != 5*time.Minute || hc.StartInterval != time.Second || hc.Retries != 1 {
		t.Errorf("image healthcheck: %+v", hc)
	}
	if img[0].Author != "tester" || img[0].Config.StopSignal != "SIGUSR1" || len(img[0].Config.Cmd) != 5 || img[0].Config.Cmd[2] != `echo shell-used >> /shell-marker; eval "$1"` {
		t.Errorf("author %q, stop signal %q, cmd %q", img[0].Author, img[0].Config.StopSignal, img[0].Config.Cmd)
	}

	// The container gets the healthcheck, which runs every second of the
	// start period (not after the hour of the interval), the volumes, and
	// the stop signal, which pm stop sends.
	env.runID("--name", "hc", "instr")
	env.waitFor(30*time.Second, "the healthcheck to pass", func() bool { return env.healthStatus("hc") == "healthy" })
	env.PMOK("healthcheck", "run", "hc")
	mounts := env.PMOK("inspect", "--format", "{{range .Mounts}}{{.Destination}} {{end}}", "hc").Stdout
	for _, v := range []string{"/vol-json", "/vol-a", "/vol-b", "/[/q,", "/r]"} {
		if !strings.Contains(mounts, v+" ") {
			t.Errorf("volume %s not mounted: %q", v, mounts)
		}
	}
	env.waitFor(30*time.Second, "the container to trap signals", func() bool { return strings.Contains(env.PMOK("logs", "hc").Stdout, "ready") })
	env.PMOK("stop", "-t", "60", "hc")
	if logs := env.PMOK("logs", "hc").Stdout; logs != "ready\ngot-usr1\n" {
		t.Errorf("logs after pm stop: %q (want the USR1 trap)", logs)
	}
	if code := env.PMOK("inspect", "--format", "{{.State.ExitCode}}", "hc").Stdout; code != "0\n" {
		t.Errorf("exit code after pm stop: %s", code)
	}
	env.PMOK("rm", "-v", "hc")

	// ONBUILD runs in a child build, right after FROM, and not again in
	// a grandchild; the parent image never ran it.
	child := buildCtx(t, env, "child", map[string]string{"Containerfile": "FROM instr\nRUN cat /onbuild-ran\n"})
	res = env.PMOK("build", "--format", "docker", "-t", "child", child)
	if !strings.Contains(res.Stdout, "ONBUILD trigger: RUN echo triggered >> /onbuild-ran") || !strings.Contains(res.Stdout, "triggered\n") {
		t.Errorf("child build output:\n%s", res.Stdout)
	}
	if vols := env.PMOK("volume", "ls", "-q").Stdout; vols != "" {
		t.Errorf("the child build's steps left volumes behind:\n%s", vols)
	}
	grand := buildCtx(t, env, "grand", map[string]string{"Containerfile": "FROM child\nRUN wc -l < /onbuild-ran > /count\n"})
	env.PMOK("build", "--format", "docker", "-t", "grand", grand)
	if out := env.PMOK("run", "--rm", "grand", "cat", "/count").Stdout; out != "1\n" {
		t.Errorf("the trigger ran again in the grandchild: %q lines", out)
	}
	if res := env.PM("run", "--rm", "instr", "test", "-e", "/onbuild-ran"); res.Code != 1 {
		t.Errorf("the parent image ran its own trigger: %s", res)
	}
	// The child keeps its parent's SHELL (a Docker-format base).
	if out := env.PMOK("run", "--rm", "child", "grep", "-c", "shell-used", "/shell-marker").Stdout; out != "3\n" {
		t.Errorf("RUNs of the child under the parent's SHELL: %q, want 3 (parent's RUN, trigger, child's RUN)", out)
	}
}

// TestBuildOCIFormat: an OCI image cannot keep HEALTHCHECK, SHELL and
// ONBUILD: the build says so for each, as Podman does, the image has
// none of them, and SHELL still served the build's own RUN steps.
func TestBuildOCIFormat(t *testing.T) {
	env := ctrEnv(t)
	ctx := buildCtx(t, env, "octx", map[string]string{"Containerfile": "FROM busybox\nSHELL [\"/bin/sh\", \"-c\", \"echo via-shell >> /m; eval \\\"$1\\\"\", \"sh\"]\n" +
		"RUN true\nHEALTHCHECK CMD true\nONBUILD RUN touch /trig\nSTOPSIGNAL SIGINT\n"})
	res := env.PMOK("build", "-t", "ociimg", ctx)
	res.Stderr = res.Logged()
	for _, w := range []string{"HEALTHCHECK is not supported in the OCI image format", "SHELL [\"/bin/sh\",", "ONBUILD RUN touch /trig is not supported in the OCI image format"} {
		if !strings.Contains(res.Stderr, w) {
			t.Errorf("no warning %q:\n%s", w, res.Stderr)
		}
	}
	if n := strings.Count(res.Stderr, "WARN"); n != 3 {
		t.Errorf("%d warnings, want 3:\n%s", n, res.Stderr)
	}
	if hc := env.PMOK("image", "inspect", "--format", "{{.Healthcheck}}|{{.Config.StopSignal}}", "ociimg").Stdout; hc != "<nil>|SIGINT\n" {
		t.Errorf("OCI image healthcheck and stop signal: %q", hc)
	}
	if out := env.PMOK("run", "--rm", "ociimg", "cat", "/m").Stdout; out != "via-shell\n" {
		t.Errorf("SHELL during an OCI build: %q", out)
	}
	// A child has neither the trigger nor the SHELL (it would add a line
	// to /m).
	child := buildCtx(t, env, "ochild", map[string]string{"Containerfile": "FROM ociimg\nRUN test ! -e /trig && echo no-trigger > /r\n"})
	res = env.PMOK("build", "-t", "ochild", child)
	if strings.Contains(res.Stdout, "ONBUILD") || res.Stderr != "" {
		t.Errorf("child of an OCI image:\n%s\n%s", res.Stdout, res.Stderr)
	}
	if out := env.PMOK("run", "--rm", "ochild", "sh", "-c", "cat /r /m").Stdout; out != "no-trigger\nvia-shell\n" {
		t.Errorf("child of an OCI image: %q", out)
	}
}

// TestBuildScratch: FROM scratch is an empty base: a static busybox
// COPY'd into it runs, RUN works in exec form, and no helper image is
// left.
func TestBuildScratch(t *testing.T) {
	env := ctrEnv(t)
	bb, err := os.ReadFile("/bin/busybox")
	if err != nil {
		t.Skipf("no static busybox: %v", err)
	}
	ctx := buildCtx(t, env, "sctx", map[string]string{"busybox": string(bb),
		"Containerfile": "FROM scratch\nCOPY --chmod=0755 busybox /bin/busybox\nRUN [\"/bin/busybox\", \"mkdir\", \"/made\"]\n" +
			"CMD [\"/bin/busybox\", \"sh\", \"-c\", \"test -d /made && echo from-scratch\"]\n"})
	before := env.allImages()
	env.PMOK("build", "-q", "--layers=false", "-t", "scratchy", ctx)
	if out := env.PMOK("run", "--rm", "scratchy").Stdout; out != "from-scratch\n" {
		t.Errorf("image from scratch: %q", out)
	}
	if n := env.allImages(); n != before+1 {
		t.Errorf("%d images after a --layers=false build from scratch, want %d", n, before+1)
	}
	if cmd := env.PMOK("image", "inspect", "--format", "{{.Config.Env}} {{len .RootFS.Layers}}", "scratchy").Stdout; cmd != "[] 3\n" {
		t.Errorf("scratch image env and layers: %q", cmd)
	}
	// What the RUN's container mounted (/etc/hosts, /proc, ...) stays
	// out of the image.
	archive := env.Path("scratchy.tar")
	env.PMOK("save", "-o", archive, "scratchy")
	if got := strings.Join(imageFiles(t, archive), " "); got != "bin/ bin/busybox made/" {
		t.Errorf("files of the image: %s", got)
	}
}

// imageFiles lists the entries of every layer of a docker-archive.
func imageFiles(t *testing.T, archive string) []string {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		if !strings.HasSuffix(h.Name, ".tar") {
			continue
		}
		lr := tar.NewReader(tr)
		for {
			lh, err := lr.Next()
			if err != nil {
				break
			}
			names = append(names, lh.Name)
		}
	}
	sort.Strings(names)
	return names
}

// TestBuildBadInstructions: a bad --chown user, --chmod, HEALTHCHECK,
// SHELL, STOPSIGNAL or RUN option is an error naming the line, exit 125,
// leaving no image and no container.
func TestBuildBadInstructions(t *testing.T) {
	env := ctrEnv(t)
	cases := []struct{ line, want string }{
		{"COPY --chown=nosuch f.txt /f", `COPY --chown=nosuch: unable to find user nosuch`},
		{"COPY --chown=nobody:nosuchgroup f.txt /f", `unable to find group nosuchgroup`},
		{"COPY --chmod=999 f.txt /f", "invalid --chmod=999"},
		{"ADD --chmod=rwx f.txt /f", "invalid --chmod=rwx"},
		{"HEALTHCHECK --interval=often CMD true", "invalid --interval=often"},
		{"HEALTHCHECK --retries=0 CMD true", "invalid --retries=0"},
		{"HEALTHCHECK --bogus=1 CMD true", "unknown option --bogus"},
		{"HEALTHCHECK NONE true", "NONE takes no command"},
		{"SHELL /bin/bash -c", "SHELL must be a JSON array"},
		{"STOPSIGNAL SIGNOPE", `invalid signal "SIGNOPE"`},
		{"ONBUILD ONBUILD RUN true", "ONBUILD ONBUILD is not allowed"},
		{"RUN --mount=type=cache,target=/c true", "RUN --mount is not supported"},
		{"COPY --link f.txt /f", "COPY --link is not supported"},
		{"RUN <<EOF", "heredocs (<<EOF) are not supported"},
		{"ADD --checksum=sha256:" + strings.Repeat("0", 64) + " f.txt /f", "only for http and https"},
	}
	images, all := env.imageIDs(), env.allImages()
	for _, c := range cases {
		ctx := buildCtx(t, env, "bad", map[string]string{"f.txt": "x\n", "Containerfile": "FROM busybox\nRUN true\n" + c.line + "\n"})
		res := env.PM("build", "-q", "-t", "bad", ctx)
		res.ExpectError(t, 125, fmt.Sprintf("Error: building at STEP %q: ", c.line))
		if !strings.Contains(res.Stderr, c.want) {
			t.Errorf("%s: stderr %q, want %q", c.line, res.Stderr, c.want)
		}
		os.RemoveAll(ctx)
	}
	if !equal(images, env.imageIDs()) {
		t.Errorf("failed builds left images")
	}
	// The bad options are found before any step runs: no step image
	// either, but for the checks that need the image (--chown).
	if n := env.allImages(); n > all+1 {
		t.Errorf("failed builds left %d step images", n-all)
	}
	if ids := env.PMOK("ps", "-aq", "--external").Stdout; ids != "" {
		t.Errorf("containers left after failed builds: %q", ids)
	}
}

// TestBuildLayersFalse: --layers=false neither uses nor fills the cache:
// a later build of the same Containerfile runs every step.
func TestBuildLayersFalse(t *testing.T) {
	env := ctrEnv(t)
	ctx := buildCtx(t, env, "lctx", map[string]string{"Containerfile": "FROM busybox\nRUN echo one > /one\nRUN echo two > /two\n"})
	all := env.allImages()
	res := env.PMOK("build", "--layers=false", "-t", "l1", ctx)
	if strings.Contains(res.Stdout, "Using cache") {
		t.Errorf("--layers=false used the cache:\n%s", res.Stdout)
	}
	if n := env.allImages(); n != all+1 {
		t.Errorf("--layers=false left %d images, want 1", n-all)
	}
	res = env.PMOK("build", "-t", "l2", ctx)
	if strings.Contains(res.Stdout, "Using cache") {
		t.Errorf("a build after --layers=false found a cache it should not have written:\n%s", res.Stdout)
	}
	res = env.PMOK("build", "-t", "l3", ctx)
	if n := strings.Count(res.Stdout, "Using cache"); n != 2 {
		t.Errorf("the default (--layers=true) cache served %d steps, want 2:\n%s", n, res.Stdout)
	}
	res = env.PMOK("build", "--layers=false", "-t", "l4", ctx)
	if strings.Contains(res.Stdout, "Using cache") {
		t.Errorf("--layers=false used the cache the default build filled:\n%s", res.Stdout)
	}
	// Podman's environment defaults; the flags win over them.
	env.SetEnv("BUILDAH_LAYERS=false", "BUILDAH_FORMAT=docker")
	res = env.PMOK("build", "-t", "l5", ctx)
	if strings.Contains(res.Stdout, "Using cache") {
		t.Errorf("BUILDAH_LAYERS=false used the cache:\n%s", res.Stdout)
	}
	if mt := env.PMOK("image", "inspect", "--format", "{{.ManifestType}}", "l5").Stdout; !strings.Contains(mt, "docker") {
		t.Errorf("BUILDAH_FORMAT=docker made %q", mt)
	}
	res = env.PMOK("build", "--layers", "--format", "oci", "-t", "l6", ctx)
	if n := strings.Count(res.Stdout, "Using cache"); n != 2 {
		t.Errorf("--layers over BUILDAH_LAYERS=false: the cache served %d steps, want 2:\n%s", n, res.Stdout)
	}
	env.SetEnv("BUILDAH_LAYERS=maybe")
	env.PM("build", ctx).ExpectError(t, 125, `invalid BUILDAH_LAYERS "maybe"`)
}

// TestBuildPullNewer: build's and run's --pull=newer take the
// registry's image when the local one differs, where --pull=missing
// keeps the local one.
func TestBuildPullNewer(t *testing.T) {
	env := ctrEnv(t)
	full := registry + "/busybox:latest"
	ctx := buildCtx(t, env, "pctx", map[string]string{"Containerfile": "FROM " + full + "\nRUN echo x > /x\n", "other": "FROM busybox\nRUN touch /impostor\n"})
	env.PMOK("build", "-q", "-t", full, "-f", filepath.Join(ctx, "other"), ctx)
	env.PMOK("build", "-q", "--pull=missing", "-t", "m", ctx)
	if res := env.PM("run", "--rm", "m", "test", "-e", "/impostor"); res.Code != 0 {
		t.Errorf("--pull=missing did not keep the local image: %s", res)
	}
	env.PMOK("build", "-q", "--pull=newer", "-t", "n", ctx)
	if res := env.PM("run", "--rm", "n", "test", "-e", "/impostor"); res.Code != 1 {
		t.Errorf("--pull=newer kept the local image that differs from the registry's: %s", res)
	}
	// pm run's --pull=newer too; a local image the registry does not
	// have is kept.
	env.PMOK("build", "-q", "-t", full, "-f", filepath.Join(ctx, "other"), ctx)
	if res := env.PM("run", "--rm", "--pull=newer", full, "test", "-e", "/impostor"); res.Code != 1 {
		t.Errorf("run --pull=newer kept the local image that differs from the registry's: %s", res)
	}
	env.PMOK("build", "-q", "-t", "localonly", "-f", filepath.Join(ctx, "other"), ctx)
	if res := env.PM("run", "--rm", "--pull=newer", "localonly", "test", "-e", "/impostor"); res.Code != 0 {
		t.Errorf("run --pull=newer of an image only here: %s", res)
	}
}

// TestBuildJobs: with --jobs=2 two stages that do not need each other
// build at once: one listens on a port until the other connects to it,
// which a build of one stage after the other cannot do. The stage that
// needs both builds after them. The steps share the host's network, where
// another test may knock on the port: the listener listens again after a
// connection that did not say hello.
func TestBuildJobs(t *testing.T) {
	env := ctrEnv(t)
	// A port of its own: no other test publishes it, and pm's random
	// host ports and outgoing connections come from the ephemeral range.
	port, err := freePortIn(buildJobsPorts[0], buildJobsPorts[1])
	if err != nil {
		t.Fatal(err)
	}
	p := itoa(port)
	// The talker waits at most 2 s for the listener to close (-w 2), and
	// the listener at most 20 s a round for a hello: whatever goes
	// wrong, the build ends well within the command's timeout.
	ctx := buildCtx(t, env, "jctx", map[string]string{"Containerfile": "FROM busybox AS listener\n" +
		"RUN for i in 1 2 3; do timeout 20 nc -l -p " + p + " > /heard; grep -q hello /heard && exit 0; done; exit 1\n" +
		"FROM busybox AS talker\nRUN for i in $(seq 400); do echo hello | nc -w 2 127.0.0.1 " + p + " && exit 0; sleep 0.1; done; exit 1\n" +
		"FROM busybox\nCOPY --from=listener /heard /heard\nCOPY --from=talker /bin/busybox /bb\n"})
	env.PMOK("build", "-q", "--jobs=2", "-t", "jobs", ctx)
	if out := env.PMOK("run", "--rm", "jobs", "cat", "/heard").Stdout; out != "hello\n" {
		t.Errorf("the listener stage heard %q", out)
	}
	env.PM("build", "--jobs=-1", ctx).ExpectError(t, 125, "invalid --jobs -1")
}

// TestBuildJobsFailureCancels: with --jobs, a stage that fails ends the
// build at once with its exit code: the stage building beside it is
// killed, not waited for (it would run for ten minutes).
func TestBuildJobsFailureCancels(t *testing.T) {
	env := ctrEnv(t)
	ctx := buildCtx(t, env, "fctx", map[string]string{"Containerfile": "FROM busybox AS slow\n" +
		"RUN sleep 600\n" +
		"FROM busybox AS failing\nRUN sleep 1; exit 3\n" +
		"FROM busybox\nCOPY --from=slow /bin/busybox /a\nCOPY --from=failing /bin/busybox /b\n"})
	env.PM("build", "-q", "--jobs=2", "-t", "cancelled", ctx).ExpectError(t, 3, "exit 3")
	env.expectNoConmon("after the cancelled build")
	env.expectNoStorageContainers("after the cancelled build")
	if out := env.PMOK("ps", "-a", "-q", "--external").Stdout; out != "" {
		t.Errorf("containers left by the cancelled build: %s", out)
	}
}
