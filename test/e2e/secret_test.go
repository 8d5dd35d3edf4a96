package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var secretIDRe = regexp.MustCompile(`^[0-9a-f]{25}$`)

// secretInspect is the part of pm secret inspect's JSON the tests read.
type secretInspect struct {
	ID         string
	CreatedAt  string
	UpdatedAt  string
	SecretData string
	Spec       struct {
		Name   string
		Labels map[string]string
		Driver struct {
			Name    string
			Options map[string]string
		}
	}
}

func (e *Env) inspectSecret(name string, args ...string) secretInspect {
	e.t.Helper()
	var out []secretInspect
	decodeJSON(e.t, e.PMOK(append([]string{"secret", "inspect"}, append(args, name)...)...).Stdout, &out)
	if len(out) != 1 {
		e.t.Fatalf("secret inspect %s: %d entries", name, len(out))
	}
	return out[0]
}

// secretNames returns pm secret ls --format {{.Name}}.
func (e *Env) secretNames(args ...string) []string {
	e.t.Helper()
	return e.PMOK(append([]string{"secret", "ls", "--format", "{{.Name}}"}, args...)...).Lines()
}

// createSecret makes a secret from data on stdin and returns its ID.
func (e *Env) createSecret(name, data string, args ...string) string {
	e.t.Helper()
	r := e.PMStdin(strings.NewReader(data), append(append([]string{"secret", "create"}, args...), name, "-")...)
	if r.Code != 0 {
		e.t.Fatalf("%s", r)
	}
	id := strings.TrimSpace(r.Stdout)
	if !secretIDRe.MatchString(id) {
		e.t.Fatalf("secret create printed %q", id)
	}
	return id
}

