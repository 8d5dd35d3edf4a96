package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// migrations are the schema's steps: migrations[i] takes the schema from
// version i to i+1, in a transaction of its own. The version lives in
// SQLite's user_version. Never edit a released step; append a new one.
var migrations = []string{
	// 1: the first schema.
	`CREATE TABLE db_config (
		id           INTEGER PRIMARY KEY CHECK (id = 1),
		graph_root   TEXT NOT NULL,
		run_root     TEXT NOT NULL,
		graph_driver TEXT NOT NULL,
		volume_path  TEXT NOT NULL,
		created      INTEGER NOT NULL
	);
	-- names holds every container and pod name: its primary key makes names
	-- unique across both kinds. Triggers below keep it in step.
	CREATE TABLE names (
		name TEXT PRIMARY KEY,
		kind TEXT NOT NULL CHECK (kind IN ('container', 'pod')),
		id   TEXT NOT NULL,
		UNIQUE (kind, id)
	);
	CREATE TABLE pods (
		id      TEXT PRIMARY KEY,
		name    TEXT NOT NULL,
		config  BLOB NOT NULL,
		state   BLOB NOT NULL,
		created INTEGER NOT NULL
	);
	CREATE TABLE containers (
		id      TEXT PRIMARY KEY,
		name    TEXT NOT NULL,
		pod_id  TEXT REFERENCES pods (id),
		config  BLOB NOT NULL,
		state   BLOB NOT NULL,
		created INTEGER NOT NULL
	);
	CREATE INDEX containers_pod_id ON containers (pod_id);
	CREATE TABLE volumes (
		name    TEXT PRIMARY KEY,
		config  BLOB NOT NULL,
		state   BLOB NOT NULL,
		created INTEGER NOT NULL
	);
	CREATE TABLE exec_sessions (
		id           TEXT PRIMARY KEY,
		container_id TEXT NOT NULL REFERENCES containers (id) ON DELETE CASCADE,
		config       BLOB NOT NULL,
		state        BLOB NOT NULL
	);
	CREATE INDEX exec_sessions_container_id ON exec_sessions (container_id);

	CREATE TRIGGER containers_name_insert AFTER INSERT ON containers BEGIN
		INSERT INTO names (name, kind, id) VALUES (NEW.name, 'container', NEW.id);
	END;
	CREATE TRIGGER containers_name_update AFTER UPDATE OF name ON containers BEGIN
		UPDATE names SET name = NEW.name WHERE kind = 'container' AND id = OLD.id;
	END;
	CREATE TRIGGER containers_name_delete AFTER DELETE ON containers BEGIN
		DELETE FROM names WHERE kind = 'container' AND id = OLD.id;
	END;
	CREATE TRIGGER pods_name_insert AFTER INSERT ON pods BEGIN
		INSERT INTO names (name, kind, id) VALUES (NEW.name, 'pod', NEW.id);
	END;
	CREATE TRIGGER pods_name_delete AFTER DELETE ON pods BEGIN
		DELETE FROM names WHERE kind = 'pod' AND id = OLD.id;
	END;`,
	// 2: a container's OCI spec (most of its bytes, with the seccomp
	// profile) gets a column of its own, so listing reads only the rest.
	`ALTER TABLE containers ADD COLUMN spec BLOB NOT NULL DEFAULT x'';
	UPDATE containers
	SET spec = CAST(json_extract(CAST(config AS TEXT), '$.Spec') AS BLOB),
	    config = CAST(json_remove(CAST(config AS TEXT), '$.Spec') AS BLOB)
	WHERE json_valid(CAST(config AS TEXT)) AND json_type(CAST(config AS TEXT), '$.Spec') = 'object';`,
	// 3: secrets. Their names are their own namespace, unique by the
	// schema; their data lives in files, not here.
	`CREATE TABLE secrets (
		id      TEXT PRIMARY KEY,
		name    TEXT NOT NULL UNIQUE,
		config  BLOB NOT NULL,
		created INTEGER NOT NULL
	);`,
	// 4: the exit codes of removed containers, kept a while for those
	// that wait on a container --rm removes (see RecordExitCode): its
	// exit file goes with it.
	`CREATE TABLE exit_codes (
		id      TEXT PRIMARY KEY,
		code    INTEGER NOT NULL,
		removed INTEGER NOT NULL
	);`,
	// 5: listing walks containers in creation order along an index. The
	// sort it replaces copied every row, configuration and all, through
	// a temporary b-tree: ~5 ms of every ps with 100 containers.
	`CREATE INDEX containers_created ON containers (created, id);`,
	// 6: the container whose network namespace a container joined
	// (network mode container:ID), derived from its configuration and
	// indexed: finding a container's dependents, as every rm does, read
	// every configuration (~30 MB read for rm -a of 100 containers).
	`ALTER TABLE containers ADD COLUMN joins_netns TEXT GENERATED ALWAYS AS (
		CASE WHEN substr(json_extract(config, '$.NetworkMode'), 1, 10) = 'container:'
		THEN substr(json_extract(config, '$.NetworkMode'), 11) END) VIRTUAL;
	CREATE INDEX containers_joins_netns ON containers (joins_netns) WHERE joins_netns IS NOT NULL;`,
}

