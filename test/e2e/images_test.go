package e2e

import (
	"regexp"
	"sort"
	"strings"
	"testing"
)

func TestImagesPull(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ref, image string
		wantName         string // a REPOSITORY:TAG that must be listed; "" for none
	}{
		{"short name", "busybox", "busybox", registry + "/busybox:latest"},
		{"registry", registry + "/multilayer:latest", "multilayer", registry + "/multilayer:latest"},
		{"docker transport", "docker://" + registry + "/entry:latest", "entry", registry + "/entry:latest"},
		{"oci-archive", "oci-archive:" + Fixture("busybox.oci.tar"), "busybox", ""},
		{"docker-archive", "docker-archive:" + Fixture("busybox.docker.tar"), "busybox", "docker.io/library/busybox:latest"},
		{"dir", "dir:" + Fixture("busybox.dir"), "busybox", ""},
		{"oci layout", "oci:" + Fixture("oci") + ":entry:latest", "entry", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newEnv(t)
			want := fixtureID(t, tc.image)
			if got := env.pull(tc.ref); got != want {
				t.Errorf("pm pull %s: ID %s, want %s", tc.ref, got, want)
			}
			if got := env.imageIDs(); !equal(got, []string{want}) {
				t.Errorf("images after pull: %q, want [%s]", got, want)
			}
			if tc.wantName != "" && !contains(env.imageNames(), tc.wantName) {
				t.Errorf("images after pull %s: %q, want %s among them", tc.ref, env.imageNames(), tc.wantName)
			}
			env.PMOK("image", "exists", want)
		})
	}
}

func TestImagesList(t *testing.T) {
	env := newEnv(t)
	bb := env.pull("busybox")
	ml := env.pull("multilayer")

	res := env.PMOK("images")
	lines := strings.Split(strings.TrimRight(res.Stdout, "\n"), "\n")
	if !regexp.MustCompile(`^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\s*$`).MatchString(lines[0]) {
		t.Errorf("pm images header: %q", lines[0])
	}
	if len(lines) != 3 {
		t.Errorf("pm images: %d rows, want 2:\n%s", len(lines)-1, res.Stdout)
	}
	row := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(registry+"/busybox") + `\s+latest\s+` + bb[:12] + `\s+`)
	if !row.MatchString(res.Stdout) {
		t.Errorf("pm images: no row for %s/busybox latest %s:\n%s", registry, bb[:12], res.Stdout)
	}

	res = env.PMOK("images", "-q")
	if got, want := sortedCopy(res.Lines()...), sortedCopy(bb[:12], ml[:12]); !equal(got, want) {
		t.Errorf("pm images -q = %q, want %q", got, want)
	}

	res = env.PMOK("images", "--no-trunc")
	if !strings.Contains(res.Stdout, "sha256:"+bb) || !strings.Contains(res.Stdout, "sha256:"+ml) {
		t.Errorf("pm images --no-trunc: no sha256:<64 hex> IDs:\n%s", res.Stdout)
	}

	want := sortedCopy(registry+"/busybox:latest", registry+"/multilayer:latest")
	if got := env.imageNames(); !equal(got, want) {
		t.Errorf("pm images --format {{.Repository}}:{{.Tag}} = %q, want %q", got, want)
	}

	res = env.PMOK("images", "--format", "json")
	var list []struct {
		ID     string `json:"Id"`
		Names  []string
		Labels map[string]string
		Size   int64
	}
	decodeJSON(t, res.Stdout, &list)
	var ids []string
	for _, img := range list {
		ids = append(ids, strings.TrimPrefix(img.ID, "sha256:"))
		if img.Size <= 0 {
			t.Errorf("pm images --format json: image %s has size %d", img.ID, img.Size)
		}
	}
	if got := sortedCopy(ids...); !equal(got, sortedCopy(bb, ml)) {
		t.Errorf("pm images --format json: IDs %q, want %q", got, sortedCopy(bb, ml))
	}

	filters := []struct {
		filter string
		want   []string
	}{
		{"reference=" + registry + "/busybox:latest", []string{bb[:12]}},
		{"reference=*multilayer*", []string{ml[:12]}},
		{"label=org.pm.test=busybox", []string{bb[:12]}},
		{"label=org.pm.test", sortedCopy(bb[:12], ml[:12])},
		{"dangling=true", nil},
		{"dangling=false", sortedCopy(bb[:12], ml[:12])},
	}
	for _, f := range filters {
		res := env.PMOK("images", "-q", "--filter", f.filter)
		if got := sortedCopy(res.Lines()...); !equal(got, f.want) {
			t.Errorf("pm images -q --filter %s = %q, want %q", f.filter, got, f.want)
		}
	}

	res = env.PMOK("images", "--sort", "repository", "--format", "{{.Repository}}")
	if got := res.Lines(); !sort.StringsAreSorted(got) || len(got) != 2 {
		t.Errorf("pm images --sort repository: %q, want 2 sorted names", got)
	}

	res = env.PMOK("images", "--digests")
	if !strings.Contains(strings.SplitN(res.Stdout, "\n", 2)[0], "DIGEST") || !strings.Contains(res.Stdout, "sha256:") {
		t.Errorf("pm images --digests: no DIGEST column:\n%s", res.Stdout)
	}
}

