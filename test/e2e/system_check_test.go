package e2e

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// pmRunDir is the environment's pm runtime directory (--tmpdir).
func (e *Env) pmRunDir() string { return filepath.Join(e.RuntimeDir, "pm") }

// dropStorageEntry removes the entry with id from one of storage's JSON
// lists (overlay-containers/containers.json, overlay-layers/layers.json),
// as a crash between storage's writes would leave it.
func (e *Env) dropStorageEntry(file, id string) {
	e.t.Helper()
	path := filepath.Join(e.graphRoot(), file)
	b, err := os.ReadFile(path)
	if err != nil {
		e.t.Fatal(err)
	}
	var entries []map[string]any
	if err := json.Unmarshal(b, &entries); err != nil {
		e.t.Fatalf("%s: %v", path, err)
	}
	var kept []map[string]any
	for _, en := range entries {
		if en["id"] != id {
			kept = append(kept, en)
		}
	}
	if len(kept) == len(entries) {
		e.t.Fatalf("%s has no entry %s", path, id)
	}
	if kept == nil {
		kept = []map[string]any{}
	}
	if b, err = json.Marshal(kept); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		e.t.Fatal(err)
	}
}

// stateSQL runs statements on the environment's state database with no pm
// running, as the damage a crash or a bug would leave.
func (e *Env) stateSQL(stmts ...string) {
	e.t.Helper()
	path := filepath.Join(e.graphRoot(), "pm", "state.db")
	db, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=off")
	if err != nil {
		e.t.Fatal(err)
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			db.Close()
			e.t.Fatalf("%s: %v", s, err)
		}
	}
	if err := db.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.ownAll(filepath.Dir(path))
}

// ownAll gives the environment's user what root made under dir.
func (e *Env) ownAll(dir string) {
	e.t.Helper()
	if !isRoot || e.root {
		return
	}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, e.User.UID, e.User.GID)
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// oldFile makes a runtime file (a directory when dir) two minutes old.
func (e *Env) oldFile(path string, dir bool) {
	e.t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		e.t.Fatal(err)
	}
	e.ownAll(filepath.Dir(path))
	var err error
	if dir {
		err = os.MkdirAll(path, 0o700)
	} else {
		err = os.WriteFile(path, []byte("0"), 0o600)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Minute)
	if err := os.Chtimes(path, old, old); err != nil {
		e.t.Fatal(err)
	}
	e.ownAll(path)
}

