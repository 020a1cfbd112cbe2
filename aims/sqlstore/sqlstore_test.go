package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/sqlstore"
	"github.com/aimsgo/iso42001/aims/storetest"
)

// sqliteDSN is the DSN the package documentation recommends, plus
// synchronous(NORMAL) so that the suite's thousands of commits do not each
// wait for a disk flush.
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// backend opens fresh, empty (un-migrated) databases of one dialect.
type backend struct {
	name    string
	dialect sqlstore.Dialect
	// open returns a new database and a function that opens further
	// connection pools to the same database (another "process").
	open func(t testing.TB) (db *sql.DB, reopen func() *sql.DB)
}

func sqliteBackend() backend {
	return backend{name: "SQLite", dialect: sqlstore.SQLite, open: openSQLite}
}

// sqliteDeferredBackend opens SQLite without _txlock=immediate, as a
// caller who skipped the documented DSN would: write transactions start
// deferred, so concurrent writers fail with SQLITE_BUSY when a read turns
// into a write, and the store must retry rather than report a conflict.
func sqliteDeferredBackend() backend {
	return backend{name: "SQLiteDeferred", dialect: sqlstore.SQLite, open: func(t testing.TB) (*sql.DB, func() *sql.DB) {
		path := filepath.Join(t.TempDir(), "aims.db")
		return openSQLiteDSN(t, "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	}}
}

// sqlitePlainBackend opens SQLite with a bare file: DSN: no busy timeout,
// no WAL, deferred transactions. The store must still queue its writers
// rather than let SQLITE_BUSY reach the caller.
func sqlitePlainBackend() backend {
	return backend{name: "SQLitePlain", dialect: sqlstore.SQLite, open: func(t testing.TB) (*sql.DB, func() *sql.DB) {
		return openSQLiteDSN(t, "file:"+filepath.Join(t.TempDir(), "aims.db"))
	}}
}

func openSQLite(t testing.TB) (*sql.DB, func() *sql.DB) {
	t.Helper()
	return openSQLiteDSN(t, sqliteDSN(filepath.Join(t.TempDir(), "aims.db")))
}

func openSQLiteDSN(t testing.TB, dsn string) (*sql.DB, func() *sql.DB) {
	t.Helper()
	reopen := func() *sql.DB {
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			t.Fatalf("sql.Open(sqlite): %v", err)
		}
		t.Cleanup(func() { _ = db.Close() })
		return db
	}
	return reopen(), reopen
}

const (
	pgEnv      = "ISO42001_PG_DSN"
	pgRequired = "ISO42001_REQUIRE_PG"
)

func pgBackend() backend {
	return backend{name: "Postgres", dialect: sqlstore.Postgres, open: openPostgres}
}

// openPostgres creates a schema of its own on the server named by
// ISO42001_PG_DSN, dropped after the test, and opens pools whose
// search_path is that schema, so parallel tests never share tables.
func openPostgres(t testing.TB) (*sql.DB, func() *sql.DB) {
	t.Helper()
	dsn := pgDSN(t)
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "aims_test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("sql.Open(pgx): %v", err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("CREATE SCHEMA %s: %v", schema, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Errorf("sql.Open(pgx): %v", err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("DROP SCHEMA %s: %v", schema, err)
		}
	})
	scoped := withSearchPath(t, dsn, schema)
	reopen := func() *sql.DB {
		db, err := sql.Open("pgx", scoped)
		if err != nil {
			t.Fatalf("sql.Open(pgx): %v", err)
		}
		// Parallel subtests each hold a pool; keep them within the
		// server's max_connections.
		db.SetMaxOpenConns(6)
		t.Cleanup(func() { _ = db.Close() })
		return db
	}
	return reopen(), reopen
}

// pgDSN returns ISO42001_PG_DSN, or skips t loudly when it is unset (fails
// it when ISO42001_REQUIRE_PG=1).
func pgDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(pgEnv)
	if dsn == "" {
		if os.Getenv(pgRequired) == "1" {
			t.Fatalf("%s=1 but %s is not set: run .ci/postgres.sh and export its DSN", pgRequired, pgEnv)
		}
		t.Skipf("!!! SKIPPING the PostgreSQL tests: %s is not set; start a server with `eval \"$(.ci/postgres.sh | tail -n 1)\"`", pgEnv)
	}
	return dsn
}

// withSearchPath adds search_path to a URL or keyword/value DSN.
func withSearchPath(t testing.TB, dsn, schema string) string {
	t.Helper()
	if !strings.Contains(dsn, "://") {
		return dsn + " search_path=" + schema
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s: %v", pgEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// store opens a fresh database of be and migrates it.
func (be backend) store(t testing.TB) *sqlstore.Store {
	t.Helper()
	db, _ := be.open(t)
	s, err := sqlstore.Open(context.Background(), db, be.dialect)
	if err != nil {
		t.Fatalf("sqlstore.Open(%s): %v", be.dialect, err)
	}
	return s
}

// available skips (or fails) t once, before a group of subtests, when the
// backend's server is not configured.
func (be backend) available(t testing.TB) {
	t.Helper()
	if be.dialect == sqlstore.Postgres {
		pgDSN(t)
	}
}

func backends() []backend {
	return []backend{sqliteBackend(), sqliteDeferredBackend(), sqlitePlainBackend(), pgBackend()}
}

func TestConformance(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			be.available(t)
			storetest.Run(t, func(t *testing.T) aims.Store { return be.store(t) })
		})
	}
}