func TestImagesTagUntag(t *testing.T) {
	env := newEnv(t)
	bb := env.pull("busybox")

	env.PMOK("tag", "busybox", "mine:v1", "localhost/other:v2")
	want := sortedCopy(registry+"/busybox:latest", "localhost/mine:v1", "localhost/other:v2")
	if got := env.imageNames(); !equal(got, want) {
		t.Errorf("after tag: %q, want %q", got, want)
	}
	if got := env.imageIDs(); !equal(got, []string{bb}) {
		t.Errorf("tag created or lost an image: %q", got)
	}
	if got := env.inspectImage("mine:v1").ID; strings.TrimPrefix(got, "sha256:") != bb {
		t.Errorf("inspect mine:v1: ID %s, want %s", got, bb)
	}

	env.PMOK("untag", "busybox", "localhost/mine:v1")
	want = sortedCopy(registry+"/busybox:latest", "localhost/other:v2")
	if got := env.imageNames(); !equal(got, want) {
		t.Errorf("after untag of one name: %q, want %q", got, want)
	}

	// Without names, untag removes them all: the image is dangling.
	env.PMOK("untag", bb[:12])
	if got := env.imageIDs(); !equal(got, []string{bb}) {
		t.Errorf("untag removed the image: %q", got)
	}
	res := env.PMOK("images", "-q", "--filter", "dangling=true")
	if got := res.Lines(); !equal(got, []string{bb[:12]}) {
		t.Errorf("pm images --filter dangling=true after untag = %q, want [%s]", got, bb[:12])
	}
	res = env.PMOK("images", "--format", "{{.Repository}}:{{.Tag}}")
	if got := res.Lines(); !equal(got, []string{"<none>:<none>"}) {
		t.Errorf("dangling image listed as %q, want <none>:<none>", got)
	}
}

func TestImagesRmi(t *testing.T) {
	env := newEnv(t)
	bb := env.pull("busybox")
	entry := env.pull("entry")
	ml := env.pull("multilayer")

	res := env.PMOK("rmi", registry+"/entry:latest")
	if !strings.Contains(res.Stdout, entry) {
		t.Errorf("pm rmi entry: stdout does not name the deleted ID %s:\n%s", entry, res.Stdout)
	}
	if got := env.imageIDs(); !equal(got, sortedCopy(bb, ml)) {
		t.Errorf("after rmi entry: %q", got)
	}

	env.PMOK("rmi", ml[:8])
	if got := env.imageIDs(); !equal(got, []string{bb}) {
		t.Errorf("after rmi by ID prefix: %q", got)
	}

	// A name removes the name only while others remain.
	env.PMOK("tag", "busybox", "extra:1")
	env.PMOK("rmi", "extra:1")
	if got := env.imageIDs(); !equal(got, []string{bb}) {
		t.Errorf("rmi of one of two names removed the image: %q", got)
	}
	// By ID, an image with several names needs -f.
	env.PMOK("tag", "busybox", "extra:2")
	env.PM("rmi", bb[:12]).ExpectError(t, 125, bb[:12])
	if got := env.imageIDs(); !equal(got, []string{bb}) {
		t.Errorf("refused rmi changed the images: %q", got)
	}
	env.PMOK("rmi", "-f", bb[:12])
	if got := env.imageIDs(); len(got) != 0 {
		t.Errorf("after rmi -f: %q", got)
	}

	env.pull("busybox")
	env.pull("multilayer")
	env.PMOK("rmi", "-a")
	if got := env.imageIDs(); len(got) != 0 {
		t.Errorf("after rmi -a: %q", got)
	}
}

