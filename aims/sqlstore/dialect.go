package sqlstore

import (
	"errors"
	"strconv"
	"strings"
)

// Dialect names the SQL database a [Store] talks to. The store uses it for
// placeholders, column types, migrations and error codes; it never imports
// a driver.
type Dialect string

// Dialects.
const (
	// SQLite is SQLite 3.35 or later, for example modernc.org/sqlite
	// (driver name "sqlite").
	SQLite Dialect = "sqlite"
	// Postgres is PostgreSQL 12 or later through a database/sql driver such
	// as github.com/jackc/pgx/v5/stdlib (driver name "pgx").
	Postgres Dialect = "postgres"
)

// Valid reports whether d is one of the defined dialects.
func (d Dialect) Valid() bool { return d == SQLite || d == Postgres }

// rebind rewrites the ? placeholders of q into the dialect's form. Queries
// are our own fixed text with no string literals, so every ? is a
// placeholder.
func (d Dialect) rebind(q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] != '?' {
			b.WriteByte(q[i])
			continue
		}
		n++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// errClass is what the store does with a driver error.
type errClass int

const (
	classOther   errClass = iota // infrastructure failure: return it
	classRetry                   // lock contention or serialization failure: run the transaction again
	classUnique                  // unique or primary-key violation: a concurrent writer won
	classNoTable                 // a table is missing: the schema is not migrated
)

// sqlStater is implemented by PostgreSQL driver errors
// (github.com/jackc/pgx/v5/pgconn.PgError, lib/pq's Error via its
// SQLState method).
type sqlStater interface{ SQLState() string }

// coder is implemented by modernc.org/sqlite's *Error: the extended SQLite
// result code.
type coder interface{ Code() int }

// SQLite result codes the store reacts to.
const (
	sqliteBusy             = 5
	sqliteLocked           = 6
	sqliteConstraint       = 19
	sqliteConstraintPK     = 1555
	sqliteConstraintUnique = 2067
)

// classify sorts a driver error by what the store should do about it. It
// matches on the interfaces the drivers' error types implement, so that
// this package need not import them, and falls back on SQLite's fixed
// messages for drivers whose errors carry no code.
func (d Dialect) classify(err error) errClass {
	if err == nil {
		return classOther
	}
	switch d {
	case Postgres:
		var st sqlStater
		if errors.As(err, &st) {
			switch st.SQLState() {
			case "23505": // unique_violation
				return classUnique
			case "40001", "40P01": // serialization_failure, deadlock_detected
				return classRetry
			case "42P01": // undefined_table
				return classNoTable
			}
		}
	case SQLite:
		var c coder
		if errors.As(err, &c) {
			code := c.Code()
			switch code & 0xff {
			case sqliteBusy, sqliteLocked:
				return classRetry
			case sqliteConstraint:
				if code == sqliteConstraintPK || code == sqliteConstraintUnique {
					return classUnique
				}
			}
		}
		msg := err.Error()
		switch {
		case strings.Contains(msg, "database is locked"), strings.Contains(msg, "database table is locked"),
			strings.Contains(msg, "SQLITE_BUSY"):
			return classRetry
		case strings.Contains(msg, "UNIQUE constraint failed"):
			return classUnique
		case strings.Contains(msg, "no such table"):
			return classNoTable
		}
	}
	return classOther
}
