// Package sqlstore is the database/sql [aims.Store]: SQLite for an
// embedded AIMS, PostgreSQL for a shared, multi-tenant one. It also
// implements [aims.Transactor], so a record change and its journal entry
// commit together.
//
// The package imports no driver. The caller opens a *sql.DB with the
// driver of its choice, names the [Dialect], and migrates:
//
//	import _ "modernc.org/sqlite" // or _ "github.com/jackc/pgx/v5/stdlib"
//
//	db, err := sql.Open("sqlite", "file:aims.db?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
//	...
//	store, err := sqlstore.Open(ctx, db, sqlstore.SQLite) // New + Migrate
//	ws, err := aims.NewWorkspace(store, "acme", nil)
//
// # Schema and migrations
//
// Four tables, each keyed by tenant first so that no statement can reach
// another tenant's rows: aims_records (one row per record, its version,
// attributes as a JSON object and the document bytes), aims_record_attrs
// (one row per attribute, indexed on tenant, kind, name and value for List
// filters), aims_journal (one row per entry, keyed by tenant and Seq) and
// aims_schema_migrations (the applied schema versions).
//
// The schema is explicit and versioned: [Store.Migrate] applies the
// missing steps of [Migrations] in one transaction and records them; it is
// idempotent and safe to run from several processes at once. Nothing is
// created implicitly: until the schema is at [SchemaVersion] every
// operation returns [ErrNotMigrated]. Operators who run migrations with
// their own tooling can take the SQL from [Migrations].
//
// # Transactions and concurrency
//
// Every operation is one transaction (or one statement), so a failure
// leaves nothing half-written. Writes use optimistic versions: an UPDATE
// conditioned on the expected version, or an INSERT that does nothing on an
// existing key, and the affected row count decides between success,
// [aims.ErrConflict] and [aims.ErrNotFound]. Appends read the journal head
// inside the transaction and rely on the (tenant, seq) primary key to
// refuse a concurrent appender that took the same Seq, also as
// [aims.ErrConflict]. Lock contention is never reported as a conflict: the
// store retries the transaction with a bounded backoff (SQLite busy or
// locked, PostgreSQL serialization failures and deadlocks) until ctx ends.
//
// Every value reaches the database as a parameter; only fixed identifiers
// and placeholders are concatenated into statements.
//
// # SQLite
//
// SQLite has one writer at a time. Open it with a busy timeout, WAL
// journaling and immediate write transactions, so that writers queue on
// the lock instead of failing when a read turns into a write:
//
//	file:/path/aims.db?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate
//
// Adding _pragma=synchronous(NORMAL) trades the durability of the last
// transactions on power loss for much faster commits. For an in-memory
// database, every connection of the pool must see the same database: call
// db.SetMaxOpenConns(1) with ":memory:", or use a named shared memory
// database. Text columns compare with SQLite's BINARY collation, which is
// the byte order List promises.
//
// # PostgreSQL
//
// Use the pgx driver's database/sql adapter (driver name "pgx"). Tables go
// into the connection's current schema, so a deployment can give the store
// a schema of its own with search_path in the DSN:
//
//	postgres://aims@db.internal/aims?sslmode=verify-full&search_path=aims
//
// Transactions run at READ COMMITTED, at which the conditional statements
// are exact. Key columns use COLLATE "C" so that List pages in byte order
// whatever the database's collation. PostgreSQL's TEXT holds no NUL bytes
// and only valid UTF-8, so the store refuses (with [aims.ErrInvalid])
// attribute values, filter values and journal fields that are not, on
// every dialect alike. Attribute values are indexed, so very long values
// (beyond about 2,000 bytes) exceed PostgreSQL's index row limit and fail
// the write; attributes are meant for short filter keys such as a state or
// an owner.
//
// # Time
//
// Journal times are stored as RFC 3339 text in UTC with nanoseconds, the
// form the journal hash covers, so they read back to the nanosecond.
package sqlstore