func TestImagesInspect(t *testing.T) {
	env := newEnv(t)
	bb := env.pull("busybox")
	ml := env.pull("multilayer")

	img := env.inspectImage("busybox")
	if strings.TrimPrefix(img.ID, "sha256:") != bb {
		t.Errorf("Id = %s, want %s", img.ID, bb)
	}
	if !contains(img.RepoTags, registry+"/busybox:latest") {
		t.Errorf("RepoTags = %q", img.RepoTags)
	}
	if !equal(img.Config.Cmd, []string{"sh"}) {
		t.Errorf("Config.Cmd = %q, want [sh]", img.Config.Cmd)
	}
	if !contains(img.Config.Env, "PM_TEST=1") {
		t.Errorf("Config.Env = %q, want PM_TEST=1 in it", img.Config.Env)
	}
	if img.Config.Labels["org.pm.test"] != "busybox" {
		t.Errorf("Config.Labels = %v", img.Config.Labels)
	}
	if _, ok := img.Config.ExposedPorts["80/tcp"]; !ok {
		t.Errorf("Config.ExposedPorts = %v, want 80/tcp", img.Config.ExposedPorts)
	}
	if img.Architecture != "amd64" || img.Os != "linux" {
		t.Errorf("Architecture/Os = %s/%s", img.Architecture, img.Os)
	}
	if len(img.RootFS.Layers) != 1 {
		t.Errorf("busybox RootFS.Layers = %q, want 1", img.RootFS.Layers)
	}

	mi := env.inspectImage(ml[:12])
	if len(mi.RootFS.Layers) != 3 {
		t.Errorf("multilayer RootFS.Layers = %q, want 3", mi.RootFS.Layers)
	}
	if len(mi.History) != 3 {
		t.Errorf("multilayer History: %d entries, want 3", len(mi.History))
	}

	res := env.PMOK("image", "inspect", "--format", "{{.Id}}", "busybox")
	if got := strings.TrimPrefix(strings.TrimSpace(res.Stdout), "sha256:"); got != bb {
		t.Errorf("pm image inspect --format {{.Id}} = %q, want %s", res.Stdout, bb)
	}
	res = env.PMOK("image", "inspect", "busybox", "multilayer")
	var two []imageInspect
	decodeJSON(t, res.Stdout, &two)
	if len(two) != 2 {
		t.Errorf("pm image inspect of two images: %d entries", len(two))
	}

	res = env.PMOK("history", "multilayer")
	if rows := len(res.Lines()) - 1; rows < 3 {
		t.Errorf("pm history multilayer: %d rows, want 3 or more:\n%s", rows, res.Stdout)
	}
	res = env.PMOK("history", "--no-trunc", "--format", "{{.CreatedBy}}", "multilayer")
	if !strings.Contains(res.Stdout, "ADD one /data/one") || !strings.Contains(res.Stdout, "ADD two /data/two") {
		t.Errorf("pm history --format {{.CreatedBy}}:\n%s", res.Stdout)
	}
}

func TestImagesExistsPrune(t *testing.T) {
	env := newEnv(t)
	res := env.PM("image", "exists", "busybox")
	if res.Code != 1 || res.Stdout != "" {
		t.Errorf("pm image exists of a missing image: exit %d, stdout %q; want 1 and nothing", res.Code, res.Stdout)
	}
	bb := env.pull("busybox")
	ml := env.pull("multilayer")
	env.PMOK("image", "exists", "busybox")
	env.PMOK("image", "exists", bb[:12])

	// prune without -a removes dangling images only.
	env.PMOK("untag", "multilayer")
	res = env.PMOK("image", "prune", "-f")
	if !strings.Contains(res.Stdout, ml) {
		t.Errorf("pm image prune -f: stdout does not list %s:\n%s", ml, res.Stdout)
	}
	if got := env.imageIDs(); !equal(got, []string{bb}) {
		t.Errorf("after image prune -f: %q, want [%s]", got, bb)
	}
	env.PMOK("image", "prune", "-a", "-f")
	if got := env.imageIDs(); len(got) != 0 {
		t.Errorf("after image prune -a -f: %q", got)
	}
	if res := env.PM("image", "exists", "busybox"); res.Code != 1 {
		t.Errorf("pm image exists after prune: exit %d, want 1", res.Code)
	}
}

// TestImagesRmiForceContainers: rmi --force removes the containers made
// from the image, running or not, and the pod whose infra container uses
// an image; a missing image is then no error. Without --force, an image
// in use is refused and nothing changes.
func TestImagesRmiForceContainers(t *testing.T) {
	env := podEnv(t)
	env.PMOK("create", "--name", "idle", "busybox", "true")
	env.runID("--name", "busy", "busybox", "sleep", "1000")
	env.PMOK("pod", "create", "--name", "p")
	env.PMOK("create", "--pod", "p", "--name", "member", "multilayer", "true")
	env.PM("rmi", "busybox").ExpectError(t, 2, "in use")
	if ids := env.PMOK("ps", "-aq").Lines(); len(ids) != 4 {
		t.Fatalf("containers after a refused rmi: %q", ids)
	}
	env.PMOK("rmi", "-f", "busybox", "bogus")
	if names := env.PMOK("ps", "-a", "--format", "{{.Names}}").Lines(); len(names) != 2 || contains(names, "idle") || contains(names, "busy") {
		t.Errorf("containers after rmi -f busybox: %q", names)
	}
	infra := strings.TrimSpace(env.PMOK("pod", "inspect", "--format", "{{.InfraContainerID}}", "p").Stdout)
	infraImage := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.ImageName}}", infra).Stdout)
	env.PMOK("rmi", "-f", infraImage)
	if out := env.PMOK("pod", "ps", "-q").Stdout; out != "" {
		t.Errorf("pods after rmi -f of the infra image: %q", out)
	}
	if out := env.PMOK("ps", "-aq").Stdout; out != "" {
		t.Errorf("containers after rmi -f of the infra image: %q", out)
	}
	if res := env.PM("rmi", "-f", "bogus"); res.Code != 0 || res.Stdout != "" {
		t.Errorf("rmi -f of a missing image: %s", res)
	}
}
