package e2e

import (
	"os"
	"strings"
	"testing"
)

// TestSearch: pm search reads the test registry's v2 catalog, from the
// unqualified-search registries or the registry the term names; tags,
// limits, filters and formats.
func TestSearch(t *testing.T) {
	env := newEnv(t)
	res := env.PMOK("search", "multilayer")
	lines := res.Lines()
	if len(lines) < 2 || strings.Fields(lines[0])[0] != "NAME" || strings.Fields(lines[0])[1] != "DESCRIPTION" ||
		!contains(fieldsAt(lines[1:], 0), registry+"/multilayer") {
		t.Errorf("search multilayer: want a NAME/DESCRIPTION table with %s/multilayer:\n%s", registry, res.Stdout)
	}
	if got := env.PMOK("image", "search", "--limit", "2", registry+"/").Lines(); len(got) != 3 {
		t.Errorf("search --limit 2 REGISTRY/: %d lines, want a header and 2 results:\n%q", len(got), got)
	}
	if got := env.PMOK("search", "--format", "{{.Index}}|{{.Name}}", registry+"/volimg").Stdout; !strings.Contains(got, registry+"|"+registry+"/volimg\n") {
		t.Errorf("search --format: %q", got)
	}
	var js []struct{ Index, Name, Description string }
	decodeJSON(t, env.PMOK("search", "--format", "json", "entry").Stdout, &js)
	found := false
	for _, r := range js {
		found = found || (r.Name == registry+"/entry" && r.Index == registry)
	}
	if !found {
		t.Errorf("search --format json entry: %+v", js)
	}

	if got := env.PMOK("search", "--list-tags", "busybox").Lines(); len(got) != 2 || strings.Join(strings.Fields(got[0]), " ") != "NAME TAG" ||
		strings.Join(strings.Fields(got[1]), " ") != registry+"/busybox latest" {
		t.Errorf("search --list-tags busybox: %q", got)
	}
	var tags []struct {
		Name string
		Tags []string
	}
	decodeJSON(t, env.PMOK("search", "--list-tags", "--format", "json", registry+"/busybox").Stdout, &tags)
	if len(tags) != 1 || tags[0].Name != registry+"/busybox" || !equal(tags[0].Tags, []string{"latest"}) {
		t.Errorf("search --list-tags --format json: %+v", tags)
	}

	// Filters: catalog results have no stars and are not official.
	if got := env.PMOK("search", "--filter", "stars=0", "--format", "{{.Name}}", registry+"/entry").Stdout; got != registry+"/entry\n" {
		t.Errorf("search --filter stars=0: %q", got)
	}
	for _, f := range []string{"is-official", "stars=1", "is-automated=true"} {
		if got := env.PMOK("search", "--filter", f, "entry").Stdout; got != "" {
			t.Errorf("search --filter %s: %q, want nothing", f, got)
		}
	}
	if got := env.PMOK("search", "no-repository-is-named-so").Stdout; got != "" {
		t.Errorf("search with no match printed %q", got)
	}
}

// fieldsAt returns the i-th field of each line.
func fieldsAt(lines []string, i int) []string {
	var out []string
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > i {
			out = append(out, f[i])
		}
	}
	return out
}

// TestSearchBadInput: bad filters, limits and names, an HTTPS check of a
// plain-HTTP registry, an unreachable registry and no registry at all exit
// 125 with one line.
func TestSearchBadInput(t *testing.T) {
	env := newEnv(t)
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"search", "--filter", "foo=1", "busybox"}, `invalid filter type "foo=1"`},
		{[]string{"search", "--filter", "stars=many", "busybox"}, `invalid filter "stars=many"`},
		{[]string{"search", "--filter", "is-official=maybe", "busybox"}, "is-official=true or is-official=false"},
		{[]string{"search", "--list-tags", "--filter", "stars=1", "busybox"}, "filters are not applicable to list tags result"},
		{[]string{"search", "--limit", "-1", "busybox"}, "invalid --limit -1"},
		{[]string{"search", "--list-tags", registry + "/nosuch"}, "listing tags of " + registry + "/nosuch"},
		{[]string{"search", "--list-tags", "busybox:latest"}, "without a tag"},
		{[]string{"search", "--tls-verify=true", registry + "/busybox"}, "searching registry " + registry},
		{[]string{"search", "127.0.0.1:1/busybox"}, "searching registry 127.0.0.1:1"},
		{[]string{"search", "--authfile", "/nonexistent/auth.json", "busybox"}, "credential file is not accessible"},
		{[]string{"search"}, "requires exactly 1 arg(s)"},
	} {
		env.PM(c.args...).ExpectError(t, 125, c.msg)
	}
	// No registry in the term and none configured.
	conf := env.Path("empty-registries.conf")
	if err := os.WriteFile(conf, []byte("unqualified-search-registries = []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env.SetEnv("CONTAINERS_REGISTRIES_CONF=" + conf)
	env.PM("search", "busybox").ExpectError(t, 125, "no registry to search")
}
