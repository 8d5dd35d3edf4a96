package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImagesSaveLoad(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"docker-archive", "oci-archive"} {
		t.Run(format, func(t *testing.T) {
			env := newEnv(t)
			bb := env.pull("busybox")
			file := env.Path("busybox.tar")
			env.PMOK("save", "--format", format, "-o", file, "busybox")
			if st, err := os.Stat(file); err != nil || st.Size() == 0 {
				t.Fatalf("pm save -o %s: no archive: %v", file, err)
			}
			env.PMOK("rmi", "busybox")
			if got := env.imageIDs(); len(got) != 0 {
				t.Fatalf("after rmi: %q", got)
			}
			res := env.PMOK("load", "-i", file)
			if !strings.Contains(res.Stdout, "Loaded image") {
				t.Errorf("pm load: stdout %q, want \"Loaded image...\"", res.Stdout)
			}
			if got := env.imageIDs(); !equal(got, []string{bb}) {
				t.Errorf("after load: %q, want [%s]", got, bb)
			}
		})
	}

	t.Run("stdout to stdin", func(t *testing.T) {
		env := newEnv(t)
		ml := env.pull("multilayer")
		res := env.PMOK("save", "multilayer")
		if len(res.Stdout) < 1024 {
			t.Fatalf("pm save to stdout wrote %d bytes", len(res.Stdout))
		}
		env.PMOK("rmi", "multilayer")
		env.PMStdinOK(strings.NewReader(res.Stdout), "load")
		if got := env.imageIDs(); !equal(got, []string{ml}) {
			t.Errorf("after load from stdin: %q, want [%s]", got, ml)
		}
		if !contains(env.imageNames(), registry+"/multilayer:latest") {
			t.Errorf("load from a docker-archive lost the name: %q", env.imageNames())
		}
	})

	t.Run("multi-image", func(t *testing.T) {
		env := newEnv(t)
		bb := env.pull("busybox")
		ml := env.pull("multilayer")
		file := env.Path("two.tar")
		env.PMOK("save", "-m", "-o", file, "busybox", "multilayer")
		env.PMOK("rmi", "-a")
		env.PMOK("load", "-i", file)
		if got := env.imageIDs(); !equal(got, sortedCopy(bb, ml)) {
			t.Errorf("after load of a multi-image archive: %q, want %q", got, sortedCopy(bb, ml))
		}
		want := sortedCopy(registry+"/busybox:latest", registry+"/multilayer:latest")
		if got := env.imageNames(); !equal(got, want) {
			t.Errorf("names after load: %q, want %q", got, want)
		}
	})

	t.Run("fixture with two images", func(t *testing.T) {
		env := newEnv(t)
		env.PMOK("load", "-i", Fixture("multi.docker.tar"))
		want := sortedCopy(fixtureID(t, "busybox"), fixtureID(t, "multilayer"))
		if got := env.imageIDs(); !equal(got, want) {
			t.Errorf("after load of multi.docker.tar: %q, want %q", got, want)
		}
		names := sortedCopy("docker.io/library/busybox:latest", "docker.io/library/multilayer:latest")
		if got := env.imageNames(); !equal(got, names) {
			t.Errorf("names: %q, want %q", got, names)
		}
	})
}

// PMStdinOK is PMStdin that fails the test on a non-zero exit.
func (e *Env) PMStdinOK(stdin interface{ Read([]byte) (int, error) }, args ...string) Result {
	e.t.Helper()
	r := e.PMStdin(stdin, args...)
	if r.Code != 0 {
		e.t.Fatalf("pm %s: exit %d\nstderr: %s", shellJoin(args), r.Code, r.Stderr)
	}
	return r
}

