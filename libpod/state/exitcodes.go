package state

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// ExitCodeTTL is how long the exit code of a removed container is kept,
// as in Podman: long enough for whoever waits on it to read it.
const ExitCodeTTL = 5 * time.Minute

// RecordExitCode keeps the exit code of container id, removed at when,
// and forgets those removed more than ExitCodeTTL before.
func (tx *Tx) RecordExitCode(id string, code int, when time.Time) error {
	if _, err := tx.exec("DELETE FROM exit_codes WHERE removed < ?", when.Add(-ExitCodeTTL).UnixNano()); err != nil {
		return fmt.Errorf("pruning exit codes: %w", err)
	}
	if _, err := tx.exec("INSERT OR REPLACE INTO exit_codes (id, code, removed) VALUES (?, ?, ?)", id, code, when.UnixNano()); err != nil {
		return fmt.Errorf("recording the exit code of %s: %w", id, err)
	}
	return nil
}

// ExitCode returns the exit code kept for removed container id, or an
// error wrapping define.ErrNoSuchCtr when none is.
func (tx *Tx) ExitCode(id string) (int, error) {
	var code int
	err := tx.queryRow("SELECT code FROM exit_codes WHERE id = ?", id).Scan(&code)
	if err == sql.ErrNoRows {
		return 0, define.Errorf(define.ErrNoSuchCtr, "no exit code of container %s is kept", id)
	}
	if err != nil {
		return 0, fmt.Errorf("reading the exit code of %s: %w", id, err)
	}
	return code, nil
}

// ForgetExitCode drops the exit code kept for container id, once the one
// who waited for it has read it.
func (tx *Tx) ForgetExitCode(id string) error {
	if _, err := tx.exec("DELETE FROM exit_codes WHERE id = ?", id); err != nil {
		return fmt.Errorf("forgetting the exit code of %s: %w", id, err)
	}
	return nil
}
