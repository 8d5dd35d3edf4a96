package e2e

import (
	"strings"
	"testing"
)

// complete runs pm __completeNoDesc args... and returns the suggestions
// and the directive line.
func (e *Env) complete(args ...string) ([]string, string) {
	e.t.Helper()
	res := e.PMOK(append([]string{"__completeNoDesc"}, args...)...)
	lines := res.Lines()
	if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], ":") {
		e.t.Fatalf("__complete %q: no directive in %q", args, res.Stdout)
	}
	return lines[:len(lines)-1], lines[len(lines)-1]
}

// TestCompletionNames: shell completion suggests the containers, images,
// pods, volumes, networks, secrets and search registries a command's
// argument names, IDs once two characters are typed, files where it takes
// a path, nothing past its last argument, and the values of flags such as
// --pod and --log-level.
func TestCompletionNames(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("create", "--name", "compctr", "busybox", "true")
	env.PMOK("tag", "busybox", "localhost/compimg:v1")
	imgID := env.PMOK("image", "inspect", "--format", "{{.ID}}", "localhost/compimg:v1").Stdout[:12]
	env.PMOK("pod", "create", "--name", "comppod")
	env.PMOK("volume", "create", "compvol")
	env.PMOK("network", "create", "compnet")
	secret := env.Path("secret")
	env.Exec("/bin/sh", "-c", "echo s3cret > "+secret)
	env.PMOK("secret", "create", "compsecret", secret)

	const noFile, files, noSpace = ":4", ":0", ":2"
	cases := []struct {
		args      []string
		want      string
		directive string
	}{
		{[]string{"start", ""}, "compctr", noFile},
		{[]string{"rm", "compctr", ""}, "compctr", noFile},
		{[]string{"run", ""}, "localhost/compimg:v1", noFile},
		{[]string{"run", "c"}, "compimg:v1", noFile},
		{[]string{"rmi", imgID[:2]}, imgID, noFile},
		{[]string{"inspect", ""}, "compctr", noFile},
		{[]string{"inspect", ""}, "localhost/compimg:v1", noFile},
		{[]string{"pod", "rm", ""}, "comppod", noFile},
		{[]string{"volume", "inspect", ""}, "compvol", noFile},
		{[]string{"network", "rm", ""}, "compnet", noFile},
		{[]string{"secret", "rm", ""}, "compsecret", noFile},
		{[]string{"cp", ""}, "compctr:", noSpace},
		{[]string{"run", "--pod", ""}, "comppod", noFile},
		{[]string{"run", "--network", ""}, "compnet", noFile},
		{[]string{"run", "--volumes-from", ""}, "compctr", noFile},
		{[]string{"--log-level", ""}, "debug", noFile},
		{[]string{"run", "--pull", ""}, "missing", noFile},
		{[]string{"completion", ""}, "zsh", noFile},
		{[]string{"login", ""}, registry, noFile},
		{[]string{"logout", registry[:3]}, registry, noFile},
	}
	for _, c := range cases {
		got, dir := env.complete(c.args...)
		if !contains(got, c.want) || dir != c.directive {
			t.Errorf("__complete %q = %q %s, want %q among them and %s", c.args, got, dir, c.want, c.directive)
		}
	}
	// A path completes files; past the last argument, nothing.
	if got, dir := env.complete("exec", "compctr", ""); len(got) != 0 || dir != files {
		t.Errorf("exec CONTAINER COMMAND: %q %s, want file completion", got, dir)
	}
	for _, args := range [][]string{{"rename", "compctr", "x", ""}, {"completion", "bash", ""}, {"ps", ""}} {
		if got, dir := env.complete(args...); len(got) != 0 || dir != noFile {
			t.Errorf("past the arguments of %q: %q %s, want nothing", args, got, dir)
		}
	}
	// Only what starts with what is typed.
	if got, _ := env.complete("start", "zz"); len(got) != 0 {
		t.Errorf("start zz: %q", got)
	}
	if got, _ := env.complete("login", "zz"); len(got) != 0 {
		t.Errorf("login zz: %q", got)
	}
	if got, _ := env.complete("rm", "--"); !contains(got, "--force") {
		t.Errorf("rm --: flags %q", got)
	}

	env.PMOK("secret", "rm", "compsecret")
	env.PMOK("network", "rm", "compnet")
	env.PMOK("pod", "rm", "comppod")
	env.PMOK("rm", "compctr")
	env.PMOK("volume", "rm", "compvol")
	env.PMOK("untag", "localhost/compimg:v1")
}

