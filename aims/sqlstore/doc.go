// Package sqlstore is the database/sql [aims.Store]: SQLite for an
// embedded AIMS, PostgreSQL for a shared, multi-tenant one. It also
// implements [aims.Transactor] and [aims.ChainApplier], so a record change
// and its journal entry commit together and concurrent writers never lose
// a race for the journal head; and [aims.KindLister] and
// [aims.IndexChecker], so that [aims.Workspace.Verify] finds records with
// no journal entry and attribute index rows that disagree with their
// record.
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
// Five tables, each keyed by tenant first so that no statement can reach
// another tenant's rows: aims_records (one row per record, its version,
// attributes as a JSON object and the document bytes), aims_record_attrs
// (one row per attribute, indexed on tenant, kind, name and value for List
// filters), aims_journal (one row per entry, keyed by tenant and Seq),
// aims_journal_locks (one row per tenant that appends lock) and
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
// [aims.ErrConflict] and [aims.ErrNotFound]. Every append takes the
// tenant's journal lock inside its transaction, after the record writes:
// on PostgreSQL the row of aims_journal_locks (SELECT ... FOR UPDATE, the
// row made on the tenant's first append), on SQLite the database's write
// lock, which every write transaction takes first. Holding
// it, [Store.ApplyChained] reads the head and lets the kernel seal the
// entries, so writers of distinct records queue for a moment instead of
// failing; [Store.Append] and [Store.Apply] check that their entries
// follow the head and refuse them with [aims.ErrConflict] otherwise.
// Lock contention is never reported as a conflict: the store retries the
// transaction with a jittered exponential backoff (SQLite busy or locked,
// PostgreSQL serialization failures and deadlocks), and when that runs
// out (about 10 s) it returns an error matching [aims.ErrContention],
// which the kernel retries in turn.
//
// Every value reaches the database as a parameter; only fixed identifiers
// and placeholders are concatenated into statements.
//
// # Prepared statements
//
// The store prepares its statements on the *sql.DB once, at its first
// operation on a current schema, and binds them to each transaction with
// tx.StmtContext, so a statement is parsed once per pool connection rather
// than once per transaction. List prepares one statement per set of
// filter keys, up to 64 of them. The statements live as long as the
// *sql.DB: database/sql closes them with it.
//
// # Batches
//
// A batch ([Store.Apply], [Store.ApplyChained]) with several creates or
// journal entries, as an import through [aims.Workspace.Bulk] makes,
// writes each run of creates of distinct records, their attribute rows
// and the entries with multi-row INSERTs of up to 32 rows (at most 999
// parameters, under SQLite's historical limit), prepared once per store
// on the first such batch; the rest of a run goes through smaller ones and
// the one-row statements. If a create meets an existing record, the
// transaction is rolled back and run again row by row, so the error names
// that record. On PostgreSQL this cuts the round trips of an import by
// the row count of the statements.
//
// # SQLite
//
// SQLite has one writer at a time. The store makes its write transactions
// immediate itself (their first statement is a write that changes
// nothing, which takes the write lock as BEGIN IMMEDIATE does), and gives
// a connection it
// writes on a busy timeout of 5 s when the DSN left it at 0, so writers
// queue on the lock even with a bare file: DSN. Open it with a busy
// timeout (which also covers reads) and WAL journaling (readers and the
// writer do not block each other):
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