func TestSecretCreateInspectLsRm(t *testing.T) {
	env := newEnv(t)
	// From a file, from stdin, from an environment variable.
	file := env.Path("pw.txt")
	if err := os.WriteFile(file, []byte("from-file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	idFile := strings.TrimSpace(env.PMOK("secret", "create", "--label", "app=web", "-l", "tier=db", "--driver", "file", "s-file", file).Stdout)
	if !secretIDRe.MatchString(idFile) {
		t.Fatalf("secret create printed %q", idFile)
	}
	idStdin := env.createSecret("s-stdin", "from stdin")
	env.SetEnv("PM_TEST_SECRET=from-env")
	idEnv := strings.TrimSpace(env.PMOK("secret", "create", "--env", "s-env", "PM_TEST_SECRET").Stdout)

	for name, want := range map[string]string{"s-file": "from-file\n", "s-stdin": "from stdin", "s-env": "from-env"} {
		got := env.inspectSecret(name, "--showsecret")
		if got.SecretData != want || got.Spec.Name != name || got.Spec.Driver.Name != "file" {
			t.Errorf("inspect --showsecret %s: %+v", name, got)
		}
	}
	in := env.inspectSecret("s-file")
	if in.ID != idFile || in.SecretData != "" || in.Spec.Labels["app"] != "web" || in.Spec.Labels["tier"] != "db" ||
		in.CreatedAt == "" || in.UpdatedAt == "" || in.Spec.Driver.Options["path"] == "" {
		t.Errorf("inspect s-file: %+v", in)
	}
	// By ID and by ID prefix, with a template.
	if got := strings.TrimSpace(env.PMOK("secret", "inspect", "--format", "{{.Spec.Name}}", idStdin).Stdout); got != "s-stdin" {
		t.Errorf("inspect by ID: %q", got)
	}
	if got := strings.TrimSpace(env.PMOK("secret", "inspect", "-f", "{{.ID}}", idEnv[:12]).Stdout); got != idEnv {
		t.Errorf("inspect by prefix: %q", got)
	}
	if got := strings.TrimSpace(env.PMOK("secret", "inspect", "--showsecret", "--format", "{{.SecretData}}", "s-env").Stdout); got != "from-env" {
		t.Errorf("--showsecret template: %q", got)
	}

	// The data is in files only the user reads, not in the database.
	dir := in.Spec.Driver.Options["path"]
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("secrets directory %s: %v, %v", dir, st.Mode(), err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 3 {
		t.Errorf("secrets directory holds %q, want 3 files", files)
	}
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v", f, st.Mode(), err)
		}
	}

	// ls: table, quiet, filters, noheading, json.
	ls := env.PMOK("secret", "ls").Stdout
	for _, s := range []string{"ID", "NAME", "DRIVER", "CREATED", "UPDATED", "s-file", "ago"} {
		if !strings.Contains(ls, s) {
			t.Errorf("secret ls lacks %q:\n%s", s, ls)
		}
	}
	if got := env.PMOK("secret", "ls", "-q").Lines(); len(got) != 3 || !secretIDRe.MatchString(got[0]) {
		t.Errorf("ls -q: %q", got)
	}
	if got := env.secretNames("--filter", "name=s-(file|env)"); !equal(got, []string{"s-env", "s-file"}) {
		t.Errorf("filter name: %q", got)
	}
	if got := env.secretNames("--filter", "id="+idStdin[:10]); !equal(got, []string{"s-stdin"}) {
		t.Errorf("filter id: %q", got)
	}
	if got := env.PMOK("secret", "ls", "--noheading").Lines(); len(got) != 3 {
		t.Errorf("ls --noheading: %q", got)
	}
	var js []map[string]any
	decodeJSON(t, env.PMOK("secret", "ls", "--format", "json").Stdout, &js)
	if len(js) != 3 {
		t.Errorf("ls json: %v", js)
	}
	env.PM("secret", "ls", "--filter", "bogus=1").ExpectError(t, 125, "unknown key")

	// exists.
	env.PMOK("secret", "exists", "s-file")
	env.PMOK("secret", "exists", idFile)
	if r := env.PM("secret", "exists", "nosuch"); r.Code != 1 || r.Stdout != "" || r.Stderr != "" {
		t.Errorf("exists of a missing secret: %s", r)
	}

	// rm: by name, by ID; missing; --ignore; --all.
	if got := strings.TrimSpace(env.PMOK("secret", "rm", "s-file").Stdout); got != idFile {
		t.Errorf("rm printed %q, want the ID", got)
	}
	env.PM("secret", "rm", "s-file").ExpectError(t, 125, "no such secret")
	env.PM("secret", "inspect", "s-file").ExpectError(t, 125, "no such secret")
	env.PMOK("secret", "rm", "--ignore", "s-file", idStdin)
	if got := env.secretNames(); !equal(got, []string{"s-env"}) {
		t.Errorf("after rm: %q", got)
	}
	env.PM("secret", "rm").ExpectError(t, 125, "--all")
	env.PMOK("secret", "rm", "--all")
	if got := env.secretNames(); len(got) != 0 {
		t.Errorf("after rm --all: %q", got)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 0 {
		t.Errorf("rm left data files %q", files)
	}

	// Events of create and remove.
	ev := env.PMOK("events", "--stream=false", "--filter", "type=secret", "--format", "{{.Type}} {{.Status}} {{.Name}}").Stdout
	for _, want := range []string{"secret create s-file", "secret remove s-file", "secret create s-env", "secret remove s-env"} {
		if !strings.Contains(ev, want) {
			t.Errorf("events lack %q:\n%s", want, ev)
		}
	}
}

func TestSecretReplace(t *testing.T) {
	env := newEnv(t)
	id := env.createSecret("rep", "one", "--label", "v=1")
	env.PMStdin(strings.NewReader("two"), "secret", "create", "rep", "-").ExpectError(t, 125, "already in use")
	before := env.inspectSecret("rep")
	id2 := env.createSecret("rep", "two", "--replace", "--label", "v=2")
	if id2 != id {
		t.Errorf("--replace changed the ID: %s -> %s", id, id2)
	}
	after := env.inspectSecret("rep", "--showsecret")
	if after.SecretData != "two" || after.Spec.Labels["v"] != "2" || after.CreatedAt != before.CreatedAt || after.UpdatedAt == before.UpdatedAt {
		t.Errorf("after --replace: %+v (before %+v)", after, before)
	}
	files, _ := filepath.Glob(filepath.Join(after.Spec.Driver.Options["path"], "*"))
	if len(files) != 1 {
		t.Errorf("--replace left %q", files)
	}
	// --replace of a name not taken creates it.
	env.createSecret("fresh", "x", "--replace")
	env.PMOK("secret", "exists", "fresh")

	// --driver-opts path=DIR keeps the data elsewhere.
	custom := env.Path("custom-secrets")
	env.createSecret("elsewhere", "x", "--driver-opts", "path="+custom)
	if got := env.inspectSecret("elsewhere", "--showsecret"); got.SecretData != "x" || got.Spec.Driver.Options["path"] != custom {
		t.Errorf("secret with path=: %+v", got)
	}
	if files, _ := filepath.Glob(filepath.Join(custom, "*")); len(files) != 1 {
		t.Errorf("path= directory holds %q", files)
	}
	env.PMOK("secret", "rm", "elsewhere")
	if files, _ := filepath.Glob(filepath.Join(custom, "*")); len(files) != 0 {
		t.Errorf("rm left %q", files)
	}
}

func TestSecretCreateBadInput(t *testing.T) {
	env := newEnv(t)
	env.createSecret("taken", "data")
	big := env.Path("big")
	if err := os.WriteFile(big, make([]byte, 512001), 0o644); err != nil {
		t.Fatal(err)
	}
	limit := env.Path("limit")
	if err := os.WriteFile(limit, []byte(strings.Repeat("x", 512000)), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := env.Path("empty")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"taken", empty}, "empty"},
		{[]string{"new1", empty}, "empty"},
		{[]string{"new2", env.Path("nosuch")}, "does not exist"},
		{[]string{"new3", big}, "too large"},
		{[]string{"new4", env.Dir}, "is a directory"},
		{[]string{"bad/name", limit}, "invalid secret name"},
		{[]string{"--driver", "pass", "new5", limit}, "not supported"},
		{[]string{"--driver-opts", "bogus=1", "new6", limit}, "invalid driver option"},
		{[]string{"--env", "new7", "PM_NO_SUCH_VARIABLE"}, "is not set"},
		{[]string{"new8"}, "2 arg"},
	} {
		env.PM(append([]string{"secret", "create"}, tc.args...)...).ExpectError(t, 125, tc.want)
	}
	env.PMStdin(strings.NewReader("dup"), "secret", "create", "taken", "-").ExpectError(t, 125, "already in use")
	env.PMStdin(strings.NewReader(""), "secret", "create", "new9", "-").ExpectError(t, 125, "empty")
	if got := env.secretNames(); !equal(got, []string{"taken"}) {
		t.Errorf("bad input created secrets: %q", got)
	}
	if got := env.inspectSecret("taken", "--showsecret").SecretData; got != "data" {
		t.Errorf("a refused create changed the secret: %q", got)
	}
	// Exactly the limit is fine.
	env.PMOK("secret", "create", "limit", limit)
	dir := env.inspectSecret("taken").Spec.Driver.Options["path"]
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 2 {
		t.Errorf("data files after refused creates: %q", files)
	}
}