// TestSystemCheck: damage a crash could leave (a container without its
// storage, storage without its container, a layer no one uses, stale
// runtime files, a database reference to nothing, an image without its
// layer) is reported with Podman's messages and exit codes, repaired with
// --repair, and with --force where that loses containers.
func TestSystemCheck(t *testing.T) {
	env := ctrEnv(t)
	res := env.PMOK("system", "check")
	if res.Stdout != "" {
		t.Errorf("system check of sound storage printed %q", res.Stdout)
	}
	c1 := strings.TrimSpace(env.PMOK("create", "--name", "c1", "busybox", "true").Stdout)
	c2 := strings.TrimSpace(env.PMOK("create", "--name", "c2", "busybox", "true").Stdout)
	env.dropStorageEntry("overlay-containers/containers.json", c1)
	env.stateSQL("DELETE FROM containers WHERE id = '" + c2 + "'")
	stale := strings.Repeat("ab", 32)
	env.oldFile(filepath.Join(env.pmRunDir(), "containers", stale), true)
	env.oldFile(filepath.Join(env.pmRunDir(), "exits", stale), false)

	res = env.PM("system", "check")
	if res.Code != 125 || res.Stderr != "Error: damage detected in local storage\n" ||
		!strings.Contains(res.Stdout, "Damaged container "+c1+":\n1 error occurred:\n\t* its storage container (root filesystem) is missing\n\n") ||
		!strings.Contains(res.Stdout, "Stale runtime files of removed container "+stale+":\n2 errors occurred:\n") ||
		strings.Contains(res.Stdout, c2) {
		t.Errorf("system check: %s", res)
	}
	// --max 0s: the storage pm has no record of counts at once.
	res = env.PM("system", "check", "--quick", "--max", "0s")
	if res.Code != 125 || !strings.Contains(res.Stdout, "Damaged container "+c2+":") || !strings.Contains(res.Stdout, "pm has no record of this storage container") ||
		!strings.Contains(res.Stdout, "Damaged layer ") {
		t.Errorf("system check --max 0s: %s", res)
	}
	// --repair removes what loses nothing; c1 needs --force.
	res = env.PM("system", "check", "--repair", "--max", "0s")
	if res.Code != 125 || res.Stderr != "Error: damage in local storage still present after repair attempt\n" ||
		!strings.Contains(res.Stdout, "Deleted damaged container: "+c2+"\n") ||
		!strings.Contains(res.Stdout, "Deleted stale runtime files of removed container: "+stale+"\n") {
		t.Errorf("system check --repair: %s", res)
	}
	for _, p := range []string{filepath.Join(env.pmRunDir(), "containers", stale), filepath.Join(env.pmRunDir(), "exits", stale)} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s after repair: %v", p, err)
		}
	}
	if got := env.psIDs(); !equal(got, []string{c1}) {
		t.Errorf("containers after --repair: %q, want c1 kept for --force", got)
	}
	res = env.PM("system", "check", "-r", "-f", "-m", "0s")
	if res.Code != 0 || !strings.Contains(res.Stdout, "Deleted damaged container: "+c1+"\n") {
		t.Errorf("system check --repair --force: %s", res)
	}
	if got := env.psIDs(); len(got) != 0 {
		t.Errorf("containers after --force: %q", got)
	}
	if res := env.PMOK("system", "check", "--max", "0s"); res.Stdout != "" {
		t.Errorf("system check after repairs printed %q", res.Stdout)
	}

	// A database reference to a missing pod: reported, not repairable.
	c3 := strings.TrimSpace(env.PMOK("create", "--name", "c3", "busybox", "true").Stdout)
	env.stateSQL("UPDATE containers SET pod_id = 'nosuchpod' WHERE id = '" + c3 + "'")
	res = env.PM("system", "check", "--repair")
	if res.Code != 125 || !strings.Contains(res.Stdout, "Damaged state database:\n1 error occurred:\n\t* a row of containers refers to a missing row of pods\n") {
		t.Errorf("system check of a broken reference: %s", res)
	}
	env.stateSQL("UPDATE containers SET pod_id = NULL WHERE id = '" + c3 + "'")
	env.PMOK("rm", "c3")

	// An image whose layer is gone is damaged; --repair removes it.
	id := strings.TrimSpace(env.PMOK("image", "inspect", "--format", "{{.ID}}", "busybox").Stdout)
	top := strings.TrimSpace(env.PMOK("image", "inspect", "--format", "{{index .RootFS.Layers 0}}", "busybox").Stdout)
	env.dropStorageEntry("overlay-layers/layers.json", strings.TrimPrefix(top, "sha256:"))
	res = env.PM("system", "check", "--quick")
	if res.Code != 125 || !strings.Contains(res.Stdout, "Damaged image "+id+":") {
		t.Errorf("system check of an image without its layer: %s", res)
	}
	res = env.PMOK("system", "check", "--quick", "--repair")
	if !strings.Contains(res.Stdout, "Deleted damaged image: "+id+"\n") {
		t.Errorf("system check --repair of a damaged image: %s", res)
	}
	if res := env.PM("image", "exists", id); res.Code != 1 {
		t.Errorf("damaged image after repair: exists exit %d", res.Code)
	}

	env.PM("system", "check", "--max", "-1s").ExpectError(t, 125, "invalid --max -1s")
	env.PM("system", "check", "extra").ExpectError(t, 125, "")
}
