package state

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

func TestExitCodes(t *testing.T) {
	t.Parallel()
	db, err := Open(filepath.Join(t.TempDir(), "state.db"), testPaths)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	now := time.Now()
	update := func(fn func(tx *Tx) error) {
		t.Helper()
		if err := db.Update(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	code := func(id string) (int, error) {
		var c int
		err := db.View(ctx, func(tx *Tx) (err error) {
			c, err = tx.ExitCode(id)
			return err
		})
		return c, err
	}
	update(func(tx *Tx) error { return tx.RecordExitCode("old", 3, now.Add(-ExitCodeTTL-time.Second)) })
	update(func(tx *Tx) error { return tx.RecordExitCode("a", 42, now) })
	if c, err := code("a"); err != nil || c != 42 {
		t.Errorf("exit code of a: %d, %v", c, err)
	}
	// Recording one forgets those older than the TTL.
	if _, err := code("old"); !errors.Is(err, define.ErrNoSuchCtr) {
		t.Errorf("an exit code older than the TTL is kept: %v", err)
	}
	update(func(tx *Tx) error { return tx.RecordExitCode("a", 7, now) })
	if c, _ := code("a"); c != 7 {
		t.Errorf("exit code of a after a second record: %d", c)
	}
	update(func(tx *Tx) error { return tx.ForgetExitCode("a") })
	if _, err := code("a"); !errors.Is(err, define.ErrNoSuchCtr) {
		t.Errorf("a forgotten exit code is kept: %v", err)
	}
	if _, err := code("never"); !errors.Is(err, define.ErrNoSuchCtr) {
		t.Errorf("exit code of an unknown container: %v", err)
	}
}