// TestCompletionImagePaths: after create's and run's image, the command
// and its arguments complete as paths inside the image, and cp's
// CONTAINER: as paths inside the container; pm mounts them only for the
// time of the completion, and ".." stays inside. An image or container
// that does not exist leaves the shell its own file completion.
func TestCompletionImagePaths(t *testing.T) {
	env := ctrEnv(t)
	const files, noSpace = ":0", ":2"
	for _, cmd := range []string{"create", "run"} {
		got, dir := env.complete(cmd, "busybox", "")
		if !contains(got, "/etc/") || !contains(got, "/bin/") || contains(got, "/etc") || dir != noSpace {
			t.Errorf("%s busybox '': %q %s, want /etc/ and /bin/, no space", cmd, got, dir)
		}
		if got, dir = env.complete(cmd, "busybox", "/etc"); !contains(got, "/etc/passwd") || !contains(got, "/etc/group") || dir != noSpace {
			t.Errorf("%s busybox /etc: %q %s", cmd, got, dir)
		}
		if got, dir = env.complete(cmd, "busybox", "sh", "/etc/pas"); strings.Join(got, " ") != "/etc/passwd" || dir != files {
			t.Errorf("%s busybox sh /etc/pas: %q %s, want only /etc/passwd", cmd, got, dir)
		}
		// ../../ is the image's root, not the host's.
		root, _ := env.complete(cmd, "busybox", "")
		got, _ = env.complete(cmd, "busybox", "../../")
		if !contains(got, "../../etc/") || strings.Join(got, " ") != strings.ReplaceAll(" "+strings.Join(root, " "), " /", " ../../")[1:] {
			t.Errorf("%s busybox ../../: %q, want the image's root %q", cmd, got, root)
		}
	}
	// Each completion took its mount back.
	if out := env.PMOK(append(append([]string{"unshare", pmBinary}, env.globalArgs...), "image", "mount")...).Stdout; out != "" {
		t.Errorf("busybox still mounted after completion: %q", out)
	}
	if got, dir := env.complete("run", "nosuchimage", "/e"); len(got) != 0 || dir != files {
		t.Errorf("run nosuchimage /e: %q %s, want the shell's files", got, dir)
	}

	// cp: CONTAINER: then paths in the container's root filesystem.
	env.PMOK("run", "--name", "cpc", "busybox", "sh", "-c", "touch /tmp/f1 /tmp/f12 && mkdir /emptydir")
	if got, dir := env.complete("cp", ""); !contains(got, "cpc:") || dir != noSpace {
		t.Errorf("cp '': %q %s", got, dir)
	}
	if got, dir := env.complete("cp", "cpc:"); !contains(got, "cpc:/etc/") || !contains(got, "cpc:/emptydir/") || dir != noSpace {
		t.Errorf("cp cpc: %q %s", got, dir)
	}
	if got, _ := env.complete("cp", "cpc:/tmp/f1"); strings.Join(got, " ") != "cpc:/tmp/f1 cpc:/tmp/f12" {
		t.Errorf("cp cpc:/tmp/f1: %q", got)
	}
	if got, dir := env.complete("cp", "cpc:/emptydir"); strings.Join(got, " ") != "cpc:/emptydir/" || dir != noSpace {
		t.Errorf("cp cpc:/emptydir: %q %s, want the directory, no space", got, dir)
	}
	if got, dir := env.complete("cp", "/tmp/f1", "cpc:../../tm"); strings.Join(got, " ") != "cpc:../../tmp/" || dir != noSpace {
		t.Errorf("cp /tmp/f1 cpc:../../tm: %q %s", got, dir)
	}
	// No container by that name: the shell's files.
	if got, dir := env.complete("cp", "zz"); len(got) != 0 || dir != files {
		t.Errorf("cp zz: %q %s, want the shell's files", got, dir)
	}
	if got, dir := env.complete("cp", "nosuch:/"); len(got) != 0 || dir != files {
		t.Errorf("cp nosuch:/: %q %s, want the shell's files", got, dir)
	}
	if out := env.PMOK(append(append([]string{"unshare", pmBinary}, env.globalArgs...), "mount")...).Stdout; out != "" {
		t.Errorf("containers still mounted after completion: %q", out)
	}
	env.PMOK("rm", "cpc")
}
