package state

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

func secretRec(id, name string) *SecretRecord {
	return &SecretRecord{ID: id, Name: name, Config: []byte(`{"n":1}`), Created: time.Now()}
}

func TestSecretCRUD(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := context.Background()
	update(t, db, func(tx *Tx) error {
		if err := tx.AddSecret(secretRec("abc123", "one")); err != nil {
			return err
		}
		return tx.AddSecret(secretRec("abd456", "two"))
	})
	for _, tc := range []struct {
		name    string
		add     *SecretRecord
		wantErr error
	}{
		{"taken name", secretRec("fff000", "one"), define.ErrAlreadyExists},
		{"taken ID", secretRec("abc123", "three"), define.ErrAlreadyExists},
		{"no name", secretRec("fff001", ""), define.ErrInvalidArg},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(ctx, func(tx *Tx) error { return tx.AddSecret(tc.add) })
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("AddSecret: %v, want %v", err, tc.wantErr)
			}
		})
	}
	view := func(idOrName string) (*SecretRecord, error) {
		var r *SecretRecord
		err := db.View(ctx, func(tx *Tx) error {
			var err error
			r, err = tx.LookupSecret(idOrName)
			return err
		})
		return r, err
	}
	for in, want := range map[string]string{"one": "abc123", "abc123": "abc123", "abd": "abd456", "two": "abd456"} {
		if r, err := view(in); err != nil || r.ID != want {
			t.Errorf("LookupSecret(%q) = %v, %v; want %s", in, r, err, want)
		}
	}
	if _, err := view("ab"); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("ambiguous prefix: %v", err)
	}
	if _, err := view("nosuch"); !errors.Is(err, define.ErrNoSuchSecret) {
		t.Errorf("missing: %v", err)
	}
	update(t, db, func(tx *Tx) error { return tx.UpdateSecret("abc123", []byte(`{"n":2}`)) })
	if r, _ := view("one"); string(r.Config) != `{"n":2}` {
		t.Errorf("config after update: %s", r.Config)
	}
	update(t, db, func(tx *Tx) error { return tx.RemoveSecret("abc123") })
	err := db.Update(ctx, func(tx *Tx) error { return tx.RemoveSecret("abc123") })
	if !errors.Is(err, define.ErrNoSuchSecret) {
		t.Errorf("second remove: %v", err)
	}
	// The name is free again once its secret is gone.
	update(t, db, func(tx *Tx) error { return tx.AddSecret(secretRec("eee789", "one")) })
	var list []*SecretRecord
	if err := db.View(ctx, func(tx *Tx) error {
		var err error
		list, err = tx.ListSecrets()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "one" || list[1].Name != "two" {
		t.Errorf("ListSecrets: %+v", list)
	}
	// Secret names do not collide with container names.
	update(t, db, func(tx *Tx) error { return tx.AddContainer(ctr("c1", "two", "")) })
}

// TestSecretNameRace has several handles add the same name at once:
// exactly one wins.
func TestSecretNameRace(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.db")
	first, err := Open(path, testPaths)
	if err != nil {
		t.Fatal(err)
	}
	first.Close()
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			db, err := Open(path, testPaths)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			errs[i] = db.Update(context.Background(), func(tx *Tx) error {
				return tx.AddSecret(secretRec(fmt.Sprintf("%02x", i), "same"))
			})
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, define.ErrAlreadyExists):
			t.Errorf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Errorf("%d handles added the name, want 1", wins)
	}
}

// TestMigrateAddsSecrets opens a version-2 database: version 3 adds the
// secrets table and keeps what was there.
func TestMigrateAddsSecrets(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := Open(path, testPaths)
	if err != nil {
		t.Fatal(err)
	}
	update(t, db, func(tx *Tx) error { return tx.AddContainer(ctr("c1", "web", "")) })
	if _, err := db.db.Exec(`DROP INDEX containers_joins_netns; ALTER TABLE containers DROP COLUMN joins_netns; DROP INDEX containers_created; DROP TABLE exit_codes; DROP TABLE secrets; PRAGMA user_version = 2`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path, testPaths)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	update(t, db, func(tx *Tx) error {
		if _, err := tx.GetContainer("c1"); err != nil {
			return err
		}
		return tx.AddSecret(secretRec("abc", "s"))
	})
	if info, err := db.Info(context.Background()); err != nil || info.SchemaVersion != SchemaVersion {
		t.Errorf("schema version after migration: %+v, %v", info, err)
	}
}
