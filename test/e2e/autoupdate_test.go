package e2e

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// autoUpdateRepo returns a repository of the shared registry for this
// environment alone.
func autoUpdateRepo(env *Env, name string) string {
	return strings.ToLower(registry + "/" + name + "-" + filepath.Base(env.Dir) + ":latest")
}

// autoUpdateRows returns auto-update's table rows as CONTAINER-NAME ->
// "IMAGE POLICY UPDATED", checking the header.
func autoUpdateRows(t *testing.T, res Result) map[string]string {
	t.Helper()
	lines := res.Lines()
	if len(lines) == 0 || !regexp.MustCompile(`^UNIT\s+CONTAINER\s+IMAGE\s+POLICY\s+UPDATED$`).MatchString(lines[0]) {
		t.Fatalf("auto-update: no table header in %q", res.Stdout)
	}
	rows := map[string]string{}
	re := regexp.MustCompile(`^\s*(\S*)\s+[0-9a-f]{12} \((\S+)\)\s+(\S+)\s+(\S+)\s+(.+?)\s*$`)
	for _, l := range lines[1:] {
		m := re.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("auto-update: unexpected row %q", l)
		}
		rows[m[2]] = m[3] + " " + m[4] + " " + m[5]
	}
	return rows
}

func (e *Env) containerImageID(name string) string {
	e.t.Helper()
	return strings.TrimSpace(e.PMOK("inspect", "--format", "{{.Image}}", name).Stdout)
}

func TestAutoUpdateRegistry(t *testing.T) {
	env := ctrEnv(t, "busybox", "multilayer")
	repo := autoUpdateRepo(env, "autoupdate")
	env.PMOK("push", "busybox", repo)
	v1 := fixtureID(t, "busybox")
	v2 := fixtureID(t, "multilayer")

	oldID := env.runID("--name", "au", "--label", "io.containers.autoupdate=registry", repo, "sleep", "1000")
	// A container without the label, and a stopped labelled one, are not
	// looked at.
	env.runID("--name", "plain", repo, "sleep", "1000")
	env.PMOK("create", "--name", "stopped", "--label", "io.containers.autoupdate=registry", repo, "true")

	rows := autoUpdateRows(t, env.PMOK("auto-update", "--dry-run"))
	if got, want := rows["au"], repo+" registry false"; got != want || len(rows) != 1 {
		t.Fatalf("auto-update --dry-run before any push: rows %q, want au: %q", rows, want)
	}

	// v2 under the same tag.
	env.PMOK("push", "multilayer", repo)
	rows = autoUpdateRows(t, env.PMOK("auto-update", "--dry-run"))
	if got, want := rows["au"], repo+" registry pending"; got != want {
		t.Fatalf("auto-update --dry-run: au is %q, want %q", got, want)
	}
	if got := env.containerImageID("au"); got != v1 {
		t.Errorf("after --dry-run the container's image is %s, want the old %s", got, v1)
	}
	if got := env.ctrField("au", ".ID"); !strings.HasPrefix(oldID, got) || got == "" {
		t.Errorf("after --dry-run the container is %q, want the old %s", got, oldID)
	}

	rows = autoUpdateRows(t, env.PMOK("auto-update"))
	if got, want := rows["au"], repo+" registry true"; got != want {
		t.Fatalf("auto-update: au is %q, want %q", got, want)
	}
	if got := env.containerImageID("au"); got != v2 {
		t.Errorf("updated container's image is %s, want the new %s", got, v2)
	}
	if st := env.ctrField("au", ".State"); st != "running" {
		t.Errorf("updated container is %q, want running", st)
	}
	if out := env.PMOK("exec", "au", "cat", "/data/two").Stdout; out != "two\n" {
		t.Errorf("updated container: /data/two is %q, want the new image's \"two\\n\"", out)
	}
	// The create command still applies: label, command.
	if got := strings.TrimSpace(env.PMOK("inspect", "--format", `{{index .Config.Labels "io.containers.autoupdate"}} {{.Config.Cmd}}`, "au").Stdout); got != "registry [sleep 1000]" {
		t.Errorf("updated container: label and command %q, want \"registry [sleep 1000]\"", got)
	}
	if env.PM("container", "exists", oldID).Code == 0 {
		t.Errorf("the old container %s is still there", oldID)
	}
	if got := env.containerImageID("plain"); got != v1 {
		t.Errorf("the unlabelled container's image is %s, want %s", got, v1)
	}

	// Up to date now.
	var js []map[string]string
	decodeJSON(t, env.PMOK("auto-update", "--format", "json").Stdout, &js)
	if len(js) != 1 || js[0]["ContainerName"] != "au" || js[0]["Updated"] != "false" || js[0]["Policy"] != "registry" || js[0]["Image"] != repo {
		t.Errorf("auto-update --format json: %v, want one up-to-date au", js)
	}
	if out := env.PMOK("auto-update", "--format", "{{.ContainerName}}:{{.Updated}}").Stdout; out != "au:false\n" {
		t.Errorf("auto-update --format template: %q", out)
	}
}

