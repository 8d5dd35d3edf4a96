package state

import (
	"fmt"

	"github.com/mattn/go-sqlite3"
	"github.com/pm-project/pm/libpod/define"
)

// ExecSessionRecord is an exec session's row: its ID, its container and the
// JSON of its configuration and state. Removing the container removes its
// sessions.
type ExecSessionRecord struct {
	ID          string
	ContainerID string
	Config      []byte
	State       []byte
}

const execColumns = "id, container_id, config, state"

func scanExec(scan func(...any) error) (*ExecSessionRecord, error) {
	var r ExecSessionRecord
	if err := scan(&r.ID, &r.ContainerID, &r.Config, &r.State); err != nil {
		return nil, err
	}
	return &r, nil
}

// AddExecSession records a new exec session of an existing container.
func (tx *Tx) AddExecSession(r *ExecSessionRecord) error {
	if r.ID == "" || r.ContainerID == "" {
		return define.Invalidf("adding exec session: ID and container ID are required")
	}
	_, err := tx.exec("INSERT INTO exec_sessions ("+execColumns+") VALUES (?, ?, ?, ?)",
		r.ID, r.ContainerID, blob(r.Config), blob(r.State))
	switch {
	case err == nil:
		return nil
	case isConstraint(err, sqlite3.ErrConstraintForeignKey):
		return define.Errorf(define.ErrNoSuchCtr, "adding exec session %s: no container with ID %s found", r.ID, r.ContainerID)
	case isConstraint(err, sqlite3.ErrConstraintPrimaryKey, sqlite3.ErrConstraintUnique):
		return define.Errorf(define.ErrAlreadyExists, "exec session %s already exists", r.ID)
	}
	return fmt.Errorf("adding exec session %s: %w", r.ID, err)
}

// GetExecSession returns the exec session with exactly this ID.
func (tx *Tx) GetExecSession(id string) (*ExecSessionRecord, error) {
	r, err := scanExec(tx.queryRow("SELECT "+execColumns+" FROM exec_sessions WHERE id = ?", id).Scan)
	if err != nil {
		return nil, notFound(fmt.Errorf("reading exec session %s: %w", id, err), define.ErrNoSuchExec, "no exec session with ID %s found", id)
	}
	return r, nil
}

// UpdateExecSession replaces an exec session's configuration and/or state;
// a nil slice leaves that column as it is.
func (tx *Tx) UpdateExecSession(id string, config, state []byte) error {
	return tx.updateRecord("exec_sessions", "id", id, config, state, define.ErrNoSuchExec, "exec session")
}

// RemoveExecSession deletes an exec session.
func (tx *Tx) RemoveExecSession(id string) error {
	res, err := tx.exec("DELETE FROM exec_sessions WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("removing exec session %s: %w", id, err)
	}
	return rowsAffected(res, define.ErrNoSuchExec, "no exec session with ID %s found", id)
}

// ExecSessionsOfContainer returns a container's exec sessions, by ID.
func (tx *Tx) ExecSessionsOfContainer(containerID string) ([]*ExecSessionRecord, error) {
	rows, err := tx.query("SELECT "+execColumns+" FROM exec_sessions WHERE container_id = ? ORDER BY id", containerID)
	if err != nil {
		return nil, fmt.Errorf("listing exec sessions of %s: %w", containerID, err)
	}
	defer rows.Close()
	var list []*ExecSessionRecord
	for rows.Next() {
		r, err := scanExec(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("listing exec sessions of %s: %w", containerID, err)
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing exec sessions of %s: %w", containerID, err)
	}
	return list, nil
}
