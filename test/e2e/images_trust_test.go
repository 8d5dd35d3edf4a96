package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestImageTrust: image trust set writes the requirement of a scope into
// the policy file (--policypath or the user's), image trust show
// describes it as a table, JSON or the file as it is, and pulls obey it.
func TestImageTrust(t *testing.T) {
	env := newEnv(t)
	pol := filepath.Join(env.userDir("trust"), "policy.json")

	// No policy file anywhere: the built-in default accepts anything.
	if out := env.PMOK("image", "trust", "show").Stdout; !regexp.MustCompile(`(?m)^all +default +accept`).MatchString(out) {
		t.Errorf("show without a policy file: %q", out)
	}
	env.PM("image", "trust", "set", "--policypath", pol, "--type", "bogus", "default").ExpectError(t, 125, "invalid choice: bogus")
	env.PM("image", "trust", "set", "--policypath", pol, "--type", "reject", "docker.io").ExpectError(t, 125, "default trust policy must be set")
	env.PM("image", "trust", "set", "--policypath", pol, "--type", "signedBy", "docker.io").ExpectError(t, 125, "at least one public key")
	env.PM("image", "trust", "set", "--policypath", pol, "--type", "accept", "-f", pol, "docker.io").ExpectError(t, 125, "public keys unexpectedly provided")
	env.PM("image", "trust", "set", "--policypath", pol, "--type", "accept", "http://x y").ExpectError(t, 125, "invalid image uri")
	if _, err := os.Stat(pol); err == nil {
		t.Fatalf("a refused set wrote %s", pol)
	}

	env.PMOK("image", "trust", "set", "--policypath", pol, "--type", "accept", "default")
	if out := env.PMOK("image", "trust", "show", "--policypath", pol).Stdout; !regexp.MustCompile(`(?m)^all +default +accept`).MatchString(out) {
		t.Errorf("default accept: %q", out)
	}
	env.PMOK("image", "trust", "set", "--policypath", pol, "-t", "reject", "default")
	env.PMOK("image", "trust", "set", "--policypath", pol, "-t", "reject", "docker.io")
	out := env.PMOK("image", "trust", "show", "--policypath", pol).Stdout
	if !regexp.MustCompile(`(?m)^TRANSPORT +NAME +TYPE +ID +STORE\n`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^all +default +reject`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^repository +docker.io +reject`).MatchString(out) {
		t.Errorf("show: %q", out)
	}
	if out := env.PMOK("image", "trust", "show", "-n", "--policypath", pol, "docker.io").Stdout; !regexp.MustCompile(`^repository +docker.io +reject *\n$`).MatchString(out) {
		t.Errorf("show -n docker.io: %q", out)
	}
	env.PMOK("image", "trust", "set", "--policypath", pol, "-t", "accept", "docker.io")
	var pols []struct {
		Transport string `json:"transport"`
		Name      string `json:"name"`
		RepoName  string `json:"repo_name"`
		Type      string `json:"type"`
	}
	if err := json.Unmarshal([]byte(env.PMOK("image", "trust", "show", "--policypath", pol, "--json").Stdout), &pols); err != nil {
		t.Fatal(err)
	}
	if len(pols) != 2 || pols[0].RepoName != "default" || pols[0].Name != "* (default)" || pols[0].Type != "reject" ||
		pols[1].Transport != "repository" || pols[1].RepoName != "docker.io" || pols[1].Type != "accept" {
		t.Errorf("show --json: %+v", pols)
	}
	file, err := os.ReadFile(pol)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(file), `"insecureAcceptAnything"`) {
		t.Errorf("accept should be written as insecureAcceptAnything: %s", file)
	}
	if raw := env.PMOK("image", "trust", "show", "--policypath", pol, "--raw").Stdout; strings.TrimSpace(raw) != strings.TrimSpace(string(file)) {
		t.Errorf("show --raw = %q, the file is %q", raw, file)
	}

	// Without --policypath: the user's policy.json, made from the built-in
	// default; pulls obey it.
	scope := env.Registry + "/busybox"
	env.PMOK("image", "trust", "set", "-t", "reject", scope)
	user := filepath.Join(env.ConfigHome, "containers", "policy.json")
	if out := env.PMOK("image", "trust", "show").Stdout; !regexp.MustCompile(`(?m)^all +default +accept`).MatchString(out) ||
		!strings.Contains(out, scope) {
		t.Errorf("show of the user's policy (%s): %q", user, out)
	}
	if _, err := os.Stat(user); err != nil {
		t.Errorf("the user's policy file: %v", err)
	}
	env.PM("pull", "-q", scope).ExpectError(t, 125, "rejected")
	env.PMOK("image", "trust", "set", "-t", "accept", scope)
	env.pull(scope)
}
