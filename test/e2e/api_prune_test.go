package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// pruneReply is the answer of the API's prune routes.
type pruneReply struct {
	ContainersDeleted []string
	VolumesDeleted    []string
	NetworksDeleted   []string
	CachesDeleted     []string
	ImagesDeleted     []map[string]string
	SpaceReclaimed    uint64
}

// prune POSTs to a prune route with filters and decodes the reply; it
// fails the test unless the status is want.
func (e *Env) prune(sock, what string, filters map[string][]string, want string) pruneReply {
	e.t.Helper()
	path := "/v1.44/" + what + "/prune"
	if filters != nil {
		b, _ := json.Marshal(filters)
		path += "?filters=" + url.QueryEscape(string(b))
	}
	code, body := e.curl(sock, "POST", path, "")
	if code != want {
		e.t.Fatalf("POST %s: %s %s, want %s", path, code, body, want)
	}
	var r pruneReply
	if want == "200" {
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			e.t.Fatalf("POST %s: %v in %s", path, err, body)
		}
	}
	return r
}

func sortedLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

// TestAPIPruneContainers: docker container prune --filter removes exactly
// the stopped containers the filter takes, reports the space their
// writable layers held, and a filter Docker does not know is a 400 that
// removes nothing.
func TestAPIPruneContainers(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })

	id := func(args ...string) string {
		return strings.TrimSpace(env.docker(append([]string{"create"}, args...)...).Stdout)
	}
	// Two stopped containers with label x (one wrote 200 KiB), one
	// without, and a running one with it.
	x1 := id("--label", "x=1", "--name", "x1", img, "sh", "-c", "dd if=/dev/zero of=/big bs=1024 count=200 2>/dev/null")
	env.docker("start", "-a", "x1")
	x2 := id("--label", "x=2", "--name", "x2", img, "true")
	plain := id("--name", "plain", img, "true")
	env.docker("run", "-d", "--label", "x=3", "--name", "up", img, "sleep", "300")
	defer env.Exec("docker", "rm", "-f", "x1", "x2", "plain", "up")
	all := func() []string { return sortedLines(env.docker("ps", "-a", "--format", "{{.Names}}").Stdout) }

	// Unknown filters: 400 with Docker's words, from the CLI too, and
	// nothing removed.
	env.prune(svc.Sock, "containers", map[string][]string{"bogus": {"1"}}, "400")
	if r := env.Exec("docker", "container", "prune", "-f", "--filter", "dangling=true"); r.Code == 0 || !strings.Contains(r.Stderr, "invalid filter 'dangling'") {
		t.Errorf("docker container prune --filter dangling=true: exit %d, %s", r.Code, r.Stderr)
	}
	env.prune(svc.Sock, "containers", map[string][]string{"until": {"not-a-time"}}, "400")
	if got := all(); !equal(got, []string{"plain", "up", "x1", "x2"}) {
		t.Fatalf("a refused prune removed containers: %q", got)
	}

	// label=x=1: only x1, whose 200 KiB are reclaimed.
	r := env.prune(svc.Sock, "containers", map[string][]string{"label": {"x=1"}}, "200")
	if !equal(r.ContainersDeleted, []string{x1}) || r.SpaceReclaimed < 200*1024 {
		t.Errorf("prune label=x=1: %+v, want [%s] and >= 200 KiB reclaimed", r, x1)
	}
	// label=x through the docker CLI: x2, not the running one nor plain.
	out := env.docker("container", "prune", "-f", "--filter", "label=x").Stdout
	if !strings.Contains(out, "Deleted Containers:\n"+x2+"\n") || !strings.Contains(out, "Total reclaimed space:") || strings.Contains(out, plain) {
		t.Errorf("docker container prune --filter label=x:\n%s", out)
	}
	if got := all(); !equal(got, []string{"plain", "up"}) {
		t.Errorf("after prune --filter label=x: %q, want plain up", got)
	}
	// until: plain was made before the cut, a newer one after it.
	cut := time.Now()
	id("--name", "newer", img, "true")
	defer env.Exec("docker", "rm", "-f", "newer")
	out = env.docker("container", "prune", "-f", "--filter", fmt.Sprintf("until=%d.%09d", cut.Unix(), cut.Nanosecond())).Stdout
	if !strings.Contains(out, plain) {
		t.Errorf("docker container prune --filter until=CUT:\n%s", out)
	}
	if got := all(); !equal(got, []string{"newer", "up"}) {
		t.Errorf("after prune --filter until: %q, want newer up", got)
	}
	// label!=: the running one is never pruned; newer has no label x.
	env.docker("container", "prune", "-f", "--filter", "label!=x")
	if got := all(); !equal(got, []string{"up"}) {
		t.Errorf("after prune --filter label!=x: %q, want up", got)
	}
	if r := env.prune(svc.Sock, "containers", nil, "200"); len(r.ContainersDeleted) != 0 || r.SpaceReclaimed != 0 {
		t.Errorf("prune with nothing to prune: %+v", r)
	}
	// The pm CLI walks the same engine code.
	env.PM("container", "prune", "-f", "--filter", "bogus=1").ExpectError(t, 125, "invalid filter 'bogus'")
}