func TestAutoUpdateLocal(t *testing.T) {
	env := ctrEnv(t, "busybox", "multilayer")
	env.PMOK("tag", "busybox", "localhost/aulocal:latest")
	env.runID("--name", "loc", "--label", "io.containers.autoupdate=local", "localhost/aulocal:latest", "sleep", "1000")

	rows := autoUpdateRows(t, env.PMOK("auto-update"))
	if got, want := rows["loc"], "localhost/aulocal:latest local false"; got != want {
		t.Fatalf("auto-update, nothing new: loc is %q, want %q", got, want)
	}
	env.PMOK("tag", "multilayer", "localhost/aulocal:latest")
	rows = autoUpdateRows(t, env.PMOK("auto-update", "--dry-run"))
	if got, want := rows["loc"], "localhost/aulocal:latest local pending"; got != want {
		t.Fatalf("auto-update --dry-run: loc is %q, want %q", got, want)
	}
	rows = autoUpdateRows(t, env.PMOK("auto-update"))
	if got, want := rows["loc"], "localhost/aulocal:latest local true"; got != want {
		t.Fatalf("auto-update: loc is %q, want %q", got, want)
	}
	if got, want := env.containerImageID("loc"), fixtureID(t, "multilayer"); got != want {
		t.Errorf("updated container's image is %s, want %s", got, want)
	}
	if st := env.ctrField("loc", ".State"); st != "running" {
		t.Errorf("updated container is %q, want running", st)
	}
}

func TestAutoUpdateRollback(t *testing.T) {
	env := ctrEnv(t, "busybox")
	repo := autoUpdateRepo(env, "aubroken")
	v1 := fixtureID(t, "busybox")
	env.PMOK("push", "busybox", repo)
	env.runID("--name", "rb", "--label", "io.containers.autoupdate=registry", repo, "sleep", "1000")

	// The new image cannot start: its entrypoint does not exist.
	env.PMOK("create", "--name", "mkbroken", "busybox")
	env.PMOK("commit", "-q", "--change", `ENTRYPOINT ["/does-not-exist"]`, "mkbroken", repo)
	env.PMOK("rm", "mkbroken")
	broken := strings.TrimSpace(env.PMOK("image", "inspect", "--format", "{{.Id}}", repo).Stdout)
	env.PMOK("push", repo)
	// Locally, the name is v1's again, and the broken image is only in the
	// registry.
	env.PMOK("tag", v1, repo)
	env.PMOK("rmi", broken)

	res := env.PM("auto-update")
	if res.Code != 125 || !strings.Contains(res.Stderr, "restarting container rb with the new image") {
		t.Errorf("auto-update of a broken image: want exit 125 and why on stderr\n%s", res)
	}
	rows := autoUpdateRows(t, res)
	if got, want := rows["rb"], repo+" registry rolled back"; got != want {
		t.Fatalf("auto-update: rb is %q, want %q", got, want)
	}
	if got := env.containerImageID("rb"); got != v1 {
		t.Errorf("rolled back container's image is %s, want the old %s", got, v1)
	}
	if st := env.ctrField("rb", ".State"); st != "running" {
		t.Errorf("rolled back container is %q, want running", st)
	}
	if got := strings.TrimSpace(env.PMOK("image", "inspect", "--format", "{{.Id}}", repo).Stdout); got != v1 {
		t.Errorf("after the rollback %s names %s, want the old image %s", repo, got, v1)
	}
	if n := len(env.psIDs()); n != 1 {
		t.Errorf("after the rollback there are %d containers, want 1", n)
	}

	// Without rollback the failed container stays, with the new image.
	res = env.PM("auto-update", "--rollback=false")
	if res.Code != 125 {
		t.Errorf("auto-update --rollback=false of a broken image: want exit 125\n%s", res)
	}
	rows = autoUpdateRows(t, res)
	if got, want := rows["rb"], repo+" registry failed"; got != want {
		t.Fatalf("auto-update --rollback=false: rb is %q, want %q", got, want)
	}
	if got := env.containerImageID("rb"); got != broken {
		t.Errorf("container after a failed update without rollback has image %s, want the new %s", got, broken)
	}
	if st := env.ctrField("rb", ".State"); st == "running" {
		t.Errorf("container of the broken image is running")
	}
}