func TestSecretConcurrentCreate(t *testing.T) {
	env := newEnv(t)
	env.SetEnv("PM_TEST_SECRET=race")
	const n = 8
	res := env.parallel(n, func(i int) []string {
		return []string{"secret", "create", "--env", "same", "PM_TEST_SECRET"}
	})
	wins := 0
	for _, r := range res {
		switch {
		case r.Code == 0:
			wins++
		case r.Code != 125 || !strings.Contains(r.Stderr, "already in use"):
			t.Errorf("%s", r)
		}
	}
	if wins != 1 {
		t.Errorf("%d creates of one name succeeded, want 1", wins)
	}
	if got := env.PMOK("secret", "ls", "-q").Lines(); len(got) != 1 {
		t.Errorf("secrets after the race: %q", got)
	}
	dir := env.inspectSecret("same").Spec.Driver.Options["path"]
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 1 {
		t.Errorf("data files after the race: %q", files)
	}
}

func TestSecretRunMountAndEnv(t *testing.T) {
	env := ctrEnv(t)
	env.createSecret("pw", "hunter2")
	// Default: a file at /run/secrets/NAME, mode 0444, owned by root,
	// read-only.
	out := env.PMOK("run", "--rm", "--secret", "pw", "busybox", "sh", "-c",
		`cat /run/secrets/pw; echo; stat -c '%a %u:%g' /run/secrets/pw; (echo x > /run/secrets/pw) 2>/dev/null && echo writable; true`).Stdout
	if out != "hunter2\n444 0:0\n" {
		t.Errorf("default mount secret:\n%s", out)
	}
	// Target, uid, gid and mode, as the user sees them in the container.
	out = env.PMOK("run", "--rm", "--user", "1000:1000",
		"--secret", "pw,target=/etc/app/pw,uid=1000,gid=100,mode=0400",
		"--secret", "pw,target=rel/pw",
		"busybox", "sh", "-c", `cat /etc/app/pw; echo; stat -c '%a %u:%g' /etc/app/pw; cat /run/secrets/rel/pw`).Stdout
	if out != "hunter2\n400 1000:100\nhunter2" {
		t.Errorf("mount secret with target, uid, gid, mode:\n%q", out)
	}
	// Env: the secret's name, or target.
	out = env.PMOK("run", "--rm", "--secret", "pw,type=env", "--secret", "pw,type=env,target=DB_PASSWORD",
		"busybox", "sh", "-c", `echo "$pw $DB_PASSWORD"; ls /run/secrets 2>&1; true`).Stdout
	if !strings.HasPrefix(out, "hunter2 hunter2\n") || strings.Contains(out, "\npw") {
		t.Errorf("env secrets:\n%s", out)
	}
	// An env secret is not in the recorded configuration.
	env.PMOK("create", "--name", "envc", "--secret", "pw,type=env,target=DB_PASSWORD", "busybox", "true")
	if insp := env.PMOK("inspect", "envc").Stdout; strings.Contains(insp, "hunter2") {
		t.Errorf("inspect shows the secret's data:\n%s", insp)
	}
}

