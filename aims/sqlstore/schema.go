package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Table names. They carry an aims_ prefix because the store usually shares
// a database with the caller's own tables, and "schema_migrations" in
// particular is already taken by common migration tools.
const (
	tableMigrations = "aims_schema_migrations"
	tableRecords    = "aims_records"
	tableAttrs      = "aims_record_attrs"
	tableJournal    = "aims_journal"
	tableLocks      = "aims_journal_locks"
)

// ErrNotMigrated is returned (wrapped) by every operation on a database
// whose schema is missing or older than this package's: call
// [Store.Migrate] first, or [Open], which does.
var ErrNotMigrated = errors.New("sqlstore: database schema is not migrated; call Store.Migrate")

// Migration is one step of the schema: its version, a short name, and the
// statements that make it, for one dialect. [Store.Migrate] applies the
// missing ones in order; operators who manage schemas with their own tools
// can take the SQL from [Migrations] instead, and must then record each
// applied version in aims_schema_migrations(version, name).
type Migration struct {
	Version    int      // 1, 2, ... without gaps
	Name       string   // what the step does, recorded beside its version
	Statements []string // run in order, in one transaction
}

// migration is a step with its SQL for every dialect.
type migration struct {
	version  int
	name     string
	sqlite   []string
	postgres []string
}

// migrations is the whole schema history, in version order from 1 without
// gaps. Steps are append-only: a released step is never edited, a change is
// a new step.
var migrations = []migration{
	{
		version: 1,
		name:    "records, attributes and journal",
		// SQLite compares TEXT with the BINARY collation, which is byte
		// order: the order List promises.
		sqlite: []string{
			`CREATE TABLE ` + tableRecords + ` (
	tenant  TEXT    NOT NULL,
	kind    TEXT    NOT NULL,
	id      TEXT    NOT NULL,
	version INTEGER NOT NULL,
	attrs   TEXT    NOT NULL DEFAULT '',
	data    BLOB    NOT NULL,
	PRIMARY KEY (tenant, kind, id)
)`,
			`CREATE TABLE ` + tableAttrs + ` (
	tenant TEXT NOT NULL,
	kind   TEXT NOT NULL,
	id     TEXT NOT NULL,
	name   TEXT NOT NULL,
	value  TEXT NOT NULL,
	PRIMARY KEY (tenant, kind, id, name)
) WITHOUT ROWID`,
			`CREATE INDEX ` + tableAttrs + `_filter ON ` + tableAttrs + ` (tenant, kind, name, value)`,
			`CREATE TABLE ` + tableJournal + ` (
	tenant     TEXT    NOT NULL,
	seq        INTEGER NOT NULL,
	time       TEXT    NOT NULL,
	actor      TEXT    NOT NULL,
	kind       TEXT    NOT NULL,
	id         TEXT    NOT NULL,
	event      TEXT    NOT NULL,
	from_state TEXT    NOT NULL,
	to_state   TEXT    NOT NULL,
	version    INTEGER NOT NULL,
	digest     TEXT    NOT NULL,
	prev       TEXT    NOT NULL,
	hash       TEXT    NOT NULL,
	PRIMARY KEY (tenant, seq)
) WITHOUT ROWID`,
		},
		// COLLATE "C" makes PostgreSQL compare and sort the key columns
		// byte by byte, whatever the database's default collation.
		postgres: []string{
			`CREATE TABLE ` + tableRecords + ` (
	tenant  TEXT COLLATE "C" NOT NULL,
	kind    TEXT COLLATE "C" NOT NULL,
	id      TEXT COLLATE "C" NOT NULL,
	version BIGINT NOT NULL,
	attrs   TEXT   NOT NULL DEFAULT '',
	data    BYTEA  NOT NULL,
	PRIMARY KEY (tenant, kind, id)
)`,
			`CREATE TABLE ` + tableAttrs + ` (
	tenant TEXT COLLATE "C" NOT NULL,
	kind   TEXT COLLATE "C" NOT NULL,
	id     TEXT COLLATE "C" NOT NULL,
	name   TEXT COLLATE "C" NOT NULL,
	value  TEXT COLLATE "C" NOT NULL,
	PRIMARY KEY (tenant, kind, id, name)
)`,
			`CREATE INDEX ` + tableAttrs + `_filter ON ` + tableAttrs + ` (tenant, kind, name, value)`,
			`CREATE TABLE ` + tableJournal + ` (
	tenant     TEXT COLLATE "C" NOT NULL,
	seq        BIGINT NOT NULL,
	time       TEXT   NOT NULL,
	actor      TEXT   NOT NULL,
	kind       TEXT   NOT NULL,
	id         TEXT   NOT NULL,
	event      TEXT   NOT NULL,
	from_state TEXT   NOT NULL,
	to_state   TEXT   NOT NULL,
	version    BIGINT NOT NULL,
	digest     TEXT   NOT NULL,
	prev       TEXT   NOT NULL,
	hash       TEXT   NOT NULL,
	PRIMARY KEY (tenant, seq)
)`,
		},
	},
	{
		version: 2,
		name:    "journal lock rows",
		// One row per tenant, locked (SELECT ... FOR UPDATE) by every
		// PostgreSQL transaction that appends to the tenant's journal, so
		// that appends queue instead of racing for the next Seq. SQLite's
		// write transactions are serialised already; the table exists
		// there too so that both dialects have one schema.
		sqlite: []string{`CREATE TABLE ` + tableLocks + ` (
	tenant TEXT NOT NULL PRIMARY KEY
) WITHOUT ROWID`},
		postgres: []string{`CREATE TABLE ` + tableLocks + ` (
	tenant TEXT COLLATE "C" NOT NULL PRIMARY KEY
)`},
	},
}

