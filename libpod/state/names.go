package state

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/mattn/go-sqlite3"
	"github.com/pm-project/pm/libpod/define"
)

// isConstraint reports whether err is a SQLite constraint violation of one
// of the extended codes (any constraint when none is given).
func isConstraint(err error, codes ...sqlite3.ErrNoExtended) bool {
	var se sqlite3.Error
	if !errors.As(err, &se) || se.Code != sqlite3.ErrConstraint {
		return false
	}
	if len(codes) == 0 {
		return true
	}
	for _, c := range codes {
		if se.ExtendedCode == c {
			return true
		}
	}
	return false
}

// nameInUse explains a unique violation on adding a container or pod: the
// name is taken (by a container or a pod), or else the ID exists.
func (tx *Tx) nameInUse(err error, kind, id, name string) error {
	var holderKind, holderID string
	qerr := tx.queryRow("SELECT kind, id FROM names WHERE name = ?", name).Scan(&holderKind, &holderID)
	if qerr == nil && kind == "container" && holderKind == "container" && holderID != id {
		// Podman's words for a container's name another container holds.
		return define.Errorf(define.ErrNameInUse, "the container name %q is already in use by %s. You have to remove that container to be able to reuse that name: that name is already in use",
			name, holderID)
	}
	if qerr == nil && !(holderKind == kind && holderID == id) {
		return define.Errorf(define.ErrNameInUse, "the name %q is already in use by %s %s: remove it or choose another name",
			name, holderKind, holderID)
	}
	if qerr != nil && !errors.Is(qerr, sql.ErrNoRows) {
		return fmt.Errorf("adding %s %s: %w", kind, name, err)
	}
	return define.Errorf(define.ErrAlreadyExists, "a %s with ID %s already exists", kind, id)
}

// lookupID resolves idOrName to the ID of a row of table: an exact ID
// first, then an exact name, then a unique ID prefix.
func (tx *Tx) lookupID(table, kind, idOrName string, notFoundErr error) (string, error) {
	if idOrName == "" {
		return "", define.Errorf(notFoundErr, "no %s with an empty name or ID", kind)
	}
	var id string
	err := tx.queryRow("SELECT id FROM "+table+" WHERE id = ?1 OR name = ?1 ORDER BY id = ?1 DESC LIMIT 1", idOrName).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("looking up %s %s: %w", kind, idOrName, err)
	}
	if isHex(idOrName) {
		// GLOB is case-sensitive and uses the primary key's index; a hex
		// string holds no GLOB metacharacters.
		rows, err := tx.query("SELECT id FROM "+table+" WHERE id GLOB ? LIMIT 2", idOrName+"*")
		if err != nil {
			return "", fmt.Errorf("looking up %s %s: %w", kind, idOrName, err)
		}
		defer rows.Close()
		var ids []string
		for rows.Next() {
			if err := rows.Scan(&id); err != nil {
				return "", err
			}
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			return "", fmt.Errorf("looking up %s %s: %w", kind, idOrName, err)
		}
		switch len(ids) {
		case 1:
			return ids[0], nil
		case 2:
			return "", define.Invalidf("more than one %s matches %q: use more of the ID", kind, idOrName)
		}
	}
	return "", define.Errorf(notFoundErr, "no %s with name or ID %q found: %w", kind, idOrName, notFoundErr)
}

func isHex(s string) bool {
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return s != ""
}

// nullString stores "" as NULL.
func nullString(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

// rowsAffected returns notFoundErr when a write by ID touched no row.
func rowsAffected(res sql.Result, notFoundErr error, format string, args ...any) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return define.Errorf(notFoundErr, format, args...)
	}
	return nil
}
