package e2e

import (
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

var listIDRe = regexp.MustCompile(`^[0-9a-f]{64}\n$`)

// ociIndex is what pm manifest inspect prints.
type ociIndex struct {
	MediaType string
	Manifests []struct {
		MediaType   string
		Digest      string
		Size        int64
		Annotations map[string]string
		Platform    struct {
			Architecture string
			OS           string
			OSVersion    string   `json:"os.version"`
			OSFeatures   []string `json:"os.features"`
			Variant      string
		}
	}
}

func (e *Env) inspectList(name string) ociIndex {
	e.t.Helper()
	var idx ociIndex
	decodeJSON(e.t, e.PMOK("manifest", "inspect", name).Stdout, &idx)
	return idx
}

// TestManifestLocal: create, add (local and registry images, platform and
// annotation overrides), inspect, annotate, remove, exists, rm and rmi of
// manifest lists, and their refusals.
func TestManifestLocal(t *testing.T) {
	env := newEnv(t)
	env.pull("busybox")
	env.pull("entry")
	bbDigest := strings.TrimSpace(env.PMOK("image", "inspect", "--format", "{{.Digest}}", "busybox").Stdout)

	res := env.PMOK("manifest", "create", "ml")
	if !listIDRe.MatchString(res.Stdout) {
		t.Fatalf("manifest create: %q, want a list ID", res.Stdout)
	}
	id := strings.TrimSpace(res.Stdout)
	if idx := env.inspectList("ml"); idx.MediaType != "application/vnd.oci.image.index.v1+json" || len(idx.Manifests) != 0 {
		t.Errorf("new list: %+v", idx)
	}
	if out := env.PMOK("images", "--format", "{{.ID}}", "--no-trunc").Stdout; !strings.Contains(out, "sha256:"+id) {
		t.Errorf("pm images does not list the manifest list %s:\n%s", id, out)
	}
	if out := env.PMOK("manifest", "add", "ml", "busybox").Stdout; out != id+"\n" {
		t.Errorf("manifest add printed %q, want the list ID", out)
	}
	env.PMOK("manifest", "add", "--arch", "arm64", "--variant", "v8", "--os-version", "1.0", "--annotation", "a=b",
		"ml", "docker://"+registry+"/entry")
	idx := env.inspectList("ml")
	if len(idx.Manifests) != 2 {
		t.Fatalf("list after two adds: %+v", idx)
	}
	m0, m1 := idx.Manifests[0], idx.Manifests[1]
	if m0.Digest != bbDigest || m0.Platform.Architecture != runtime.GOARCH || m0.Platform.OS != "linux" || m0.Size == 0 {
		t.Errorf("local busybox entry: %+v, want digest %s on linux/%s", m0, bbDigest, runtime.GOARCH)
	}
	if m1.Platform.Architecture != "arm64" || m1.Platform.Variant != "v8" || m1.Platform.OSVersion != "1.0" || m1.Annotations["a"] != "b" {
		t.Errorf("registry entry with overrides: %+v", m1)
	}

	if res := env.PM("manifest", "exists", "ml"); res.Code != 0 {
		t.Errorf("manifest exists ml: exit %d", res.Code)
	}
	if res := env.PM("manifest", "exists", "nosuch"); res.Code != 1 || res.Stdout != "" || res.Stderr != "" {
		t.Errorf("manifest exists nosuch: %s", res)
	}
	env.PM("manifest", "exists", "busybox").ExpectError(t, 125, "busybox: image is not a manifest list")

	env.PMOK("manifest", "annotate", "--annotation", "x=y", "--os-features", "f1", "ml", m1.Digest)
	if m := env.inspectList("ml").Manifests[1]; m.Annotations["a"] != "b" || m.Annotations["x"] != "y" || !equal(m.Platform.OSFeatures, []string{"f1"}) {
		t.Errorf("after annotate: %+v", m)
	}
	if out := env.PMOK("manifest", "remove", "ml", m1.Digest).Stdout; out != id+"\n" {
		t.Errorf("manifest remove printed %q", out)
	}
	if idx := env.inspectList("ml"); len(idx.Manifests) != 1 || idx.Manifests[0].Digest != bbDigest {
		t.Errorf("after remove: %+v", idx)
	}

	// Refusals: exit 125, the list as it was.
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"manifest", "create", "ml"}, "that name is already in use"},
		{[]string{"manifest", "remove", "ml", m1.Digest}, "no instance with digest " + m1.Digest},
		{[]string{"manifest", "annotate", "--arch", "s390x", "ml", m1.Digest}, "no instance with digest"},
		{[]string{"manifest", "annotate", "ml", "notadigest"}, `invalid image digest "notadigest"`},
		{[]string{"manifest", "add", "--annotation", "novalue", "ml", "busybox"}, `no value given for annotation "novalue"`},
		{[]string{"manifest", "add", "ml", "docker://" + registry + "/nosuch"}, "manifest unknown"},
		{[]string{"manifest", "add", "busybox", "entry"}, "busybox: image is not a manifest list"},
		{[]string{"manifest", "add", "nosuchlist", "busybox"}, "nosuchlist: image not known"},
		{[]string{"manifest", "add", "ml", "ml"}, "is a manifest list"},
		{[]string{"manifest", "add", "ml"}, "requires at least 2 arg(s)"},
		{[]string{"manifest", "inspect", registry + "/nosuch"}, "manifest unknown"},
		{[]string{"run", "--rm", "ml", "true"}, "ml is a manifest list"},
	} {
		env.PM(c.args...).ExpectError(t, 125, c.msg)
	}
	if idx := env.inspectList("ml"); len(idx.Manifests) != 1 {
		t.Errorf("refused changes changed the list: %+v", idx)
	}
	// A list that cannot be filled is not left behind.
	env.PM("manifest", "create", "ml-bad", "docker://"+registry+"/nosuch").ExpectError(t, 125, "manifest unknown")
	if res := env.PM("manifest", "exists", "ml-bad"); res.Code != 1 {
		t.Errorf("a failed manifest create left its list: exists exit %d", res.Code)
	}
	// --amend adds to the existing list.
	if out := env.PMOK("manifest", "create", "--amend", "ml", "entry").Stdout; out != id+"\n" {
		t.Errorf("manifest create --amend printed %q, want the existing list's ID", out)
	}
	if idx := env.inspectList("ml"); len(idx.Manifests) != 2 {
		t.Errorf("after create --amend: %+v", idx)
	}

	// rmi and manifest rm remove lists, never their images.
	env.PMOK("manifest", "create", "ml2", "busybox")
	res = env.PM("manifest", "rm", "ml2", "busybox", "nosuch")
	if res.Code != 125 || !strings.Contains(res.Stdout, "Deleted: ") || !strings.Contains(res.Stderr, "busybox: image is not a manifest list") {
		t.Errorf("manifest rm ml2 busybox nosuch: %s", res)
	}
	env.PM("manifest", "rm", "nosuch").ExpectError(t, 1, "nosuch: image not known")
	if out := env.PMOK("rmi", "ml").Stdout; out != "Untagged: localhost/ml:latest\nDeleted: "+id+"\n" {
		t.Errorf("rmi of a list: %q", out)
	}
	for _, img := range []string{"busybox", "entry"} {
		if res := env.PM("image", "exists", img); res.Code != 0 {
			t.Errorf("%s gone after its lists were removed", img)
		}
	}
	if res := env.PM("manifest", "exists", "ml2"); res.Code != 1 {
		t.Errorf("ml2 after manifest rm: exists exit %d", res.Code)
	}
}

