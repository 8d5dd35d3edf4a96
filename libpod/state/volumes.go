package state

import (
	"fmt"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/pm-project/pm/libpod/define"
)

// VolumeRecord is a named volume's row: its name and the JSON of its
// configuration and state.
type VolumeRecord struct {
	Name    string
	Config  []byte
	State   []byte
	Created time.Time
}

const volumeColumns = "name, config, state, created"

func scanVolume(scan func(...any) error) (*VolumeRecord, error) {
	var r VolumeRecord
	var created int64
	if err := scan(&r.Name, &r.Config, &r.State, &created); err != nil {
		return nil, err
	}
	r.Created = time.Unix(0, created)
	return &r, nil
}

// AddVolume records a new volume; a taken name is an error wrapping
// define.ErrAlreadyExists. Volume names are their own namespace.
func (tx *Tx) AddVolume(r *VolumeRecord) error {
	if r.Name == "" {
		return define.Invalidf("adding volume: name is required")
	}
	_, err := tx.exec("INSERT INTO volumes ("+volumeColumns+") VALUES (?, ?, ?, ?)",
		r.Name, blob(r.Config), blob(r.State), r.Created.UnixNano())
	if isConstraint(err, sqlite3.ErrConstraintPrimaryKey, sqlite3.ErrConstraintUnique) {
		return define.Errorf(define.ErrAlreadyExists, "volume with name %s already exists", r.Name)
	}
	if err != nil {
		return fmt.Errorf("adding volume %s: %w", r.Name, err)
	}
	return nil
}

// LookupVolume returns the volume with exactly this name, or an error
// wrapping define.ErrNoSuchVolume.
func (tx *Tx) LookupVolume(name string) (*VolumeRecord, error) {
	r, err := scanVolume(tx.queryRow("SELECT "+volumeColumns+" FROM volumes WHERE name = ?", name).Scan)
	if err != nil {
		return nil, notFound(fmt.Errorf("reading volume %s: %w", name, err), define.ErrNoSuchVolume, "no volume with name %q found: %w", name, define.ErrNoSuchVolume)
	}
	return r, nil
}

// GetVolume is LookupVolume: a volume's name is its ID.
func (tx *Tx) GetVolume(name string) (*VolumeRecord, error) {
	return tx.LookupVolume(name)
}

// UpdateVolume replaces a volume's configuration and/or state; a nil slice
// leaves that column as it is.
func (tx *Tx) UpdateVolume(name string, config, state []byte) error {
	return tx.updateRecord("volumes", "name", name, config, state, define.ErrNoSuchVolume, "volume")
}

// RemoveVolume deletes a volume.
func (tx *Tx) RemoveVolume(name string) error {
	res, err := tx.exec("DELETE FROM volumes WHERE name = ?", name)
	if err != nil {
		return fmt.Errorf("removing volume %s: %w", name, err)
	}
	return rowsAffected(res, define.ErrNoSuchVolume, "no volume with name %q found: %w", name, define.ErrNoSuchVolume)
}

// ListVolumes returns every volume, by name.
func (tx *Tx) ListVolumes() ([]*VolumeRecord, error) {
	rows, err := tx.query("SELECT " + volumeColumns + " FROM volumes ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("listing volumes: %w", err)
	}
	defer rows.Close()
	var list []*VolumeRecord
	for rows.Next() {
		r, err := scanVolume(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("listing volumes: %w", err)
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing volumes: %w", err)
	}
	return list, nil
}