// TestAPIPruneImages: image prune honours dangling, until and label, and
// reports the untagged names, the deleted IDs and the bytes reclaimed.
func TestAPIPruneImages(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })
	dir := env.Path("ctx")
	os.Mkdir(dir, 0o755)
	build := func(tag, body string) string {
		os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM "+img+"\n"+body), 0o644)
		chownTree(t, dir, env.User.UID, env.User.GID)
		env.docker("build", "-q", "-t", tag, dir)
		return strings.TrimPrefix(strings.TrimSpace(env.docker("image", "inspect", "--format", "{{.Id}}", tag).Stdout), "sha256:")
	}
	defer env.Exec("docker", "rmi", "-f", "old:1", "new:1", "kept:1", "dang:1")
	// A dangling image: dang:1 built twice, the first loses its tag.
	first := build("dang:1", "RUN dd if=/dev/zero of=/d1 bs=1024 count=100 2>/dev/null\n")
	build("dang:1", "RUN echo second > /d2\n")
	old := build("old:1", "LABEL stage=old\nRUN dd if=/dev/zero of=/o bs=1024 count=300 2>/dev/null\n")
	build("kept:1", "LABEL stage=old keep=yes\nRUN echo k > /k\n")
	cut := time.Now()
	build("new:1", "LABEL stage=new\nRUN echo n > /n\n")
	tags := func() []string {
		return sortedLines(env.docker("images", "--format", "{{.Repository}}:{{.Tag}}").Stdout)
	}

	env.prune(svc.Sock, "images", map[string][]string{"reference": {"x"}}, "400")
	env.prune(svc.Sock, "images", map[string][]string{"until": {"1h", "2h"}}, "400")
	// The default takes dangling images only: the first dang:1.
	out := env.docker("image", "prune", "-f").Stdout
	if !strings.Contains(out, "deleted: sha256:"+first) || !strings.Contains(out, "Total reclaimed space:") {
		t.Errorf("docker image prune:\n%s", out)
	}
	if r := env.Exec("docker", "image", "inspect", first); r.Code == 0 {
		t.Errorf("the dangling image %s is still there", first)
	}
	// dangling=false (-a) with until=CUT, label=stage=old and
	// label!=keep: old:1, not kept:1 (keep) nor new:1 (newer) nor the
	// rest (no label stage).
	r := env.prune(svc.Sock, "images", map[string][]string{
		"dangling": {"false"}, "until": {fmt.Sprintf("%d", cut.Unix()+1)}, "label": {"stage=old"}, "label!": {"keep"},
	}, "200")
	var untagged, deleted []string
	for _, d := range r.ImagesDeleted {
		if d["Untagged"] != "" {
			untagged = append(untagged, d["Untagged"])
		}
		if d["Deleted"] != "" {
			deleted = append(deleted, d["Deleted"])
		}
	}
	// The step images of old:1 with its label may go too (they are
	// unnamed); no other name may.
	if !strings.Contains(strings.Join(deleted, " "), "sha256:"+old) || len(untagged) != 1 || !strings.Contains(untagged[0], "old:1") || r.SpaceReclaimed < 300*1024 {
		t.Errorf("prune dangling=false until label=stage=old label!=keep: %+v, want old:1 (%s) with >= 300 KiB", r, old)
	}
	want := []string{img + ":latest", "localhost/dang:1", "localhost/kept:1", "localhost/new:1"}
	sort.Strings(want)
	if got := tags(); !equal(got, want) {
		t.Errorf("images after the labelled prune: %q, want %q", got, want)
	}
	// docker image prune -a --filter until=CUT: everything older than
	// the cut no container uses; new:1 stays.
	env.docker("run", "--name", "user", "kept:1", "true")
	defer env.Exec("docker", "rm", "-f", "user")
	env.docker("image", "prune", "-a", "-f", "--filter", fmt.Sprintf("until=%d.%09d", cut.Unix(), cut.Nanosecond()))
	if got := tags(); !equal(got, []string{"localhost/kept:1", "localhost/new:1"}) {
		t.Errorf("images after docker image prune -a --filter until: %q, want kept:1 (used) new:1 (newer)", got)
	}
	env.PM("image", "prune", "-f", "--filter", "bogus=1").ExpectError(t, 125, "invalid filter 'bogus'")
}

