package state

import (
	"fmt"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/pm-project/pm/libpod/define"
)

// SecretRecord is a secret's row: its ID, its name and the JSON of its
// configuration. The secret's data is not stored here.
type SecretRecord struct {
	ID      string
	Name    string
	Config  []byte
	Created time.Time
}

const secretColumns = "id, name, config, created"

func scanSecret(scan func(...any) error) (*SecretRecord, error) {
	var r SecretRecord
	var created int64
	if err := scan(&r.ID, &r.Name, &r.Config, &created); err != nil {
		return nil, err
	}
	r.Created = time.Unix(0, created)
	return &r, nil
}

// AddSecret records a new secret. A taken name or ID is an error wrapping
// define.ErrAlreadyExists; secret names are their own namespace.
func (tx *Tx) AddSecret(r *SecretRecord) error {
	if r.ID == "" || r.Name == "" {
		return define.Invalidf("adding secret: ID and name are required")
	}
	_, err := tx.exec("INSERT INTO secrets ("+secretColumns+") VALUES (?, ?, ?, ?)",
		r.ID, r.Name, blob(r.Config), r.Created.UnixNano())
	if isConstraint(err, sqlite3.ErrConstraintUnique) {
		return define.Errorf(define.ErrAlreadyExists, "secret name %q is already in use: remove it or use --replace", r.Name)
	}
	if isConstraint(err, sqlite3.ErrConstraintPrimaryKey) {
		return define.Errorf(define.ErrAlreadyExists, "a secret with ID %s already exists", r.ID)
	}
	if err != nil {
		return fmt.Errorf("adding secret %s: %w", r.Name, err)
	}
	return nil
}

// LookupSecret returns the secret with this ID, name or unique ID prefix,
// or an error wrapping define.ErrNoSuchSecret.
func (tx *Tx) LookupSecret(idOrName string) (*SecretRecord, error) {
	id, err := tx.lookupID("secrets", "secret", idOrName, define.ErrNoSuchSecret)
	if err != nil {
		return nil, err
	}
	r, err := scanSecret(tx.queryRow("SELECT "+secretColumns+" FROM secrets WHERE id = ?", id).Scan)
	if err != nil {
		return nil, notFound(fmt.Errorf("reading secret %s: %w", id, err), define.ErrNoSuchSecret,
			"no secret with ID %s found: %w", id, define.ErrNoSuchSecret)
	}
	return r, nil
}

// SecretByName returns the secret called exactly name, or an error
// wrapping define.ErrNoSuchSecret.
func (tx *Tx) SecretByName(name string) (*SecretRecord, error) {
	r, err := scanSecret(tx.queryRow("SELECT "+secretColumns+" FROM secrets WHERE name = ?", name).Scan)
	if err != nil {
		return nil, notFound(fmt.Errorf("reading secret %s: %w", name, err), define.ErrNoSuchSecret,
			"no secret with name %q found: %w", name, define.ErrNoSuchSecret)
	}
	return r, nil
}

// UpdateSecret replaces a secret's configuration.
func (tx *Tx) UpdateSecret(id string, config []byte) error {
	res, err := tx.exec("UPDATE secrets SET config = ? WHERE id = ?", blob(config), id)
	if err != nil {
		return fmt.Errorf("updating secret %s: %w", id, err)
	}
	return rowsAffected(res, define.ErrNoSuchSecret, "no secret with ID %s found: %w", id, define.ErrNoSuchSecret)
}

// RemoveSecret deletes a secret's record.
func (tx *Tx) RemoveSecret(id string) error {
	res, err := tx.exec("DELETE FROM secrets WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("removing secret %s: %w", id, err)
	}
	return rowsAffected(res, define.ErrNoSuchSecret, "no secret with ID %s found: %w", id, define.ErrNoSuchSecret)
}

// ListSecrets returns every secret, by name.
func (tx *Tx) ListSecrets() ([]*SecretRecord, error) {
	rows, err := tx.query("SELECT " + secretColumns + " FROM secrets ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("listing secrets: %w", err)
	}
	defer rows.Close()
	var list []*SecretRecord
	for rows.Next() {
		r, err := scanSecret(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("listing secrets: %w", err)
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing secrets: %w", err)
	}
	return list, nil
}