// TestManifestPush: a list of a local image and a registry image pushed
// with its images to the test registry, read back (inspect, pull, add
// --all), pushed by pm push, without its images, as Docker's list type,
// with --rm and --digestfile; refusals.
func TestManifestPush(t *testing.T) {
	env := newEnv(t)
	bbID := env.pull("busybox")
	env.pull("entry")
	repo := registry + "/pm-manifest-push"
	env.PMOK("manifest", "create", "ml", "busybox")
	env.PMOK("manifest", "add", "--arch", "arm64", "ml", "docker://"+registry+"/entry")

	res := env.PMOK("manifest", "push", "ml", repo+":1")
	if res.Stdout != "" || !strings.Contains(res.Stderr, "Writing manifest list to image destination") {
		t.Errorf("manifest push: stdout %q, stderr %q", res.Stdout, res.Stderr)
	}
	remote := env.inspectList(repo + ":1")
	if len(remote.Manifests) != 2 || remote.Manifests[0].Platform.Architecture != runtime.GOARCH || remote.Manifests[1].Platform.Architecture != "arm64" {
		t.Fatalf("pushed list: %+v", remote)
	}
	// The registry serves the list: pull picks this host's image.
	env.PMOK("rmi", "busybox")
	if id := env.pull(repo + ":1"); id != bbID {
		t.Errorf("pull of the pushed list: %s, want busybox's image %s", id, bbID)
	}

	// --all: every image of a registry list; without it, this host's.
	env.PMOK("manifest", "create", "--all", "all", "docker://"+repo+":1")
	if idx := env.inspectList("all"); len(idx.Manifests) != 2 || idx.Manifests[1].Digest != remote.Manifests[1].Digest {
		t.Errorf("create --all from the pushed list: %+v", idx)
	}
	env.PMOK("manifest", "create", "one", "docker://"+repo+":1")
	if idx := env.inspectList("one"); len(idx.Manifests) != 1 || idx.Manifests[0].Digest != remote.Manifests[0].Digest {
		t.Errorf("create from the pushed list without --all: %+v", idx)
	}

	// Images added from a registry are read from it when pushed.
	digestFile := env.Path("digest")
	env.PMOK("manifest", "push", "-q", "--digestfile", digestFile, "all", repo+":2")
	b, err := os.ReadFile(digestFile)
	if err != nil || !regexp.MustCompile(`^sha256:[0-9a-f]{64}$`).Match(b) {
		t.Errorf("--digestfile: %q %v", b, err)
	}
	if idx := env.inspectList(repo + ":2"); len(idx.Manifests) != 2 {
		t.Errorf("list pushed from registry images: %+v", idx)
	}
	// --all=false: the list alone, fine where its images are already.
	env.PMOK("manifest", "push", "-q", "--all=false", "one", repo+":3")
	env.PM("manifest", "push", "-q", "--all=false", "one", registry+"/pm-manifest-empty:1").ExpectError(t, 125, "pushing manifest list")

	// pm push of a list pushes it with its images; --format v2s2 writes
	// Docker's list type; --rm removes the local list.
	env.PMOK("push", "-q", "ml", repo+":4")
	if idx := env.inspectList(repo + ":4"); len(idx.Manifests) != 2 {
		t.Errorf("pm push of a list: %+v", idx)
	}
	env.PMOK("manifest", "push", "-q", "--format", "v2s2", "--rm", "ml", repo+":5")
	if idx := env.inspectList(repo + ":5"); idx.MediaType != "application/vnd.docker.distribution.manifest.list.v2+json" || len(idx.Manifests) != 2 {
		t.Errorf("push --format v2s2: %+v", idx)
	}
	if res := env.PM("manifest", "exists", "ml"); res.Code != 1 {
		t.Errorf("list after push --rm: exists exit %d", res.Code)
	}

	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"manifest", "push", "nosuch", repo + ":6"}, "nosuch: image not known"},
		{[]string{"manifest", "push", "entry", repo + ":6"}, "entry: image is not a manifest list"},
		{[]string{"manifest", "push", "--format", "v2s1", "all", repo + ":6"}, `unknown format "v2s1"`},
		{[]string{"push", "--format", "v2s1", "all", repo + ":6"}, "is a manifest list"},
		{[]string{"manifest", "push", "--compression-format", "bogus", "all", repo + ":6"}, "bogus"},
		{[]string{"manifest", "push", "-q", "--tls-verify=true", "all", repo + ":6"}, "pushing manifest list"},
		{[]string{"manifest", "push", "all", ""}, `invalid destination ""`},
	} {
		env.PM(c.args...).ExpectError(t, 125, c.msg)
	}
	if res := env.PM("manifest", "inspect", repo+":6"); res.Code != 125 {
		t.Errorf("a refused push wrote %s:6", repo)
	}
}