// TestAPIPruneVolumesNetworks: volume prune takes only anonymous volumes
// from API 1.42 on (all=true: named ones too; 1.41: all), honours label
// filters and reports the bytes; network prune honours label filters.
func TestAPIPruneVolumesNetworks(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })
	vols := func() []string { return sortedLines(env.docker("volume", "ls", "-q").Stdout) }

	env.docker("volume", "create", "--label", "keep=1", "named-keep")
	env.docker("volume", "create", "named-data")
	env.docker("volume", "create", "used")
	defer env.Exec("docker", "volume", "rm", "-f", "named-keep", "named-data", "used")
	env.docker("run", "--rm", "-v", "named-data:/d", img, "dd", "if=/dev/zero", "of=/d/f", "bs=1024", "count=150")
	env.docker("run", "--name", "anon", "-v", "/data", img, "dd", "if=/dev/zero", "of=/data/f", "bs=1024", "count=50")
	anon := strings.TrimSpace(env.docker("inspect", "--format", "{{range .Mounts}}{{.Name}}{{end}}", "anon").Stdout)
	env.docker("rm", "anon")
	env.docker("run", "-d", "--name", "user", "-v", "used:/u", img, "sleep", "300")
	defer env.Exec("docker", "rm", "-f", "user")

	env.prune(svc.Sock, "volumes", map[string][]string{"dangling": {"true"}}, "400")
	env.prune(svc.Sock, "volumes", map[string][]string{"all": {"maybe"}}, "400")
	// API 1.42+: only the anonymous volume, with its 50 KiB.
	out := env.docker("volume", "prune", "-f").Stdout
	if !strings.Contains(out, anon) || strings.Contains(out, "named-") || !strings.Contains(out, "Total reclaimed space: 51.2kB") {
		t.Errorf("docker volume prune:\n%s", out)
	}
	if got := vols(); !equal(got, []string{"named-data", "named-keep", "used"}) {
		t.Errorf("volumes after docker volume prune: %q", got)
	}
	// --all with label!=keep: named-data, not named-keep nor the used one.
	r := env.prune(svc.Sock, "volumes", map[string][]string{"all": {"true"}, "label!": {"keep"}}, "200")
	if !equal(r.VolumesDeleted, []string{"named-data"}) || r.SpaceReclaimed != 150*1024 {
		t.Errorf("prune all=true label!=keep: %+v, want named-data with 150 KiB", r)
	}
	// API 1.41 takes named volumes without all; label=keep=1 picks one.
	code, body := env.curl(svc.Sock, "POST", "/v1.41/volumes/prune?filters="+url.QueryEscape(`{"label":["keep=1"]}`), "")
	if code != "200" || !strings.Contains(body, `"named-keep"`) {
		t.Errorf("v1.41 volume prune label=keep=1: %s %s", code, body)
	}
	if got := vols(); !equal(got, []string{"used"}) {
		t.Errorf("volumes after the prunes: %q, want used", got)
	}

	env.docker("network", "create", "--label", "team=a", "net-a")
	env.docker("network", "create", "--label", "team=b", "net-b")
	env.docker("network", "create", "net-c")
	defer env.Exec("docker", "network", "rm", "net-a", "net-b", "net-c")
	nets := func() []string {
		var out []string
		for _, n := range sortedLines(env.docker("network", "ls", "--format", "{{.Name}}").Stdout) {
			if strings.HasPrefix(n, "net-") {
				out = append(out, n)
			}
		}
		return out
	}
	env.prune(svc.Sock, "networks", map[string][]string{"driver": {"bridge"}}, "400")
	out = env.docker("network", "prune", "-f", "--filter", "label=team=a").Stdout
	if !strings.Contains(out, "net-a") || strings.Contains(out, "net-b") {
		t.Errorf("docker network prune --filter label=team=a:\n%s", out)
	}
	if got := nets(); !equal(got, []string{"net-b", "net-c"}) {
		t.Errorf("networks after the label prune: %q", got)
	}
	env.docker("network", "prune", "-f", "--filter", "label!=team")
	if got := nets(); !equal(got, []string{"net-b"}) {
		t.Errorf("networks after the label! prune: %q", got)
	}
	// The pm CLI's prunes are the same engine code.
	env.PMOK("network", "prune", "-f", "--filter", "label=team=b")
	if got := nets(); len(got) != 0 {
		t.Errorf("networks after pm network prune --filter: %q", got)
	}
	env.PM("volume", "prune", "-f", "--filter", "name=x").ExpectError(t, 125, "invalid filter 'name'")
}

