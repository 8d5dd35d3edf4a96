package state

import (
	"fmt"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/pm-project/pm/libpod/define"
)

// PodRecord is a pod's row: its ID, name and the JSON of its configuration
// and state.
type PodRecord struct {
	ID      string
	Name    string
	Config  []byte
	State   []byte
	Created time.Time
}

const podColumns = "id, name, config, state, created"

func scanPod(scan func(...any) error) (*PodRecord, error) {
	var r PodRecord
	var created int64
	if err := scan(&r.ID, &r.Name, &r.Config, &r.State, &created); err != nil {
		return nil, err
	}
	r.Created = time.Unix(0, created)
	return &r, nil
}

// AddPod records a new pod. A name held by a container or a pod is an
// error wrapping define.ErrNameInUse.
func (tx *Tx) AddPod(r *PodRecord) error {
	if r.ID == "" || r.Name == "" {
		return define.Invalidf("adding pod: ID and name are required")
	}
	_, err := tx.exec("INSERT INTO pods ("+podColumns+") VALUES (?, ?, ?, ?, ?)",
		r.ID, r.Name, blob(r.Config), blob(r.State), r.Created.UnixNano())
	switch {
	case err == nil:
		return nil
	case isConstraint(err, sqlite3.ErrConstraintPrimaryKey, sqlite3.ErrConstraintUnique):
		return tx.nameInUse(err, "pod", r.ID, r.Name)
	}
	return fmt.Errorf("adding pod %s: %w", r.Name, err)
}

// GetPod returns the pod with exactly this ID.
func (tx *Tx) GetPod(id string) (*PodRecord, error) {
	r, err := scanPod(tx.queryRow("SELECT "+podColumns+" FROM pods WHERE id = ?", id).Scan)
	if err != nil {
		return nil, notFound(fmt.Errorf("reading pod %s: %w", id, err), define.ErrNoSuchPod, "no pod with ID %s found", id)
	}
	return r, nil
}

// LookupPod finds a pod by exact ID, exact name or unique ID prefix.
func (tx *Tx) LookupPod(idOrName string) (*PodRecord, error) {
	id, err := tx.lookupID("pods", "pod", idOrName, define.ErrNoSuchPod)
	if err != nil {
		return nil, err
	}
	return tx.GetPod(id)
}

// UpdatePod replaces a pod's configuration and/or state; a nil slice
// leaves that column as it is.
func (tx *Tx) UpdatePod(id string, config, state []byte) error {
	return tx.updateRecord("pods", "id", id, config, state, define.ErrNoSuchPod, "pod")
}

// RemovePod deletes a pod and its name. A pod that still has containers is
// an invalid-state error: remove them first, in the same transaction.
func (tx *Tx) RemovePod(id string) error {
	res, err := tx.exec("DELETE FROM pods WHERE id = ?", id)
	if err != nil {
		if isConstraint(err, sqlite3.ErrConstraintForeignKey) {
			return define.Errorf(define.ErrInvalidState, "pod %s still has containers", id)
		}
		return fmt.Errorf("removing pod %s: %w", id, err)
	}
	return rowsAffected(res, define.ErrNoSuchPod, "no pod with ID %s found", id)
}

// ListPods returns every pod, oldest first.
func (tx *Tx) ListPods() ([]*PodRecord, error) {
	rows, err := tx.query("SELECT " + podColumns + " FROM pods ORDER BY created, id")
	if err != nil {
		return nil, fmt.Errorf("listing pods: %w", err)
	}
	defer rows.Close()
	var list []*PodRecord
	for rows.Next() {
		r, err := scanPod(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("listing pods: %w", err)
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing pods: %w", err)
	}
	return list, nil
}