func TestImagesImport(t *testing.T) {
	env := newEnv(t)
	res := env.PMOK("import", "-q", "--change", "CMD=/bin/sh", "--change", "ENV=A=b", Fixture("rootfs.tar"), "imported:v1")
	id := strings.TrimPrefix(strings.TrimSpace(res.Stdout), "sha256:")
	if len(id) != 64 {
		t.Errorf("pm import: stdout %q, want the image ID", res.Stdout)
	}
	img := env.inspectImage("imported:v1")
	if !contains(img.RepoTags, "localhost/imported:v1") {
		t.Errorf("RepoTags = %q, want localhost/imported:v1", img.RepoTags)
	}
	if !contains(img.Config.Cmd, "/bin/sh") {
		t.Errorf("Config.Cmd = %q, want /bin/sh", img.Config.Cmd)
	}
	if !contains(img.Config.Env, "A=b") {
		t.Errorf("Config.Env = %q, want A=b", img.Config.Env)
	}
	if len(img.RootFS.Layers) != 1 {
		t.Errorf("RootFS.Layers = %q, want one layer", img.RootFS.Layers)
	}
	if id != "" && strings.TrimPrefix(img.ID, "sha256:") != id {
		t.Errorf("inspect Id %s, import printed %s", img.ID, id)
	}
}

func TestImagesPushPull(t *testing.T) {
	env := newEnv(t)
	bb := env.pull("busybox")
	// A name of this environment's own: the registry is shared.
	dest := registry + "/pushed-" + filepath.Base(env.Dir) + ":v1"
	dest = strings.ToLower(dest)
	env.PMOK("push", "busybox", dest)
	env.PMOK("rmi", "-a")
	if got := env.pull(dest); got != bb {
		t.Errorf("pull of the pushed image: ID %s, want %s", got, bb)
	}
	// push with the image's own name, and with the docker:// transport.
	env.PMOK("push", dest)
	env.PMOK("push", "--tls-verify=false", dest, "docker://"+dest+"-again")
}

func TestImagesLoginLogout(t *testing.T) {
	env := newEnv(t)
	res := env.PMOK("login", "-u", "x", "-p", "y", registry)
	if !strings.Contains(res.Stdout, "Login Succeeded") {
		t.Errorf("pm login: stdout %q, want \"Login Succeeded!\"", res.Stdout)
	}
	auth := filepath.Join(env.RuntimeDir, "containers", "auth.json")
	data, err := os.ReadFile(auth)
	if err != nil || !strings.Contains(string(data), registry) {
		t.Errorf("%s after login: %v %s", auth, err, data)
	}
	res = env.PMOK("logout", registry)
	if !strings.Contains(res.Stdout, "Removed login credentials") {
		t.Errorf("pm logout: stdout %q", res.Stdout)
	}
	if data, _ := os.ReadFile(auth); strings.Contains(string(data), registry) {
		t.Errorf("%s still names %s after logout", auth, registry)
	}
	env.PM("logout", registry).ExpectError(t, 125, "not logged in")
}

// TestRunFromArchive: run and create take an image from a transport (an
// archive read each time, as Podman does) and docker:// for a registry's;
// an archive that is not there is one error and no container.
func TestRunFromArchive(t *testing.T) {
	env := ctrEnv(t)
	file := env.Path("bb.tar")
	env.PMOK("save", "-o", file, "busybox")
	env.PMOK("rmi", "busybox")
	if out := env.PMOK("run", "--rm", "docker-archive:"+file, "echo", "from archive").Stdout; out != "from archive\n" {
		t.Errorf("run docker-archive: %q", out)
	}
	oci := env.Path("bb-oci.tar")
	env.PMOK("save", "--format", "oci-archive", "-o", oci, "busybox")
	env.PMOK("create", "--name", "fromoci", "oci-archive:"+oci, "true")
	env.PM("run", "--rm", "oci-archive:"+env.Path("missing.tar"), "true").ExpectError(t, 125, "missing.tar")
	if ids := env.PMOK("ps", "-aq").Lines(); len(ids) != 1 {
		t.Errorf("containers after a failed run from a missing archive: %q", ids)
	}
}