// SchemaVersion is the schema version this package reads and writes: the
// last of [Migrations].
func SchemaVersion() int { return migrations[len(migrations)-1].version }

// Migrations returns the schema steps for d in version order, or nil for an
// invalid dialect. The result is the caller's.
func Migrations(d Dialect) []Migration {
	if !d.Valid() {
		return nil
	}
	out := make([]Migration, len(migrations))
	for i, m := range migrations {
		stmts := m.sqlite
		if d == Postgres {
			stmts = m.postgres
		}
		out[i] = Migration{Version: m.version, Name: m.name, Statements: slices.Clone(stmts)}
	}
	return out
}

// Migrate brings the database schema up to [SchemaVersion], applying each
// missing step and recording it in aims_schema_migrations, all in one
// transaction: a failure leaves the schema as it was. It is idempotent and
// safe to run from several processes at once: on PostgreSQL the
// transaction holds an advisory lock for the current schema, and on SQLite
// the database's single writer lock serialises the runs (a run that loses
// the race is retried and finds the work done). A database migrated by a
// newer version of this package is refused, not downgraded.
func (s *Store) Migrate(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.retry(ctx, func() error {
		tx, err := s.db.BeginTx(ctx, s.txOpts)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback() }() // a no-op after Commit
		if s.dialect == Postgres {
			// Two int4 keys: this package, and the schema the tables go
			// into, so that stores in different schemas migrate in parallel.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('iso42001/sqlstore'), hashtext(current_schema()))`); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+tableMigrations+` (
	version INTEGER NOT NULL PRIMARY KEY,
	name    TEXT    NOT NULL
)`); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM `+tableMigrations).Scan(&current); err != nil {
			return err
		}
		if current > SchemaVersion() {
			return fmt.Errorf("sqlstore: migrate: database schema is at version %d, newer than this package's %d: upgrade the program instead", current, SchemaVersion())
		}
		for _, m := range Migrations(s.dialect)[current:] {
			for i, stmt := range m.Statements {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("sqlstore: migrate to version %d (%s), statement %d: %w", m.Version, m.Name, i+1, err)
				}
			}
			if _, err := tx.ExecContext(ctx, s.dialect.rebind(`INSERT INTO `+tableMigrations+` (version, name) VALUES (?, ?)`), m.Version, m.Name); err != nil {
				return err
			}
		}
		return tx.Commit()
	})
	if err != nil {
		return s.fail(ctx, "migrate", "", "", err)
	}
	s.migrated.Store(true)
	return nil
}

// Version returns the schema version the database is at: 0 when it was
// never migrated.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.retry(ctx, func() error {
		return s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM `+tableMigrations).Scan(&v)
	})
	switch {
	case err == nil:
		return v, nil
	case ctx.Err() == nil && s.dialect.classify(err) == classNoTable:
		return 0, nil
	}
	return 0, s.fail(ctx, "schema version", "", "", err)
}

// ready checks once per Store that the schema is current, so that an
// un-migrated database gets [ErrNotMigrated] rather than a driver's
// "no such table", then prepares the store's statements on it.
func (s *Store) ready(ctx context.Context) error {
	if s.prepared.Load() {
		return nil
	}
	if s.migrated.Load() {
		return s.prepare(ctx)
	}
	v, err := s.Version(ctx)
	switch {
	case err != nil:
		return err
	case v < SchemaVersion():
		return fmt.Errorf("sqlstore: database schema is at version %d, want %d: %w", v, SchemaVersion(), ErrNotMigrated)
	case v > SchemaVersion():
		return fmt.Errorf("sqlstore: database schema is at version %d, newer than this package's %d: upgrade the program", v, SchemaVersion())
	}
	s.migrated.Store(true)
	return s.prepare(ctx)
}
