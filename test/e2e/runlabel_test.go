package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runlabelContainerfile has Podman's 037-runlabel INSTALL label (the
// backslashes keep the variables from the build) and labels pm runs.
const runlabelContainerfile = `FROM busybox
LABEL  INSTALL  /usr/bin/podman  run  -t  -i  --rm  \${OPT1}  --privileged  -v /:/host --net=host --ipc=host --pid=host -e HOST=/host -e NAME=\${NAME} -e IMAGE=\${IMAGE} -e CONFDIR=/etc/\${NAME} -e LOGDIR=/var/log/\${NAME} -e DATADIR=/var/lib/\${NAME} \${IMAGE} \${OPT2} /bin/install.sh \${OPT3}
LABEL hello="pm run --rm --name NAME IMAGE echo hello \$OPT1" exit3="docker run --rm IMAGE sh -c 'exit 3'"
LABEL keep="pm run -d --name NAME IMAGE sleep 600" empty=""
LABEL rel="bin/args.sh NAME \$PWD" missing="/no/such/program x"
`

// TestRunlabel: pm container runlabel shows and runs the command an image
// label describes, as Podman's 037-runlabel test checks it, and refuses a
// missing label or image.
func TestRunlabel(t *testing.T) {
	env := ctrEnv(t)
	ctx := env.Path("runlabel")
	if err := os.MkdirAll(ctx, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ctx, "Containerfile"), []byte(runlabelContainerfile), 0o644); err != nil {
		t.Fatal(err)
	}
	env.PMOK("build", "-q", "-t", "runlabel_image", ctx)
	const img = "localhost/runlabel_image:latest"
	rand1, rand2, rand3 := "r1-bWFueSB3b3Jkcw", "r2-c2V2ZXJhbCB3b3Jkcw", "r3-b25lIG1vcmU"

	res := env.PMOK("container", "runlabel", "--opt1="+rand1, "--opt2="+rand2, "--opt3="+rand3, "--name", "test1", "--display", "install", "runlabel_image")
	want := "command: " + pmBinary + " run -t -i --rm " + rand1 + " --privileged -v /:/host --net=host --ipc=host --pid=host -e HOST=/host -e NAME=test1 -e IMAGE=" + img + " -e CONFDIR=/etc/test1 -e LOGDIR=/var/log/test1 -e DATADIR=/var/lib/test1 " + img + " " + rand2 + " /bin/install.sh " + rand3 + "\n"
	if res.Stdout != want {
		t.Errorf("--display with --name and --opt1-3:\n got %q\nwant %q", res.Stdout, want)
	}
	res = env.PMOK("container", "runlabel", "--opt3="+rand3, "--display", "install", "runlabel_image")
	want = "command: " + pmBinary + " run -t -i --rm --privileged -v /:/host --net=host --ipc=host --pid=host -e HOST=/host -e NAME=runlabel_image -e IMAGE=" + img + " -e CONFDIR=/etc/runlabel_image -e LOGDIR=/var/log/runlabel_image -e DATADIR=/var/lib/runlabel_image " + img + " /bin/install.sh " + rand3 + "\n"
	if res.Stdout != want {
		t.Errorf("--display without --name, --opt1, --opt2:\n got %q\nwant %q", res.Stdout, want)
	}
	// The image named by an ID prefix: NAME from its name; ARGs appended.
	id := strings.TrimSpace(env.PMOK("images", "-q", "--no-trunc", img).Stdout)
	id = strings.TrimPrefix(id, "sha256:")
	res = env.PMOK("container", "runlabel", "--display", "HELLO", id[:12], "and", "NAME")
	if want := "command: " + pmBinary + " run --rm --name runlabel_image " + img + " echo hello and runlabel_image\n"; res.Stdout != want {
		t.Errorf("--display by ID:\n got %q\nwant %q", res.Stdout, want)
	}

	before := env.psIDs()
	env.PM("container", "runlabel", "--opt1="+rand1, "--opt2="+rand2, "--opt3="+rand3, "--name", "test1", "--display", "run", "runlabel_image").
		ExpectError(t, 125, "cannot find the value of label: run in image: runlabel_image")
	env.PM("container", "runlabel", "empty", "runlabel_image").
		ExpectError(t, 125, "cannot find the value of label: empty in image: runlabel_image")
	env.PM("container", "runlabel", "install").ExpectError(t, 125, "requires at least 2 arg")
	// No top-level verb, as in Podman 4.
	env.PM("runlabel", "install", "runlabel_image").ExpectError(t, 125, "unrecognized command")

	// A real run: pm itself, stdout passed through, the container gone.
	res = env.PMOK("container", "runlabel", "--opt1", "world", "--name", "rl-hello", "hello", "runlabel_image")
	if res.Stdout != "hello world\n" {
		t.Errorf("runlabel hello: stdout %q, want %q", res.Stdout, "hello world\n")
	}
	res = env.PM("container", "runlabel", "-q", "--opt1", "world", "hello", "runlabel_image")
	if res.Code != 0 || res.Stdout != "" || res.Stderr != "" {
		t.Errorf("runlabel -q hello: %s, want exit 0 and no output", res)
	}
	if res := env.PM("container", "runlabel", "exit3", "runlabel_image"); res.Code != 3 || res.Stderr != "" {
		t.Errorf("runlabel exit3: %s, want exit 3 and no error", res)
	}
	env.expectNoNewContainers(before, "runlabel hello, exit3")

	// Another program: a relative path from the working directory, with
	// the options and PODMAN_RUNLABEL_NESTED in its environment.
	if err := os.MkdirAll(env.Path("bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho \"$*\" \"opt1=$OPT1\" \"nested=$PODMAN_RUNLABEL_NESTED\"\n"
	if err := os.WriteFile(env.Path("bin/args.sh"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	res = env.PMOK("container", "runlabel", "--display", "rel", "runlabel_image")
	if want := "command: " + env.Path("bin/args.sh") + " runlabel_image " + env.Dir + "\n"; res.Stdout != want {
		t.Errorf("--display rel:\n got %q\nwant %q", res.Stdout, want)
	}
	res = env.PMOK("container", "runlabel", "--opt1", "x y", "rel", "runlabel_image", "more")
	if want := "runlabel_image " + env.Dir + " more opt1=x y nested=1\n"; res.Stdout != want {
		t.Errorf("runlabel rel: stdout %q, want %q", res.Stdout, want)
	}
	env.PM("container", "runlabel", "missing", "runlabel_image").ExpectError(t, 127, "/no/such/program")

	// --replace removes the container the command names.
	env.PMOK("container", "runlabel", "--name", "rl-keep", "keep", "runlabel_image")
	first := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.Id}}", "rl-keep").Stdout)
	env.PM("container", "runlabel", "--name", "rl-keep", "keep", "runlabel_image").ExpectError(t, 125, "already in use")
	env.PMOK("container", "runlabel", "--display", "--replace", "--name", "rl-keep", "keep", "runlabel_image")
	if got := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.Id}}", "rl-keep").Stdout); got != first {
		t.Errorf("runlabel --display --replace replaced rl-keep (%s, was %s)", got, first)
	}
	env.PMOK("container", "runlabel", "--replace", "--name", "rl-keep", "keep", "runlabel_image")
	second := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.Id}}", "rl-keep").Stdout)
	if second == first || second == "" {
		t.Errorf("runlabel --replace: rl-keep is %q, was %q", second, first)
	}
	if ids := env.psIDs(); len(ids) != len(before)+1 {
		t.Errorf("after --replace: containers %q, want one more than %q", ids, before)
	}
	env.PMOK("rm", "-f", "-t", "0", "rl-keep")

	// The image is pulled when missing, unless --pull=false.
	images := env.imageIDs()
	env.PM("container", "runlabel", "--pull=false", "--display", "org.pm.test", "entry").ExpectError(t, 125, "entry")
	if after := env.imageIDs(); !equal(after, images) {
		t.Errorf("runlabel --pull=false: images %q, were %q", after, images)
	}
	res = env.PMOK("container", "runlabel", "-q", "--display", "ORG.PM.TEST", "entry")
	if res.Stdout != "command: entry\n" || res.Stderr != "" {
		t.Errorf("runlabel -q --display of a missing image: %s, want \"command: entry\" and no progress", res)
	}
	if after := env.imageIDs(); len(after) != len(images)+1 {
		t.Errorf("runlabel of a missing image: images %q, were %q", after, images)
	}
	env.PMOK("rmi", "entry", "runlabel_image")
}
