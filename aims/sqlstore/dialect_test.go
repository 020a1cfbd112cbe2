package sqlstore

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRebind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dialect Dialect
		in      string
		want    string
	}{
		{SQLite, "SELECT a FROM t WHERE x = ? AND y = ?", "SELECT a FROM t WHERE x = ? AND y = ?"},
		{Postgres, "SELECT a FROM t WHERE x = ? AND y = ?", "SELECT a FROM t WHERE x = $1 AND y = $2"},
		{Postgres, "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"},
		{Postgres, "SELECT 1", "SELECT 1"},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, tc.dialect.rebind(tc.in)); diff != "" {
			t.Errorf("%s.rebind(%q) (-want +got):\n%s", tc.dialect, tc.in, diff)
		}
	}
}

// Every fixed statement has as many placeholders after rebinding as
// before, numbered from $1.
func TestQueriesRebind(t *testing.T) {
	t.Parallel()
	for i, q := range queryText {
		pg := Postgres.rebind(q)
		n := strings.Count(q, "?")
		if n > 0 && !containsAll(pg, n) {
			t.Errorf("query %d rebinds to %q, want $1..$%d", i, pg, n)
		}
	}
}

func containsAll(s string, n int) bool {
	for i := 1; i <= n; i++ {
		if !strings.Contains(s, fmt.Sprintf("$%d", i)) {
			return false
		}
	}
	return !strings.Contains(s, "?") && !strings.Contains(s, fmt.Sprintf("$%d", n+1))
}

// pgErr and sqliteErr stand in for the drivers' error types, which this
// package must not import.
type pgErr struct{ code string }

func (e *pgErr) Error() string    { return "ERROR: something (SQLSTATE " + e.code + ")" }
func (e *pgErr) SQLState() string { return e.code }

type sqliteErr struct {
	code int
	msg  string
}

func (e *sqliteErr) Error() string { return e.msg }
func (e *sqliteErr) Code() int     { return e.code }

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		dialect Dialect
		err     error
		want    errClass
	}{
		{"PGUnique", Postgres, &pgErr{"23505"}, classUnique},
		{"PGUniqueWrapped", Postgres, fmt.Errorf("exec: %w", &pgErr{"23505"}), classUnique},
		{"PGSerialization", Postgres, &pgErr{"40001"}, classRetry},
		{"PGDeadlock", Postgres, &pgErr{"40P01"}, classRetry},
		{"PGUndefinedTable", Postgres, &pgErr{"42P01"}, classNoTable},
		{"PGOther", Postgres, &pgErr{"42601"}, classOther},
		{"PGIgnoresSQLiteCodes", Postgres, &sqliteErr{5, "database is locked"}, classOther},
		{"SQLiteBusy", SQLite, &sqliteErr{5, "database is locked (5) (SQLITE_BUSY)"}, classRetry},
		{"SQLiteBusySnapshot", SQLite, &sqliteErr{517, "database is locked (517)"}, classRetry},
		{"SQLiteLockedSharedCache", SQLite, &sqliteErr{262, "database table is locked"}, classRetry},
		{"SQLiteUnique", SQLite, &sqliteErr{2067, "UNIQUE constraint failed: t.a"}, classUnique},
		{"SQLitePrimaryKey", SQLite, &sqliteErr{1555, "UNIQUE constraint failed: t.a, t.b"}, classUnique},
		{"SQLiteNotNull", SQLite, &sqliteErr{1299, "NOT NULL constraint failed: t.a"}, classOther},
		{"SQLiteNoTable", SQLite, &sqliteErr{1, "SQL logic error: no such table: aims_records (1)"}, classNoTable},
		{"SQLiteMessageOnly", SQLite, errors.New("database is locked"), classRetry},
		{"SQLiteOther", SQLite, errors.New("disk I/O error"), classOther},
		{"Nil", SQLite, nil, classOther},
	}
	for _, tc := range tests {
		if got := tc.dialect.classify(tc.err); got != tc.want {
			t.Errorf("%s: classify(%v) = %d, want %d", tc.name, tc.err, got, tc.want)
		}
	}
}
