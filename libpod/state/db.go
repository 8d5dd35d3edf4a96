// Package state is pm's SQLite state database: the schema, its migrations
// and transactions over opaque JSON records of containers, pods, volumes and
// exec sessions. libpod is its only user; it decides what the JSON means.
//
// Every command's writes happen in one transaction (DB.Update, which takes
// SQLite's write lock up front with BEGIN IMMEDIATE, so two processes never
// deadlock upgrading a read lock). Reads happen in DB.View. Names are unique
// across containers and pods by the schema: a trigger records each name in
// the names table, whose primary key is the name.
package state

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/lock"
	"golang.org/x/sys/unix"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" database/sql driver
)

// busyTimeoutMS is how long a statement waits for another process's lock.
const busyTimeoutMS = 30000

// Paths are the storage locations a database belongs to. They are recorded
// when the database is created; opening it later with other paths is an
// error, since its records point into the first ones.
type Paths struct {
	GraphRoot   string
	RunRoot     string
	GraphDriver string // may be "" until storage has picked a driver
	VolumePath  string
}

// DB is an open state database. It is safe for concurrent use.
type DB struct {
	path string
	db   *sql.DB
	// writer admits one write transaction of this process at a time: the
	// goroutines of one pm (rm -a, the API service) queue here and are
	// handed the write lock in turn, instead of meeting SQLite's busy
	// handler, which polls with sleeps that grow to 100 ms.
	writer chan struct{}
	// writers is the same between processes: an flock beside the
	// database, taken before a write transaction begins, which the
	// kernel hands to the next waiting process the moment it is free.
	writers *lock.Manager
}

// writerLock names the flock of writers in the database's directory.
func (d *DB) writerLock() string { return filepath.Base(d.path) + "-writer" }

// Open opens the database at path, creating it (and its directory, mode
// 0700) on first use, migrating its schema to the current version and
// checking that it was created for the same paths.
//
// Any number of processes may open a database that does not exist yet at
// once: creating it (switching it to WAL mode, migrating the schema) is
// done by one of them at a time, under an flock on a file beside it (see
// prepare).
func Open(path string, paths Paths) (_ *DB, retErr error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating state database directory: %w", err)
	}
	// SQLite would create the file with mode 0644; make it 0600 first.
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("creating state database: %w", err)
	}
	f.Close()

	// No _journal_mode here: go-sqlite3 would set it on every new
	// connection, and switching a new file to WAL from a connection that
	// reads it fails at once (SQLite calls no busy handler while a read
	// lock is held) when another process opens it at the same moment.
	// WAL mode is set once, when the database is made, and kept in the
	// file.
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busyTimeoutMS))
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "NORMAL")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	sqldb, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening state database %s: %w", path, err)
	}
	// A CLI process needs one connection, two if it reads while writing; the
	// API server gets a few more readers.
	// Idle connections stay open: a new one reads the schema again.
	sqldb.SetMaxOpenConns(4)
	sqldb.SetMaxIdleConns(4)
	d := &DB{path: path, db: sqldb, writer: make(chan struct{}, 1), writers: lock.New(filepath.Dir(path))}
	defer func() {
		if retErr != nil {
			sqldb.Close()
		}
	}()

	ctx := context.Background()
	if err := d.prepare(ctx); err != nil {
		return nil, fmt.Errorf("state database %s: %w", path, err)
	}
	if err := d.checkPaths(ctx, paths); err != nil {
		return nil, err
	}
	return d, nil
}

// prepare makes the database ready: in WAL mode, with the current schema.
// A ready database costs two reads under a shared flock of the file
// beside it (path + "-init.lock"); otherwise the flock is taken
// exclusively, so that one process at a time switches the mode and
// migrates, with no other process reading the file meanwhile.
func (d *DB) prepare(ctx context.Context) error {
	unlock, err := flockFile(d.path+"-init.lock", unix.LOCK_SH)
	if err != nil {
		return err
	}
	ready, err := d.ready(ctx)
	unlock()
	if err != nil || ready {
		return err
	}
	unlock, err = flockFile(d.path+"-init.lock", unix.LOCK_EX)
	if err != nil {
		return err
	}
	defer unlock()
	if err := d.setWAL(ctx); err != nil {
		return err
	}
	if err := d.migrate(ctx); err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	return nil
}

// ready reports whether the database is in WAL mode with the current
// schema. A schema newer than this pm's is an error.
func (d *DB) ready(ctx context.Context) (bool, error) {
	var mode string
	if err := d.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return false, fmt.Errorf("reading journal mode: %w", err)
	}
	version, err := d.schemaVersion(ctx)
	if err != nil {
		return false, err
	}
	return mode == "wal" && version == len(migrations), nil
}

