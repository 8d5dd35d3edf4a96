package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

var (
	fixtureIDsOnce sync.Once
	fixtureIDs     map[string]string // "busybox:latest" -> 64-hex image ID
)

// fixtureID returns the image ID (the config digest, 64 hex) of a test image
// of the OCI layout, e.g. fixtureID(t, "busybox").
func fixtureID(t testing.TB, name string) string {
	t.Helper()
	fixtureIDsOnce.Do(func() {
		fixtureIDs = map[string]string{}
		layout := filepath.Join(fixturesDir, "oci")
		var index struct {
			Manifests []struct {
				Digest      string
				Annotations map[string]string
			}
		}
		data, err := os.ReadFile(filepath.Join(layout, "index.json"))
		if err != nil || json.Unmarshal(data, &index) != nil {
			return
		}
		for _, m := range index.Manifests {
			var man struct{ Config struct{ Digest string } }
			b, err := os.ReadFile(filepath.Join(layout, "blobs", strings.Replace(m.Digest, ":", "/", 1)))
			if err != nil || json.Unmarshal(b, &man) != nil {
				continue
			}
			fixtureIDs[m.Annotations["org.opencontainers.image.ref.name"]] = strings.TrimPrefix(man.Config.Digest, "sha256:")
		}
	})
	if !strings.Contains(name, ":") {
		name += ":latest"
	}
	id := fixtureIDs[name]
	if id == "" {
		t.Fatalf("no fixture image %s", name)
	}
	return id
}

// pull pulls ref quietly, checks that it printed the image's ID and
// returns it.
func (e *Env) pull(ref string) string {
	e.t.Helper()
	res := e.PMOK("pull", "-q", ref)
	lines := res.Lines()
	if len(lines) == 0 || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(lines[len(lines)-1]) {
		e.t.Fatalf("pm pull -q %s: last line of stdout is not an image ID: %q", ref, res.Stdout)
	}
	return lines[len(lines)-1]
}

// imageIDs returns the sorted full IDs (without "sha256:") `pm images` lists.
func (e *Env) imageIDs() []string {
	e.t.Helper()
	res := e.PMOK("images", "-q", "--no-trunc")
	var ids []string
	for _, l := range res.Lines() {
		ids = append(ids, strings.TrimPrefix(strings.TrimSpace(l), "sha256:"))
	}
	sort.Strings(ids)
	return compact(ids)
}

// imageNames returns the sorted REPOSITORY:TAG of every image.
func (e *Env) imageNames() []string {
	e.t.Helper()
	res := e.PMOK("images", "--format", "{{.Repository}}:{{.Tag}}")
	names := res.Lines()
	sort.Strings(names)
	return names
}

func compact(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func sortedCopy(s ...string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

func equal(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

// inspectImage returns the parsed `pm image inspect` of one image.
func (e *Env) inspectImage(name string) imageInspect {
	e.t.Helper()
	res := e.PMOK("image", "inspect", name)
	var out []imageInspect
	decodeJSON(e.t, res.Stdout, &out)
	if len(out) != 1 {
		e.t.Fatalf("pm image inspect %s: %d entries, want 1", name, len(out))
	}
	return out[0]
}

// imageInspect is the part of Podman's image inspect output the tests read.
type imageInspect struct {
	ID           string `json:"Id"`
	Digest       string
	RepoTags     []string
	RepoDigests  []string
	Architecture string
	Os           string
	Size         int64
	Config       struct {
		Cmd          []string
		Entrypoint   []string
		Env          []string
		Labels       map[string]string
		ExposedPorts map[string]any
		WorkingDir   string
	}
	RootFS struct {
		Type   string
		Layers []string
	}
	History []struct {
		CreatedBy string `json:"created_by"`
	}
}