func TestAutoUpdateBadInput(t *testing.T) {
	env := ctrEnv(t, "busybox")
	env.PM("auto-update", "foo").ExpectError(t, 125, "takes no arguments")

	// Nothing labelled: no output at all.
	env.runID("--name", "none", "busybox", "sleep", "1000")
	if res := env.PMOK("auto-update"); res.Stdout != "" {
		t.Errorf("auto-update with nothing to update printed %q", res.Stdout)
	}

	// The registry policy needs a full name with the docker transport:
	// refused at create, nothing made.
	env.PMOK("tag", "busybox", "shortname:latest")
	env.PM("create", "--label", "io.containers.autoupdate=registry", "shortname:latest").
		ExpectError(t, 125, `short name: auto updates require fully-qualified image reference: "shortname:latest"`)
	env.PM("create", "--label", "io.containers.autoupdate=registry", "docker-archive:"+env.Path("none.tar")).
		ExpectError(t, 125, `auto updates require the docker image transport but image is of transport "docker-archive"`)
	if ids := env.psIDs(); len(ids) != 1 {
		t.Errorf("containers after the refused creates: %q, want only none", ids)
	}
	env.PMOK("rmi", "shortname:latest")

	id := env.runID("--name", "badpol", "--label", "io.containers.autoupdate=sometimes", "busybox", "sleep", "1000")
	env.PM("auto-update").ExpectError(t, 125, `invalid auto-update policy "sometimes"`)
	if got := env.ctrField("badpol", ".ID"); !strings.HasPrefix(id, got) || got == "" {
		t.Errorf("container with a bad policy was replaced: %q, want %s", got, id)
	}

	// A container run by a systemd unit is restarted through it; on a host
	// where systemctl cannot, the update fails and the container stays.
	env.PMOK("rm", "-f", "-t", "0", "badpol")
	env.PMOK("tag", "busybox", "localhost/auunit:latest")
	id = env.runID("--name", "unit", "--label", "io.containers.autoupdate=local",
		"--label", "PODMAN_SYSTEMD_UNIT=pm-test-nonexistent.service", "localhost/auunit:latest", "sleep", "1000")
	env.pull("multilayer")
	env.PMOK("tag", "multilayer", "localhost/auunit:latest")
	res := env.PM("auto-update", "--rollback=false")
	if res.Code != 125 || !strings.Contains(res.Stderr, "unit pm-test-nonexistent.service") {
		t.Errorf("auto-update of a unit systemctl cannot restart: want exit 125 naming the unit\n%s", res)
	}
	if got := strings.Fields(res.Stdout); len(got) < 2 || got[len(got)-1] != "failed" || !strings.Contains(res.Stdout, "pm-test-nonexistent.service") {
		t.Errorf("auto-update: want the unit's row marked failed, got %q", res.Stdout)
	}
	if got := env.ctrField("unit", ".ID"); !strings.HasPrefix(id, got) || got == "" {
		t.Errorf("container of a unit was recreated by pm: %q, want %s", got, id)
	}
}