// setWAL switches the database to WAL mode unless it is in it already.
// The caller holds the exclusive init flock.
func (d *DB) setWAL(ctx context.Context) error {
	var mode string
	if err := d.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("reading journal mode: %w", err)
	}
	if mode == "wal" {
		return nil
	}
	if err := d.db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return fmt.Errorf("switching to WAL mode: %w", err)
	}
	if mode != "wal" {
		return fmt.Errorf("switching to WAL mode: the journal mode is still %q", mode)
	}
	return nil
}

// flockFile takes an flock of kind how (unix.LOCK_SH or LOCK_EX) on path,
// creating the file (mode 0600), and returns its release. It waits as
// long as another process holds it in a conflicting way.
func flockFile(path string, how int) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening lock file: %w", err)
	}
	for {
		err = unix.Flock(int(f.Fd()), how)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// Path returns the database file's path.
func (d *DB) Path() string { return d.path }

// Close closes the database.
func (d *DB) Close() error {
	return d.db.Close()
}

// Update runs fn in a write transaction, committing if it returns nil and
// rolling back otherwise. The write lock is taken when the transaction
// begins, waiting up to the busy timeout for another process to finish.
// Take no pm lock inside fn, and start no other Update there: locks come
// before the transaction.
func (d *DB) Update(ctx context.Context, fn func(tx *Tx) error) error {
	select {
	case d.writer <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("waiting for the state database: %w", ctx.Err())
	}
	defer func() { <-d.writer }()
	l, err := d.writers.Lock(ctx, d.writerLock())
	if err != nil {
		return fmt.Errorf("waiting for the state database: %w", err)
	}
	defer l.Unlock()
	return d.run(ctx, "BEGIN IMMEDIATE", true, fn)
}

// View runs fn in a read transaction: fn sees one consistent snapshot and
// cannot write.
func (d *DB) View(ctx context.Context, fn func(tx *Tx) error) error {
	return d.run(ctx, "BEGIN DEFERRED", false, fn)
}

func (d *DB) run(ctx context.Context, begin string, write bool, fn func(tx *Tx) error) (retErr error) {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connecting to state database: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, begin); err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	done := false
	defer func() {
		if done {
			return
		}
		// The context may be cancelled already: roll back regardless.
		if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
			// Do not hand a connection with an open transaction back to
			// the pool: returning ErrBadConn from Raw discards it.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	if err := fn(&Tx{ctx: ctx, conn: conn, write: write}); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("committing transaction: %w", err)
	}
	done = true
	return nil
}

// Tx is one transaction, valid only inside the function given to Update or
// View. Like database/sql's Tx, it carries that call's context.
type Tx struct {
	ctx   context.Context
	conn  *sql.Conn
	write bool
}

func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	if !tx.write {
		return nil, define.Errorf(define.ErrInternal, "writing to the state database in a read transaction")
	}
	return tx.conn.ExecContext(tx.ctx, query, args...)
}

func (tx *Tx) query(query string, args ...any) (*sql.Rows, error) {
	return tx.conn.QueryContext(tx.ctx, query, args...)
}

func (tx *Tx) queryRow(query string, args ...any) *sql.Row {
	return tx.conn.QueryRowContext(tx.ctx, query, args...)
}

// Info describes the database for `pm info`.
type Info struct {
	Path          string
	SchemaVersion int
	Containers    int
	Pods          int
	Volumes       int
	ExecSessions  int
}

// Info returns the database's path, schema version and record counts.
func (d *DB) Info(ctx context.Context) (*Info, error) {
	info := &Info{Path: d.path}
	err := d.View(ctx, func(tx *Tx) error {
		if err := tx.queryRow("PRAGMA user_version").Scan(&info.SchemaVersion); err != nil {
			return err
		}
		row := tx.queryRow(`SELECT
			(SELECT count(*) FROM containers),
			(SELECT count(*) FROM pods),
			(SELECT count(*) FROM volumes),
			(SELECT count(*) FROM exec_sessions)`)
		return row.Scan(&info.Containers, &info.Pods, &info.Volumes, &info.ExecSessions)
	})
	if err != nil {
		return nil, fmt.Errorf("reading state database information: %w", err)
	}
	return info, nil
}

// notFound turns sql.ErrNoRows into err, and passes other errors through.
func notFound(err, named error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return define.Errorf(named, format, args...)
	}
	return err
}
