package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// denyMkdirProfile allows every system call but mkdir and mkdirat, which
// fail with EPERM.
const denyMkdirProfile = `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}`

// expectRefused runs pm args and checks that it failed with exit 125 and
// msg, and that no container was made, neither in pm's state nor in
// storage. The environment must have no containers.
func (e *Env) expectRefused(msg string, args ...string) {
	e.t.Helper()
	e.PM(args...).ExpectError(e.t, 125, msg)
	if ids := e.psIDs(); len(ids) > 0 {
		e.t.Errorf("pm %s: containers left: %q", shellJoin(args), ids)
	}
	e.expectNoStorageContainers("pm " + shellJoin(args))
}

// TestSeccompProfileFile: --security-opt seccomp=FILE loads the profile
// (a deny-mkdir profile makes mkdir fail), inspect shows it, and a
// missing, unreadable, truncated or malformed profile is refused before
// anything is made.
func TestSeccompProfileFile(t *testing.T) {
	env := ctrEnv(t)
	deny := env.writeFile("deny-mkdir.json", denyMkdirProfile)

	// Without the profile mkdir works: the failure below is the profile's.
	env.PMOK("run", "--rm", "busybox", "mkdir", "/tmp/x")
	r := env.PM("run", "--rm", "--security-opt", "seccomp="+deny, "busybox", "mkdir", "/tmp/x")
	if r.Code != 1 || !strings.Contains(r.Stderr, "Operation not permitted") {
		t.Errorf("mkdir under the deny-mkdir profile: exit %d, stderr %q; want exit 1, Operation not permitted", r.Code, r.Stderr)
	}
	// Other system calls still work, and the old ":" syntax and a
	// relative path (from pm's working directory) name the same file.
	if out := env.PMOK("run", "--rm", "--security-opt", "seccomp:deny-mkdir.json", "busybox", "sh", "-c", "echo ok > /tmp/f && cat /tmp/f").Stdout; out != "ok\n" {
		t.Errorf("other system calls under the profile: %q", out)
	}
	if r := env.PM("run", "--rm", "--security-opt", "seccomp=deny-mkdir.json", "busybox", "mkdir", "/tmp/x"); r.Code != 1 {
		t.Errorf("relative profile path: mkdir exit %d, want 1 (%s)", r.Code, r.Stderr)
	}
	// unconfined: no filter at all.
	if out := env.PMOK("run", "--rm", "--security-opt", "seccomp=unconfined", "busybox", "grep", "^Seccomp:", "/proc/self/status").Stdout; !strings.Contains(out, "\t0") {
		t.Errorf("seccomp=unconfined: %q", out)
	}

	env.PMOK("create", "--name", "withprofile", "--security-opt", "seccomp="+deny, "--security-opt", "no-new-privileges", "busybox", "true")
	var opts []string
	if err := json.Unmarshal([]byte(env.PMOK("inspect", "--format", "{{json .HostConfig.SecurityOpt}}", "withprofile").Stdout), &opts); err != nil {
		t.Fatal(err)
	}
	if strings.Join(opts, " ") != "no-new-privileges seccomp="+deny {
		t.Errorf("inspect HostConfig.SecurityOpt = %q, want [no-new-privileges seccomp=%s]", opts, deny)
	}
	env.PMOK("rm", "withprofile")

	bad := []struct{ name, content, msg string }{
		{"truncated.json", denyMkdirProfile[:45], "decoding the JSON: unexpected end of JSON input"},
		{"empty.json", "", "decoding the JSON"},
		{"nodefault.json", `{}`, "no defaultAction"},
		{"badaction.json", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_NOPE"}]}`, `syscalls[0]: unknown action "SCMP_ACT_NOPE"`},
	}
	for _, b := range bad {
		p := env.writeFile(b.name, b.content)
		env.expectRefused("loading seccomp profile "+p+": "+b.msg, "run", "--rm", "--security-opt", "seccomp="+p, "busybox", "true")
		env.expectRefused(b.msg, "create", "--security-opt", "seccomp="+p, "busybox", "true")
	}
	missing := env.Path("missing.json")
	env.expectRefused("loading seccomp profile: open "+missing+": no such file or directory", "run", "--rm", "--security-opt", "seccomp="+missing, "busybox", "true")
	env.expectRefused("seccomp= needs a value", "create", "--security-opt", "seccomp=", "busybox", "true")
	if isRoot {
		secret := env.Path("secret.json")
		if err := os.WriteFile(secret, []byte(denyMkdirProfile), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chown(secret, 0, 0)
		env.expectRefused("permission denied", "create", "--security-opt", "seccomp="+secret, "busybox", "true")
	}
}

// TestSeccompContainersConf: containers.conf's seccomp_profile is the
// default profile; --security-opt seccomp= overrides it; a missing one is
// an error naming containers.conf.
func TestSeccompContainersConf(t *testing.T) {
	env := ctrEnv(t)
	deny := env.writeFile("deny-mkdir.json", denyMkdirProfile)
	conf := filepath.Join(env.ConfigHome, "containers", "containers.conf")
	if err := os.WriteFile(conf, []byte("[containers]\nseccomp_profile = \""+deny+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := env.PM("run", "--rm", "busybox", "mkdir", "/tmp/x"); r.Code != 1 || !strings.Contains(r.Stderr, "Operation not permitted") {
		t.Errorf("mkdir under containers.conf's profile: exit %d, %q", r.Code, r.Stderr)
	}
	env.PMOK("run", "--rm", "--security-opt", "seccomp=unconfined", "busybox", "mkdir", "/tmp/x")
	if out := env.PMOK("info", "--format", "{{.Host.Security.SeccompProfilePath}}").Stdout; strings.TrimSpace(out) != deny {
		t.Errorf("pm info seccompProfilePath = %q, want %s", out, deny)
	}

	missing := env.Path("gone.json")
	if err := os.WriteFile(conf, []byte("[containers]\nseccomp_profile = \""+missing+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env.expectRefused("loading seccomp profile (containers.conf seccomp_profile): open "+missing, "run", "--rm", "busybox", "true")
	// A profile given on the command line does not need containers.conf's.
	env.PMOK("run", "--rm", "--security-opt", "seccomp="+deny, "busybox", "true")
}

// TestSeccompPolicyImage: --seccomp-policy image applies the profile in
// the image's io.containers.seccomp.profile label; an image without one,
// or the policy with --security-opt seccomp=, is refused.
func TestSeccompPolicyImage(t *testing.T) {
	env := ctrEnv(t)
	img := "localhost/seccomp-label:latest"
	env.PMOK("import", "--change", "LABEL io.containers.seccomp.profile='"+denyMkdirProfile+"'", "--change", `CMD ["sh"]`, Fixture("rootfs.tar"), img)
	t.Cleanup(func() { env.quietRun("rmi", "-f", img) })

	// The default policy does not read the label.
	env.PMOK("run", "--rm", img, "mkdir", "/tmp/x")
	if r := env.PM("run", "--rm", "--seccomp-policy", "image", img, "mkdir", "/tmp/x"); r.Code != 1 || !strings.Contains(r.Stderr, "Operation not permitted") {
		t.Errorf("mkdir with the image's profile: exit %d, %q", r.Code, r.Stderr)
	}
	env.expectRefused("the image has no seccomp profile", "create", "--seccomp-policy", "image", "busybox", "true")
	env.expectRefused("--seccomp-policy image conflicts with --security-opt seccomp=unconfined", "create", "--seccomp-policy", "image", "--security-opt", "seccomp=unconfined", img, "true")
	env.expectRefused(`invalid --seccomp-policy "strict"`, "create", "--seccomp-policy", "strict", "busybox", "true")

	bad := "localhost/seccomp-badlabel:latest"
	env.PMOK("import", "--change", "LABEL io.containers.seccomp.profile='{\"defaultAction\":'", "--change", `CMD ["sh"]`, Fixture("rootfs.tar"), bad)
	t.Cleanup(func() { env.quietRun("rmi", "-f", bad) })
	env.expectRefused("the profile in label io.containers.seccomp.profile: decoding the JSON", "create", "--seccomp-policy", "image", bad, "true")
}

// TestSeccompDockerCLI: the docker CLI sends --security-opt seccomp=FILE
// as the profile's JSON; pm applies it, shows it in inspect, and answers
// a malformed inline profile with 400 before anything is made.
func TestSeccompDockerCLI(t *testing.T) {
	needTool(t, "docker")
	needTool(t, "curl")
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	env.docker("pull", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })
	t.Cleanup(func() { env.Exec("docker", "rm", "-f", "seccompctr") })
	deny := env.writeFile("deny-mkdir.json", denyMkdirProfile)

	env.docker("run", "--rm", img, "mkdir", "/tmp/x")
	r := env.Exec("docker", "run", "--rm", "--security-opt", "seccomp="+deny, img, "mkdir", "/tmp/x")
	if r.Code != 1 || !strings.Contains(r.Stderr, "Operation not permitted") {
		t.Errorf("docker run with the deny-mkdir profile: exit %d, stderr %q", r.Code, r.Stderr)
	}
	env.docker("create", "--name", "seccompctr", "--security-opt", "seccomp="+deny, img, "true")
	out := env.docker("inspect", "--format", "{{json .HostConfig.SecurityOpt}}", "seccompctr").Stdout
	var opts []string
	if err := json.Unmarshal([]byte(out), &opts); err != nil || len(opts) != 1 || !strings.HasPrefix(opts[0], "seccomp={") ||
		!strings.Contains(opts[0], `"SCMP_ACT_ERRNO"`) {
		t.Errorf("docker inspect SecurityOpt = %s, want the profile's JSON", out)
	}
	env.docker("rm", "seccompctr")

	for _, b := range []struct{ opt, msg string }{
		{`seccomp={\"defaultAction\":`, "decoding the JSON"},
		{`seccomp={}`, "no defaultAction"},
		{`seccomp=`, "seccomp= needs a value"},
		{`apparmor`, `invalid SecurityOpt \"apparmor\"`},
	} {
		code, body := env.curl(svc.Sock, "POST", "/v1.44/containers/create", `{"Image":"`+img+`","HostConfig":{"SecurityOpt":["`+b.opt+`"]}}`)
		if code != "400" || !strings.Contains(body, b.msg) {
			t.Errorf("create with SecurityOpt %s: %s %s, want 400 with %q", b.opt, code, body, b.msg)
		}
	}
	if ids := env.psIDs(); len(ids) > 0 {
		t.Errorf("refused creates left containers: %q", ids)
	}
	env.expectNoStorageContainers("refused API creates")
}

// hostHas reports whether a file exists on the host (AppArmor, SELinux).
func hostHas(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TestSecurityOptsApplied: apparmor=, label=, proc-opts=, mask= and
// unmask= each take effect, are refused, or — for a module this host
// lacks — run with a one-line warning, as Podman treats them.
func TestSecurityOptsApplied(t *testing.T) {
	env := ctrEnv(t)

	// proc-opts reach the /proc mount.
	out := env.PMOK("run", "--rm", "--security-opt", "proc-opts=hidepid=2,subset=pid", "busybox", "grep", " /proc ", "/proc/self/mountinfo").Stdout
	if !strings.Contains(out, "hidepid=invisible") && !strings.Contains(out, "hidepid=2") || !strings.Contains(out, "subset=pid") {
		t.Errorf("/proc with proc-opts=hidepid=2,subset=pid: %q", out)
	}
	if out := env.PMOK("run", "--rm", "busybox", "grep", " /proc ", "/proc/self/mountinfo").Stdout; strings.Contains(out, "hidepid") {
		t.Errorf("/proc without proc-opts: %q", out)
	}
	// mask hides a path, unmask shows a masked one.
	if out := env.PMOK("run", "--rm", "--security-opt", "mask=/proc/cpuinfo", "busybox", "cat", "/proc/cpuinfo").Stdout; out != "" {
		t.Errorf("mask=/proc/cpuinfo: the file still has %d bytes", len(out))
	}
	if out := env.PMOK("run", "--rm", "busybox", "cat", "/proc/interrupts").Stdout; out != "" {
		t.Errorf("/proc/interrupts is not masked by default: %d bytes", len(out))
	}
	if out := env.PMOK("run", "--rm", "--security-opt", "unmask=/proc/interrupts", "busybox", "cat", "/proc/interrupts").Stdout; out == "" {
		t.Error("unmask=/proc/interrupts: still empty")
	}

	// apparmor=unconfined is what a container without AppArmor is; a
	// profile needs AppArmor, which rootless containers do not get.
	env.PMOK("create", "--name", "aa", "--security-opt", "apparmor=unconfined", "--security-opt", "label=disable", "busybox", "true")
	if out := env.PMOK("inspect", "--format", "{{json .HostConfig.SecurityOpt}}", "aa").Stdout; strings.TrimSpace(out) != `["label=disable","apparmor=unconfined"]` {
		t.Errorf("inspect SecurityOpt = %s", out)
	}
	env.PMOK("rm", "aa")
	if hostHas("/sys/module/apparmor/parameters/enabled") {
		env.expectRefused("apparmor=my-profile: AppArmor profiles are not applied to rootless containers", "run", "--rm", "--security-opt", "apparmor=my-profile", "busybox", "true")
	} else {
		env.expectRefused("apparmor=my-profile: AppArmor is not enabled on this host", "run", "--rm", "--security-opt", "apparmor=my-profile", "busybox", "true")
	}

	// label= other than disable: SELinux labels, which pm does not apply.
	if hostHas("/sys/fs/selinux/enforce") {
		env.expectRefused("label=type:spc_t: pm does not apply SELinux labels", "run", "--rm", "--security-opt", "label=type:spc_t", "busybox", "true")
	} else {
		r := env.PMOK("run", "--rm", "--security-opt", "label=type:spc_t", "busybox", "echo", "ran")
		if r.Stdout != "ran\n" || r.Stderr != "SELinux is not enabled on this host: security option label=type:spc_t has no effect\n" {
			t.Errorf("label=type:spc_t without SELinux: stdout %q, stderr %q; want the container's output and one warning", r.Stdout, r.Stderr)
		}
		if r := env.PMOK("run", "--rm", "--security-opt", "label=disable", "busybox", "true"); r.Stderr != "" {
			t.Errorf("label=disable warns: %q", r.Stderr)
		}
	}

	for _, b := range []struct{ opt, msg string }{
		{"label=colour:red", "label takes disable, nested"},
		{"proc-opts=exec", `unknown /proc option "exec"`},
		{"proc-opts=hidepid=7", "hidepid takes"},
		{"mask=relative/path", "mask takes absolute paths"},
		{"unmask=", "unmask= needs a value"},
		{"systempaths=strict", "only systempaths=unconfined"},
		{"selinux=on", `invalid --security-opt "selinux=on"`},
	} {
		env.expectRefused(b.msg, "run", "--rm", "--security-opt", b.opt, "busybox", "true")
	}
}

// TestSecurityOptsAPIWarnings: through the Docker API, an option this
// host cannot apply comes back in the create response's Warnings, and
// one it refuses is a 400.
func TestSecurityOptsAPIWarnings(t *testing.T) {
	needTool(t, "curl")
	if hostHas("/sys/fs/selinux/enforce") {
		t.Skip("SELinux is enabled: label= is refused, not warned about (TestSecurityOptsApplied)")
	}
	env := ctrEnv(t)
	svc := env.startService(nil, "--time", "0")
	code, body := env.curl(svc.Sock, "POST", "/v1.44/containers/create?name=warned", `{"Image":"busybox","Cmd":["true"],"HostConfig":{"SecurityOpt":["label=level:s0:c1","no-new-privileges:true"]}}`)
	var resp struct {
		ID       string `json:"Id"`
		Warnings []string
	}
	if err := json.Unmarshal([]byte(body), &resp); code != "201" || err != nil {
		t.Fatalf("create: %s %s", code, body)
	}
	if len(resp.Warnings) != 1 || resp.Warnings[0] != "SELinux is not enabled on this host: security option label=level:s0:c1 has no effect" {
		t.Errorf("Warnings = %q", resp.Warnings)
	}
	if out := env.PMOK("inspect", "--format", "{{json .HostConfig.SecurityOpt}}", "warned").Stdout; strings.TrimSpace(out) != `["no-new-privileges","label=level:s0:c1"]` {
		t.Errorf("inspect SecurityOpt = %s", out)
	}
	env.PMOK("rm", "warned")
	code, body = env.curl(svc.Sock, "POST", "/v1.44/containers/create", `{"Image":"busybox","HostConfig":{"SecurityOpt":["apparmor=my-profile"]}}`)
	if code != "400" || !strings.Contains(body, "apparmor=my-profile") {
		t.Errorf("create with apparmor=my-profile: %s %s, want 400", code, body)
	}
	if ids := env.psIDs(); len(ids) > 0 {
		t.Errorf("refused create left containers: %q", ids)
	}
}

// TestSeccompKubePlay: kube play applies a container's securityContext
// seccompProfile through the same checks as --security-opt: a Localhost
// profile that denies mkdir denies it; a missing one makes nothing.
func TestSeccompKubePlay(t *testing.T) {
	env := kubeEnv(t)
	deny := env.writeFile("deny-mkdir.json", denyMkdirProfile)
	pod := func(profile string) string {
		return `apiVersion: v1
kind: Pod
metadata:
  name: sec
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "mkdir /tmp/x; echo mkdir=$?; sleep 300"]
    securityContext:
      seccompProfile:
        type: Localhost
        localhostProfile: ` + profile + "\n"
	}
	env.PM("kube", "play", env.writeFile("missing.yaml", pod(env.Path("missing.json")))).ExpectError(t, 125, "loading seccomp profile: open "+env.Path("missing.json"))
	env.expectNothingLeft("after a missing profile")

	env.PMOK("kube", "play", env.writeFile("sec.yaml", pod(deny)))
	env.waitFor(60*time.Second, "the container's mkdir", func() bool {
		return strings.Contains(env.PMOK("logs", "sec-c").Stdout, "mkdir=")
	})
	if out := env.PMOK("logs", "sec-c").Stdout; !strings.Contains(out, "mkdir=1") {
		t.Errorf("mkdir under the pod's Localhost profile: %q, want mkdir=1", out)
	}
	if out := env.PMOK("inspect", "--format", "{{json .HostConfig.SecurityOpt}}", "sec-c").Stdout; !strings.Contains(out, "seccomp="+deny) {
		t.Errorf("inspect SecurityOpt = %s", out)
	}
	env.PMOK("kube", "down", env.Path("sec.yaml"))
}

// TestBuildSecurityOpt: pm build --security-opt applies to the RUN steps:
// a deny-mkdir profile fails a RUN that makes a directory, and the same
// build passes without it; a malformed option is refused before anything
// is built.
func TestBuildSecurityOpt(t *testing.T) {
	env := ctrEnv(t)
	deny := env.writeFile("deny-mkdir.json", denyMkdirProfile)
	ctx := buildCtx(t, env, "secctx", map[string]string{"Containerfile": "FROM busybox\nRUN mkdir /made\n"})
	images := env.imageIDs()
	res := env.PM("build", "--security-opt", "seccomp="+deny, "-t", "secimg", ctx)
	if res.Code == 0 || !strings.Contains(res.Stdout+res.Stderr, "Operation not permitted") {
		t.Errorf("RUN mkdir under the deny-mkdir profile: %s", res)
	}
	env.PM("build", "--security-opt", "seccomp", "-t", "secimg", ctx).ExpectError(t, 125, "--security-opt")
	if got := env.imageIDs(); !equal(got, images) {
		t.Errorf("failed builds left images: %q, was %q", got, images)
	}
	env.PMOK("build", "-t", "secimg", ctx)
	env.PMOK("rmi", "secimg")
	env.expectNoStorageContainers("after the builds")
}

// TestSeccompFilterCache: crun's compiled filter for a profile is kept and
// handed back to crun for the next container with that profile (through
// run.oci.seccomp_bpf_data): the filter still applies (to the container's
// processes and to exec), and another profile is not given it.
func TestSeccompFilterCache(t *testing.T) {
	env := ctrEnv(t)
	if _, err := exec.LookPath("crun"); err != nil {
		t.Skip("crun is not installed")
	}
	deny := env.writeFile("deny-mkdir.json", denyMkdirProfile)
	cache := filepath.Join(env.RuntimeDir, "pm", "runtime", "crun-seccomp")
	bundleAnnotation := func(name string) string {
		id := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.Id}}", name).Stdout)
		b, err := os.ReadFile(filepath.Join(env.RuntimeDir, "pm", "containers", id, "config.json"))
		if err != nil {
			t.Fatal(err)
		}
		var sp struct{ Annotations map[string]string }
		if err := json.Unmarshal(b, &sp); err != nil {
			t.Fatal(err)
		}
		return sp.Annotations["run.oci.seccomp_bpf_data"]
	}
	for i := 0; i < 2; i++ {
		r := env.PM("--runtime", "crun", "run", "--rm", "--security-opt", "seccomp="+deny, "busybox", "mkdir", "/tmp/x")
		if r.Code != 1 || !strings.Contains(r.Stderr, "Operation not permitted") {
			t.Errorf("run %d under the deny-mkdir profile: exit %d, stderr %q; want Operation not permitted", i+1, r.Code, r.Stderr)
		}
	}
	if ents, _ := os.ReadDir(cache); len(ents) != 1 {
		t.Errorf("the cache holds %d filters after two runs of one profile, want 1", len(ents))
	}
	env.PMOK("--runtime", "crun", "run", "-d", "--name", "cached", "--security-opt", "seccomp="+deny, "busybox", "sleep", "300")
	if bundleAnnotation("cached") == "" {
		t.Error("the third container of the profile was not given the kept filter")
	}
	if r := env.PM("exec", "cached", "mkdir", "/tmp/y"); r.Code != 1 || !strings.Contains(r.Stderr, "Operation not permitted") {
		t.Errorf("exec mkdir in the container given the kept filter: exit %d, stderr %q", r.Code, r.Stderr)
	}
	if out := env.PMOK("exec", "cached", "grep", "^Seccomp:", "/proc/1/status").Stdout; !strings.Contains(out, "\t2") {
		t.Errorf("the container's seccomp mode: %q, want 2 (filter)", out)
	}
	// Another profile compiles its own.
	env.PMOK("--runtime", "crun", "run", "-d", "--name", "default", "busybox", "sleep", "300")
	if bundleAnnotation("default") != "" {
		t.Error("the first container of the default profile was given a filter of another profile")
	}
	env.PMOK("exec", "default", "mkdir", "/tmp/y")
	env.PMOK("rm", "-f", "-t", "0", "cached", "default")
}