func TestSecretRunInspectRestartRemoved(t *testing.T) {
	env := ctrEnv(t)
	env.createSecret("keep", "v1")
	env.PMOK("run", "-d", "--name", "c1", "--secret", "keep,mode=0440,uid=1,gid=2", "--secret", "keep,type=env,target=K", "busybox", "sleep", "1000")
	var ins []struct {
		Config struct {
			Secrets []struct {
				Name, ID, Type, Target string
				UID, GID, Mode         uint32
			}
		}
	}
	decodeJSON(t, env.PMOK("inspect", "c1").Stdout, &ins)
	if len(ins) != 1 || len(ins[0].Config.Secrets) != 2 {
		t.Fatalf("inspect .Config.Secrets: %+v", ins)
	}
	s := ins[0].Config.Secrets[0]
	if s.Name != "keep" || !secretIDRe.MatchString(s.ID) || s.Type != "mount" || s.Target != "/run/secrets/keep" ||
		s.UID != 1 || s.GID != 2 || s.Mode != 0o440 {
		t.Errorf("inspect secret: %+v", s)
	}
	if e := ins[0].Config.Secrets[1]; e.Type != "env" || e.Target != "K" {
		t.Errorf("inspect env secret: %+v", e)
	}
	read := func() string {
		return env.PMOK("exec", "c1", "sh", "-c", `cat /run/secrets/keep; stat -c ' %a %u:%g' /run/secrets/keep; cat /proc/1/environ | tr '\0' '\n' | grep ^K=`).Stdout
	}
	if got := read(); got != "v1 440 1:2\nK=v1\n" {
		t.Errorf("before restart: %q", got)
	}
	env.PMOK("restart", "-t", "0", "c1")
	if got := read(); got != "v1 440 1:2\nK=v1\n" {
		t.Errorf("after restart: %q", got)
	}
	// Replacing or removing the secret does not change the container,
	// even across a restart.
	env.createSecret("keep", "v2", "--replace")
	env.PMOK("secret", "rm", "keep")
	env.PMOK("restart", "-t", "0", "c1")
	if got := read(); got != "v1 440 1:2\nK=v1\n" {
		t.Errorf("after the secret was removed: %q", got)
	}
	// A new secret of the same name is new containers' only.
	env.createSecret("keep", "v3")
	if got := env.PMOK("run", "--rm", "--secret", "keep", "busybox", "cat", "/run/secrets/keep").Stdout; got != "v3" {
		t.Errorf("new secret of the same name: %q", got)
	}
	if got := read(); got != "v1 440 1:2\nK=v1\n" {
		t.Errorf("old container after the name was reused: %q", got)
	}
}

func TestSecretRunBadInput(t *testing.T) {
	env := ctrEnv(t)
	env.createSecret("ok", "data")
	before := env.psIDs()
	for _, tc := range []struct {
		secret, want string
	}{
		{"nosuch", "no such secret"},
		{"ok,bogus=1", "unknown option"},
		{"ok,mode=999", "octal mode"},
		{"ok,mode=rw", "octal mode"},
		{"ok,uid=x", "uid must be a number"},
		{"ok,type=env,uid=0", "type=mount only"},
		{"ok,type=env,mode=0400", "type=mount only"},
		{"ok,type=file", "type must be mount or env"},
		{"ok,target", "key=value"},
	} {
		for _, verb := range []string{"run", "create"} {
			env.PM(verb, "--name", "bad", "--secret", tc.secret, "busybox", "true").ExpectError(t, 125, tc.want)
		}
	}
	env.PM("run", "--secret", "ok", "--secret", "ok", "busybox", "true").ExpectError(t, 125, "duplicate mount destination")
	env.PM("run", "--secret", "ok,target=/x", "-v", env.Dir+":/x", "busybox", "true").ExpectError(t, 125, "duplicate mount destination")
	env.expectNoNewContainers(before, "bad --secret")
	// A missing secret with --replace of an existing container removes
	// nothing.
	env.PMOK("create", "--name", "keepme", "busybox", "true")
	before = env.psIDs()
	env.PM("run", "--replace", "--name", "keepme", "--secret", "nosuch", "busybox", "true").ExpectError(t, 125, "no such secret")
	env.expectNoNewContainers(before, "bad --secret")
	if got := env.secretNames(); !equal(got, []string{"ok"}) {
		t.Errorf("secrets after bad runs: %q", got)
	}
}