// TestAPIPruneBuildCache: docker builder prune removes the build cache's
// step images, keeps tagged images, and reports the space freed: the
// layers nothing else holds.
func TestAPIPruneBuildCache(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })
	dir := env.Path("ctx")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM "+img+"\nRUN dd if=/dev/zero of=/a bs=1024 count=100 2>/dev/null\nRUN echo b > /b\n"), 0o644)
	chownTree(t, dir, env.User.UID, env.User.GID)
	allImages := func() []string { return sortedLines(env.docker("images", "-a", "-q", "--no-trunc").Stdout) }
	base := allImages()

	// Built and untagged with --no-prune (noprune=1): the step images stay
	// in the cache. (A plain rmi takes the build's dangling step images
	// with it, as Docker's and Podman's do.)
	env.docker("build", "-q", "-t", "cached:1", dir)
	if code, body := env.curl(svc.Sock, "DELETE", "/v1.44/images/cached:1?noprune=maybe", ""); code != "400" {
		t.Errorf("DELETE /images with noprune=maybe: %s %s, want 400", code, body)
	}
	env.docker("rmi", "--no-prune", "cached:1")
	cache := allImages()
	if len(cache) <= len(base) {
		t.Fatalf("images -a after a build and rmi: %q, want the cached steps beside %q", cache, base)
	}
	env.prune(svc.Sock, "build", map[string][]string{"type": {"regular"}}, "400")
	if code, body := env.curl(svc.Sock, "POST", "/v1.44/build/prune?keep-storage=lots", ""); code != "400" {
		t.Errorf("build prune keep-storage=lots: %s %s", code, body)
	}
	if code, body := env.curl(svc.Sock, "POST", "/v1.44/build/prune?min-free-space=1000000", ""); code != "400" {
		t.Errorf("build prune min-free-space: %s %s", code, body)
	}
	// reserved-space larger than the cache keeps it all.
	if code, body := env.curl(svc.Sock, "POST", "/v1.44/build/prune?reserved-space=100000000", ""); code != "200" || !strings.Contains(body, `"CachesDeleted":[]`) {
		t.Errorf("build prune reserved-space=100MB: %s %s, want nothing removed", code, body)
	}
	if got := allImages(); !equal(got, cache) {
		t.Errorf("refused or keeping build prunes removed images: %q, was %q", got, cache)
	}
	r := env.prune(svc.Sock, "build", nil, "200")
	if len(r.CachesDeleted) != len(cache)-len(base) || r.SpaceReclaimed < 100*1024 {
		t.Errorf("build prune: %+v, want the %d cached steps with >= 100 KiB", r, len(cache)-len(base))
	}
	if got := allImages(); !equal(got, base) {
		t.Errorf("images after build prune: %q, want %q", got, base)
	}

	// A tagged build keeps its layers: the step image goes, the space
	// stays with cached:1, which still runs.
	env.docker("build", "-q", "-t", "cached:1", dir)
	defer env.Exec("docker", "rmi", "-f", "cached:1")
	out := env.docker("builder", "prune", "-f").Stdout
	if !strings.Contains(out, "Total reclaimed space: 0B") {
		t.Errorf("docker builder prune under a tagged image:\n%s", out)
	}
	if out := env.docker("run", "--rm", "cached:1", "cat", "/b").Stdout; out != "b\n" {
		t.Errorf("the tagged image after build prune: %q", out)
	}
}
