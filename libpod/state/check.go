package state

import (
	"fmt"
)

// Integrity runs SQLite's own consistency check of the database (with
// quick, the cheaper quick_check, which skips index contents) and of its
// foreign keys, and returns the problems found; none means it is sound.
func (tx *Tx) Integrity(quick bool) ([]string, error) {
	pragma := "PRAGMA integrity_check"
	if quick {
		pragma = "PRAGMA quick_check"
	}
	rows, err := tx.query(pragma)
	if err != nil {
		return nil, fmt.Errorf("checking the state database: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("checking the state database: %w", err)
		}
		if s != "ok" {
			out = append(out, s)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("checking the state database: %w", err)
	}
	fk, err := tx.query("PRAGMA foreign_key_check")
	if err != nil {
		return nil, fmt.Errorf("checking the state database's references: %w", err)
	}
	defer fk.Close()
	for fk.Next() {
		var table, parent string
		var rowid, idx any
		if err := fk.Scan(&table, &rowid, &parent, &idx); err != nil {
			return nil, fmt.Errorf("checking the state database's references: %w", err)
		}
		out = append(out, fmt.Sprintf("a row of %s refers to a missing row of %s", table, parent))
	}
	return out, fk.Err()
}