// SchemaVersion is the schema version this pm writes.
var SchemaVersion = len(migrations)

// schemaVersion reads the schema version (SQLite's user_version).
func (d *DB) schemaVersion(ctx context.Context) (int, error) {
	var version int
	if err := d.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return 0, fmt.Errorf("reading schema version: %w", err)
	}
	if version > len(migrations) {
		return 0, define.Errorf(define.ErrUnsupported,
			"schema version %d is newer than this pm supports (%d): upgrade pm", version, len(migrations))
	}
	return version, nil
}

// migrate brings the schema to the current version, each step in a write
// transaction of its own. The caller holds the exclusive init flock (see
// prepare), so no other process migrates at the same time; each step
// re-reads the version all the same.
func (d *DB) migrate(ctx context.Context) error {
	version, err := d.schemaVersion(ctx)
	if err != nil {
		return err
	}
	for version < len(migrations) {
		err := d.Update(ctx, func(tx *Tx) error {
			if err := tx.queryRow("PRAGMA user_version").Scan(&version); err != nil {
				return fmt.Errorf("reading schema version: %w", err)
			}
			if version >= len(migrations) {
				return nil
			}
			if _, err := tx.exec(migrations[version]); err != nil {
				return fmt.Errorf("schema version %d: %w", version+1, err)
			}
			version++
			if _, err := tx.exec(fmt.Sprintf("PRAGMA user_version = %d", version)); err != nil {
				return fmt.Errorf("recording schema version %d: %w", version, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// checkPaths records paths in a new database, or checks them against the
// recorded ones.
func (d *DB) checkPaths(ctx context.Context, paths Paths) error {
	rec, err := d.recordedPaths(ctx, d.db.QueryRowContext)
	if errors.Is(err, sql.ErrNoRows) {
		return d.Update(ctx, func(tx *Tx) error {
			rec, err := d.recordedPaths(ctx, tx.conn.QueryRowContext)
			if errors.Is(err, sql.ErrNoRows) {
				_, err = tx.exec(`INSERT INTO db_config (id, graph_root, run_root, graph_driver, volume_path, created)
					VALUES (1, ?, ?, ?, ?, ?)`, paths.GraphRoot, paths.RunRoot, paths.GraphDriver, paths.VolumePath, time.Now().UnixNano())
				return err
			}
			if err != nil {
				return err
			}
			return d.comparePaths(ctx, tx, rec, paths)
		})
	}
	if err != nil {
		return fmt.Errorf("reading state database configuration: %w", err)
	}
	if err := mismatch(d.path, rec, paths); err != nil {
		return err
	}
	if rec.GraphDriver == "" && paths.GraphDriver != "" {
		return d.SetGraphDriver(ctx, paths.GraphDriver)
	}
	return nil
}

// SetGraphDriver records the storage driver once it is known; if another
// driver is recorded already, it is an error wrapping define.ErrDBMismatch.
func (d *DB) SetGraphDriver(ctx context.Context, driver string) error {
	return d.Update(ctx, func(tx *Tx) error {
		rec, err := d.recordedPaths(ctx, tx.conn.QueryRowContext)
		if err != nil {
			return fmt.Errorf("reading state database configuration: %w", err)
		}
		return d.comparePaths(ctx, tx, rec, Paths{GraphDriver: driver})
	})
}

// comparePaths checks paths against rec inside a write transaction and
// fills in a graph driver recorded empty.
func (d *DB) comparePaths(_ context.Context, tx *Tx, rec Paths, paths Paths) error {
	if err := mismatch(d.path, rec, paths); err != nil {
		return err
	}
	if rec.GraphDriver == "" && paths.GraphDriver != "" {
		if _, err := tx.exec("UPDATE db_config SET graph_driver = ? WHERE id = 1", paths.GraphDriver); err != nil {
			return fmt.Errorf("recording graph driver: %w", err)
		}
	}
	return nil
}

type queryRowFunc func(ctx context.Context, query string, args ...any) *sql.Row

func (d *DB) recordedPaths(ctx context.Context, queryRow queryRowFunc) (Paths, error) {
	var p Paths
	err := queryRow(ctx, "SELECT graph_root, run_root, graph_driver, volume_path FROM db_config WHERE id = 1").
		Scan(&p.GraphRoot, &p.RunRoot, &p.GraphDriver, &p.VolumePath)
	return p, err
}

// mismatch compares the recorded paths with new ones; empty new values are
// not compared, nor is a graph driver recorded empty.
func mismatch(dbPath string, rec, paths Paths) error {
	fields := []struct {
		name, flag, old, new string
	}{
		{"graph root", "--root", rec.GraphRoot, paths.GraphRoot},
		{"run root", "--runroot", rec.RunRoot, paths.RunRoot},
		{"volume path", "--volumepath", rec.VolumePath, paths.VolumePath},
		{"graph driver", "--storage-driver", rec.GraphDriver, paths.GraphDriver},
	}
	for _, f := range fields {
		if f.new == "" || f.old == "" && f.name == "graph driver" || f.old == f.new {
			continue
		}
		return define.Errorf(define.ErrDBMismatch,
			"database at %s was created with %s %q, not %q: use %s %s or remove the database",
			dbPath, f.name, f.old, f.new, f.flag, f.old)
	}
	return nil
}
