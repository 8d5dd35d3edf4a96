package state

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/pm-project/pm/libpod/define"
)

// ContainerRecord is a container's row: its ID, name and pod, and the JSON
// of its configuration and state, which libpod defines.
type ContainerRecord struct {
	ID      string
	Name    string
	PodID   string // "" when the container is in no pod
	Config  []byte
	State   []byte
	Created time.Time
	// Spec is the container's OCI spec. Lists leave it empty; GetContainer
	// and LookupContainer read it.
	Spec []byte
}

const containerColumns = "id, name, pod_id, config, state, created, spec"

// containerListColumns reads an empty spec: a list never needs it.
const containerListColumns = "id, name, pod_id, config, state, created, x''"

func scanContainer(scan func(...any) error) (*ContainerRecord, error) {
	var r ContainerRecord
	var podID sql.NullString
	var created int64
	if err := scan(&r.ID, &r.Name, &podID, &r.Config, &r.State, &created, &r.Spec); err != nil {
		return nil, err
	}
	r.PodID = podID.String
	r.Created = time.Unix(0, created)
	return &r, nil
}

// AddContainer records a new container. A name held by a container or a
// pod is an error wrapping define.ErrNameInUse; a pod that does not exist,
// define.ErrNoSuchPod.
func (tx *Tx) AddContainer(r *ContainerRecord) error {
	if r.ID == "" || r.Name == "" {
		return define.Invalidf("adding container: ID and name are required")
	}
	_, err := tx.exec("INSERT INTO containers ("+containerColumns+") VALUES (?, ?, ?, ?, ?, ?, ?)",
		r.ID, r.Name, nullString(r.PodID), blob(r.Config), blob(r.State), r.Created.UnixNano(), blob(r.Spec))
	switch {
	case err == nil:
		return nil
	case isConstraint(err, sqlite3.ErrConstraintPrimaryKey, sqlite3.ErrConstraintUnique):
		return tx.nameInUse(err, "container", r.ID, r.Name)
	case isConstraint(err, sqlite3.ErrConstraintForeignKey):
		return define.Errorf(define.ErrNoSuchPod, "adding container %s to pod %s: no such pod", r.Name, r.PodID)
	}
	return fmt.Errorf("adding container %s: %w", r.Name, err)
}

// GetContainer returns the container with exactly this ID.
func (tx *Tx) GetContainer(id string) (*ContainerRecord, error) {
	r, err := scanContainer(tx.queryRow("SELECT "+containerColumns+" FROM containers WHERE id = ?", id).Scan)
	if err != nil {
		return nil, notFound(fmt.Errorf("reading container %s: %w", id, err), define.ErrNoSuchCtr, "no container with ID %s found", id)
	}
	return r, nil
}

// LookupContainer finds a container by exact ID, exact name or unique ID
// prefix. None is define.ErrNoSuchCtr; an ambiguous prefix is an
// invalid-argument error.
func (tx *Tx) LookupContainer(idOrName string) (*ContainerRecord, error) {
	id, err := tx.lookupID("containers", "container", idOrName, define.ErrNoSuchCtr)
	if err != nil {
		return nil, err
	}
	return tx.GetContainer(id)
}

// UpdateContainer replaces a container's configuration and/or state; a
// nil slice leaves that column as it is.
func (tx *Tx) UpdateContainer(id string, config, state []byte) error {
	return tx.updateRecord("containers", "id", id, config, state, define.ErrNoSuchCtr, "container")
}

// SetContainerSpec stores a container's OCI spec.
func (tx *Tx) SetContainerSpec(id string, spec []byte) error {
	res, err := tx.exec("UPDATE containers SET spec = ? WHERE id = ?", blob(spec), id)
	if err != nil {
		return fmt.Errorf("updating spec of container %s: %w", id, err)
	}
	return rowsAffected(res, define.ErrNoSuchCtr, "no container with ID %s found", id)
}

// RenameContainer changes a container's name; the new name must be free.
func (tx *Tx) RenameContainer(id, name string) error {
	res, err := tx.exec("UPDATE containers SET name = ? WHERE id = ?", name, id)
	if err != nil {
		if isConstraint(err, sqlite3.ErrConstraintPrimaryKey, sqlite3.ErrConstraintUnique) {
			return tx.nameInUse(err, "container", id, name)
		}
		return fmt.Errorf("renaming container %s: %w", id, err)
	}
	return rowsAffected(res, define.ErrNoSuchCtr, "no container with ID %s found", id)
}

// RemoveContainer deletes a container, its name and its exec sessions.
func (tx *Tx) RemoveContainer(id string) error {
	res, err := tx.exec("DELETE FROM containers WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("removing container %s: %w", id, err)
	}
	return rowsAffected(res, define.ErrNoSuchCtr, "no container with ID %s found", id)
}

// ListContainers returns every container, oldest first.
func (tx *Tx) ListContainers() ([]*ContainerRecord, error) {
	return tx.listContainers("SELECT " + containerListColumns + " FROM containers ORDER BY created, id")
}

// ContainersJoiningNetNS returns the containers whose network mode is
// container:ID, oldest first: the only ones that can depend on another.
func (tx *Tx) ContainersJoiningNetNS() ([]*ContainerRecord, error) {
	return tx.listContainers("SELECT " + containerListColumns + ` FROM containers WHERE joins_netns IS NOT NULL ORDER BY created, id`)
}

// ContainersJoining returns the containers whose network mode is
// container:id, oldest first.
func (tx *Tx) ContainersJoining(id string) ([]*ContainerRecord, error) {
	return tx.listContainers("SELECT "+containerListColumns+" FROM containers WHERE joins_netns = ? ORDER BY created, id", id)
}

// ContainersOfPod returns the containers of a pod, oldest first.
func (tx *Tx) ContainersOfPod(podID string) ([]*ContainerRecord, error) {
	return tx.listContainers("SELECT "+containerListColumns+" FROM containers WHERE pod_id = ? ORDER BY created, id", podID)
}

func (tx *Tx) listContainers(query string, args ...any) ([]*ContainerRecord, error) {
	rows, err := tx.query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("listing containers: %w", err)
	}
	defer rows.Close()
	var list []*ContainerRecord
	for rows.Next() {
		r, err := scanContainer(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("listing containers: %w", err)
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing containers: %w", err)
	}
	return list, nil
}

// updateRecord sets config and/or state of the row of table whose key
// column is key.
func (tx *Tx) updateRecord(table, keyCol, key string, config, state []byte, notFoundErr error, kind string) error {
	if config == nil && state == nil {
		return nil
	}
	res, err := tx.exec("UPDATE "+table+" SET config = coalesce(?, config), state = coalesce(?, state) WHERE "+keyCol+" = ?",
		nullBlob(config), nullBlob(state), key)
	if err != nil {
		return fmt.Errorf("updating %s %s: %w", kind, key, err)
	}
	return rowsAffected(res, notFoundErr, "no %s %s found", kind, key)
}

// blob stores a nil slice as an empty blob: the columns are NOT NULL.
func blob(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// nullBlob stores a nil slice as NULL, so that coalesce keeps the old value.
func nullBlob(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}
