package state

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

var testPaths = Paths{GraphRoot: "/g", RunRoot: "/r", VolumePath: "/g/volumes"}

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "sub", "state.db"), testPaths)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func update(t *testing.T, db *DB, fn func(tx *Tx) error) {
	t.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func ctr(id, name, pod string) *ContainerRecord {
	return &ContainerRecord{ID: id, Name: name, PodID: pod, Config: []byte(`{"c":1}`), State: []byte(`{"s":1}`), Created: time.Now()}
}

func TestOpenCreates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	path := filepath.Join(dir, "state.db")
	db, err := Open(path, testPaths)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for p, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, path: 0o600} {
		if st, err := os.Stat(p); err != nil || st.Mode() != want {
			t.Errorf("%s: mode %v, err %v; want %v", p, st.Mode(), err, want)
		}
	}
	info, err := db.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.SchemaVersion != SchemaVersion || info.Path != path || info.Containers != 0 {
		t.Errorf("info = %+v", info)
	}
	var mode string
	db.db.QueryRow("PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal_mode = %q", mode)
	}
}

func TestContainerCRUD(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	update(t, db, func(tx *Tx) error {
		if err := tx.AddPod(&PodRecord{ID: "p1", Name: "pod", Created: time.Now()}); err != nil {
			return err
		}
		if err := tx.AddContainer(ctr("c1", "web", "")); err != nil {
			return err
		}
		return tx.AddContainer(ctr("c2", "db", "p1"))
	})
	update(t, db, func(tx *Tx) error {
		if err := tx.UpdateContainer("c1", nil, []byte(`{"s":2}`)); err != nil {
			return err
		}
		return tx.UpdateContainer("c2", []byte(`{"c":3}`), nil)
	})
	err := db.View(ctx, func(tx *Tx) error {
		c1, err := tx.GetContainer("c1")
		if err != nil {
			return err
		}
		if string(c1.Config) != `{"c":1}` || string(c1.State) != `{"s":2}` || c1.PodID != "" {
			t.Errorf("c1 = %+v", c1)
		}
		c2, err := tx.LookupContainer("db")
		if err != nil {
			return err
		}
		if string(c2.Config) != `{"c":3}` || string(c2.State) != `{"s":1}` || c2.PodID != "p1" {
			t.Errorf("c2 = %+v", c2)
		}
		list, err := tx.ListContainers()
		if err != nil || len(list) != 2 || list[0].ID != "c1" {
			t.Errorf("list = %v, %v", list, err)
		}
		inPod, err := tx.ContainersOfPod("p1")
		if err != nil || len(inPod) != 1 || inPod[0].ID != "c2" {
			t.Errorf("pod containers = %v, %v", inPod, err)
		}
		if err := tx.UpdateContainer("c1", nil, []byte("x")); err == nil {
			t.Error("write in a read transaction succeeded")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Removing a pod with containers fails; removing a container frees its
	// name and deletes its exec sessions.
	err = db.Update(ctx, func(tx *Tx) error { return tx.RemovePod("p1") })
	if !errors.Is(err, define.ErrInvalidState) {
		t.Errorf("RemovePod with containers: %v", err)
	}
	update(t, db, func(tx *Tx) error {
		return tx.AddExecSession(&ExecSessionRecord{ID: "e1", ContainerID: "c2"})
	})
	update(t, db, func(tx *Tx) error {
		if err := tx.RemoveContainer("c2"); err != nil {
			return err
		}
		if err := tx.RemovePod("p1"); err != nil {
			return err
		}
		return tx.AddContainer(ctr("c3", "db", ""))
	})
	db.View(ctx, func(tx *Tx) error {
		if _, err := tx.GetExecSession("e1"); !errors.Is(err, define.ErrNoSuchExec) {
			t.Errorf("exec session after container removal: %v", err)
		}
		if _, err := tx.GetContainer("c2"); !errors.Is(err, define.ErrNoSuchCtr) {
			t.Errorf("removed container: %v", err)
		}
		return nil
	})
	for name, fn := range map[string]func(tx *Tx) error{
		"remove missing":    func(tx *Tx) error { return tx.RemoveContainer("nope") },
		"update missing":    func(tx *Tx) error { return tx.UpdateContainer("nope", nil, []byte("{}")) },
		"container bad pod": func(tx *Tx) error { return tx.AddContainer(ctr("c9", "x", "nopod")) },
		"exec bad ctr":      func(tx *Tx) error { return tx.AddExecSession(&ExecSessionRecord{ID: "e9", ContainerID: "nope"}) },
	} {
		if err := db.Update(ctx, fn); !errors.Is(err, define.ErrNotFound) {
			t.Errorf("%s: err = %v, want not found", name, err)
		}
	}
}

func TestNamesUniqueAcrossKinds(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	update(t, db, func(tx *Tx) error { return tx.AddContainer(ctr("1a2b3c", "web", "")) })
	tests := []struct {
		name string
		fn   func(tx *Tx) error
		want string
	}{
		{"container", func(tx *Tx) error { return tx.AddContainer(ctr("ffff", "web", "")) }, `the container name "web" is already in use by 1a2b3c. You have to remove that container to be able to reuse that name: that name is already in use`},
		{"pod", func(tx *Tx) error { return tx.AddPod(&PodRecord{ID: "eeee", Name: "web"}) }, `the name "web" is already in use by container 1a2b3c`},
		{"rename", func(tx *Tx) error {
			if err := tx.AddPod(&PodRecord{ID: "dddd", Name: "mypod"}); err != nil {
				return err
			}
			return tx.RenameContainer("1a2b3c", "mypod")
		}, `the name "mypod" is already in use by pod dddd`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Update(ctx, tt.fn)
			if !errors.Is(err, define.ErrNameInUse) || !errors.Is(err, define.ErrAlreadyExists) {
				t.Fatalf("err = %v, want ErrNameInUse", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want %q", err, tt.want)
			}
		})
	}
	// A failed transaction left nothing behind; a duplicate ID is reported.
	err := db.Update(ctx, func(tx *Tx) error { return tx.AddContainer(ctr("1a2b3c", "other", "")) })
	if !errors.Is(err, define.ErrAlreadyExists) || errors.Is(err, define.ErrNameInUse) {
		t.Errorf("duplicate ID: %v", err)
	}
	update(t, db, func(tx *Tx) error {
		if err := tx.RenameContainer("1a2b3c", "web2"); err != nil {
			return err
		}
		return tx.AddPod(&PodRecord{ID: "cccc", Name: "web"})
	})
	db.View(ctx, func(tx *Tx) error {
		pods, _ := tx.ListPods()
		if len(pods) != 1 || pods[0].Name != "web" {
			t.Errorf("pods = %+v", pods)
		}
		return nil
	})
}

func TestLookup(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	update(t, db, func(tx *Tx) error {
		for _, c := range []*ContainerRecord{ctr("abc123", "one", ""), ctr("abd456", "two", ""), ctr("fed789", "abc", "")} {
			if err := tx.AddContainer(c); err != nil {
				return err
			}
		}
		return tx.AddPod(&PodRecord{ID: "abc999", Name: "p"})
	})
	tests := []struct {
		in, want string
		err      error
	}{
		{"abc123", "abc123", nil},
		{"one", "abc123", nil},
		{"abc", "fed789", nil}, // an exact name beats a prefix
		{"abd", "abd456", nil},
		{"fe", "fed789", nil},
		{"ab", "", define.ErrInvalidArg},
		{"zzz", "", define.ErrNoSuchCtr},
		{"a*", "", define.ErrNoSuchCtr},
		{"", "", define.ErrNoSuchCtr},
	}
	db.View(ctx, func(tx *Tx) error {
		for _, tt := range tests {
			r, err := tx.LookupContainer(tt.in)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Errorf("LookupContainer(%q) err = %v, want %v", tt.in, err, tt.err)
				}
				continue
			}
			if err != nil || r.ID != tt.want {
				t.Errorf("LookupContainer(%q) = %v, %v; want %s", tt.in, r, err, tt.want)
			}
		}
		if p, err := tx.LookupPod("abc"); err != nil || p.ID != "abc999" {
			t.Errorf("LookupPod(abc) = %v, %v", p, err)
		}
		if _, err := tx.LookupPod("one"); !errors.Is(err, define.ErrNoSuchPod) {
			t.Errorf("LookupPod(one) err = %v", err)
		}
		return nil
	})
}

func TestVolumes(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	update(t, db, func(tx *Tx) error {
		return tx.AddVolume(&VolumeRecord{Name: "data", Config: []byte("{}"), Created: time.Now()})
	})
	if err := db.Update(ctx, func(tx *Tx) error { return tx.AddVolume(&VolumeRecord{Name: "data"}) }); !errors.Is(err, define.ErrAlreadyExists) {
		t.Errorf("duplicate volume: %v", err)
	}
	update(t, db, func(tx *Tx) error { return tx.UpdateVolume("data", nil, []byte(`{"m":1}`)) })
	db.View(ctx, func(tx *Tx) error {
		v, err := tx.LookupVolume("data")
		if err != nil || string(v.State) != `{"m":1}` {
			t.Errorf("volume = %+v, %v", v, err)
		}
		if _, err := tx.LookupVolume("dat"); !errors.Is(err, define.ErrNoSuchVolume) {
			t.Errorf("prefix lookup of a volume: %v", err)
		}
		return nil
	})
	update(t, db, func(tx *Tx) error { return tx.RemoveVolume("data") })
	db.View(ctx, func(tx *Tx) error {
		if l, err := tx.ListVolumes(); err != nil || len(l) != 0 {
			t.Errorf("volumes = %v, %v", l, err)
		}
		return nil
	})
}

func TestExecSessions(t *testing.T) {
	db := openTest(t)
	update(t, db, func(tx *Tx) error {
		if err := tx.AddContainer(ctr("c1", "web", "")); err != nil {
			return err
		}
		for _, id := range []string{"e2", "e1"} {
			if err := tx.AddExecSession(&ExecSessionRecord{ID: id, ContainerID: "c1", Config: []byte("{}")}); err != nil {
				return err
			}
		}
		if err := tx.UpdateExecSession("e1", nil, []byte(`{"pid":7}`)); err != nil {
			return err
		}
		return tx.RemoveExecSession("e2")
	})
	db.View(context.Background(), func(tx *Tx) error {
		l, err := tx.ExecSessionsOfContainer("c1")
		if err != nil || len(l) != 1 || string(l[0].State) != `{"pid":7}` {
			t.Errorf("sessions = %+v, %v", l, err)
		}
		return nil
	})
}

func TestRollback(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := db.Update(ctx, func(tx *Tx) error {
		if err := tx.AddContainer(ctr("c1", "web", "")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	info, _ := db.Info(ctx)
	if info.Containers != 0 {
		t.Errorf("rolled back container is present: %+v", info)
	}
}

func TestPathMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := Open(path, testPaths)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	tests := []struct {
		name    string
		paths   Paths
		wantErr string
	}{
		{"same", testPaths, ""},
		{"graph root", Paths{GraphRoot: "/other", RunRoot: "/r", VolumePath: "/g/volumes"},
			`database at ` + path + ` was created with graph root "/g", not "/other": use --root /g or remove the database`},
		{"run root", Paths{GraphRoot: "/g", RunRoot: "/x", VolumePath: "/g/volumes"}, `run root "/r", not "/x"`},
		{"volume path", Paths{GraphRoot: "/g", RunRoot: "/r", VolumePath: "/v"}, `volume path "/g/volumes", not "/v"`},
		{"driver filled", Paths{GraphRoot: "/g", RunRoot: "/r", VolumePath: "/g/volumes", GraphDriver: "overlay"}, ""},
		{"driver unknown yet", testPaths, ""},
		{"driver differs", Paths{GraphRoot: "/g", RunRoot: "/r", VolumePath: "/g/volumes", GraphDriver: "vfs"}, `graph driver "overlay", not "vfs"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(path, tt.paths)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				db.Close()
				return
			}
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, define.ErrDBMismatch) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want ErrDBMismatch containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := Open(path, testPaths)
	if err != nil {
		t.Fatal(err)
	}
	db.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+1))
	db.Close()
	if _, err := Open(path, testPaths); !errors.Is(err, define.ErrUnsupported) {
		t.Errorf("err = %v, want unsupported", err)
	}
}

func TestContainerSpecColumn(t *testing.T) {
	db := openTest(t)
	rec := ctr("aaa111", "withspec", "")
	rec.Spec = []byte(`{"ociVersion":"1.3.0"}`)
	update(t, db, func(tx *Tx) error { return tx.AddContainer(rec) })
	update(t, db, func(tx *Tx) error { return tx.AddContainer(ctr("bbb222", "nospec", "")) })
	err := db.View(context.Background(), func(tx *Tx) error {
		got, err := tx.LookupContainer("withspec")
		if err != nil {
			return err
		}
		if string(got.Spec) != `{"ociVersion":"1.3.0"}` {
			t.Errorf("spec = %q", got.Spec)
		}
		list, err := tx.ListContainers()
		if err != nil {
			return err
		}
		for _, r := range list {
			if len(r.Spec) != 0 {
				t.Errorf("list loaded the spec of %s", r.Name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	update(t, db, func(tx *Tx) error { return tx.SetContainerSpec("bbb222", []byte(`{}`)) })
	update(t, db, func(tx *Tx) error {
		if err := tx.SetContainerSpec("nosuch", nil); !errors.Is(err, define.ErrNoSuchCtr) {
			t.Errorf("SetContainerSpec of a missing container: %v", err)
		}
		return nil
	})
}

// TestMigrateSpecOutOfConfig opens a version-1 database whose container
// configuration holds its spec: version 2 moves the spec to its column.
func TestMigrateSpecOutOfConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := Open(path, testPaths)
	if err != nil {
		t.Fatal(err)
	}
	// Make it a version-1 database with an old-style row.
	if _, err := db.db.Exec(`DROP INDEX containers_joins_netns; ALTER TABLE containers DROP COLUMN joins_netns; DROP INDEX containers_created; ALTER TABLE containers DROP COLUMN spec; DROP TABLE exit_codes; DROP TABLE secrets; PRAGMA user_version = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.db.Exec(`INSERT INTO containers (id, name, config, state, created) VALUES ('old1', 'old', CAST('{"Name":"old","Spec":{"ociVersion":"1.3.0"}}' AS BLOB), x'7b7d', 1)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path, testPaths)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(context.Background(), func(tx *Tx) error {
		r, err := tx.GetContainer("old1")
		if err != nil {
			return err
		}
		if string(r.Spec) != `{"ociVersion":"1.3.0"}` || string(r.Config) != `{"Name":"old"}` {
			t.Errorf("after migration: spec %q, config %q", r.Spec, r.Config)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Only containers whose stored configuration names another container's
// network namespace come back from ContainersJoiningNetNS.
func TestContainersJoiningNetNS(t *testing.T) {
	db := openTest(t)
	joined := ctr("c2", "side", "")
	joined.Config = []byte(`{"Image":"x","NetworkMode":"container:c1"}`)
	other := ctr("c3", "host", "")
	other.Config = []byte(`{"Image":"container:c1","NetworkMode":"host"}`)
	update(t, db, func(tx *Tx) error {
		for _, r := range []*ContainerRecord{ctr("c1", "base", ""), joined, other} {
			if err := tx.AddContainer(r); err != nil {
				return err
			}
		}
		return nil
	})
	var got []string
	err := db.View(context.Background(), func(tx *Tx) error {
		recs, err := tx.ContainersJoiningNetNS()
		for _, r := range recs {
			got = append(got, r.ID)
		}
		return err
	})
	if err != nil || len(got) != 1 || got[0] != "c2" {
		t.Fatalf("ContainersJoiningNetNS = %v, %v; want [c2]", got, err)
	}
	joiners := func(id string) []string {
		var out []string
		err := db.View(context.Background(), func(tx *Tx) error {
			recs, err := tx.ContainersJoining(id)
			for _, r := range recs {
				out = append(out, r.ID)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := joiners("c1"); len(got) != 1 || got[0] != "c2" {
		t.Errorf("ContainersJoining(c1) = %v, want [c2]", got)
	}
	// A configuration rewritten elsewhere moves the container's entry.
	joined.Config = []byte(`{"Image":"x","NetworkMode":"container:c3"}`)
	update(t, db, func(tx *Tx) error { return tx.UpdateContainer(joined.ID, joined.Config, nil) })
	if got := joiners("c1"); len(got) != 0 {
		t.Errorf("ContainersJoining(c1) after the update = %v, want none", got)
	}
	if got := joiners("c3"); len(got) != 1 || got[0] != "c2" {
		t.Errorf("ContainersJoining(c3) = %v, want [c2]", got)
	}
}
