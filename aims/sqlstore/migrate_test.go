package sqlstore_test

import (
	"database/sql"
	"errors"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/sqlstore"
)

func TestMigrationsList(t *testing.T) {
	t.Parallel()
	lite, pg := sqlstore.Migrations(sqlstore.SQLite), sqlstore.Migrations(sqlstore.Postgres)
	if len(lite) == 0 || len(lite) != len(pg) {
		t.Fatalf("Migrations: %d for SQLite, %d for Postgres; want the same non-zero number", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Version != i+1 || pg[i].Version != i+1 {
			t.Errorf("step %d: versions %d (SQLite) and %d (Postgres), want %d: versions run from 1 without gaps", i, lite[i].Version, pg[i].Version, i+1)
		}
		if lite[i].Name == "" || lite[i].Name != pg[i].Name {
			t.Errorf("step %d: names %q and %q, want one non-empty name for both dialects", i, lite[i].Name, pg[i].Name)
		}
		if len(lite[i].Statements) == 0 || len(pg[i].Statements) == 0 {
			t.Errorf("step %d: no statements", i)
		}
	}
	if got := sqlstore.SchemaVersion(); got != len(lite) {
		t.Errorf("SchemaVersion() = %d, want %d", got, len(lite))
	}
	if got := sqlstore.Migrations("oracle"); got != nil {
		t.Errorf("Migrations(oracle) = %v, want nil", got)
	}
	// The result is a copy.
	lite[0].Statements[0] = "DROP TABLE everything"
	if again := sqlstore.Migrations(sqlstore.SQLite); again[0].Statements[0] == "DROP TABLE everything" {
		t.Errorf("Migrations returned the package's own slice")
	}
}

func TestNewRejects(t *testing.T) {
	t.Parallel()
	db, _ := openSQLite(t)
	tests := []struct {
		name    string
		dialect sqlstore.Dialect
		nilDB   bool
	}{
		{"UnknownDialect", "mysql", false},
		{"EmptyDialect", "", false},
		{"NilDB", sqlstore.SQLite, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := db
			if tc.nilDB {
				d = nil
			}
			if _, err := sqlstore.New(d, tc.dialect); !errors.Is(err, aims.ErrInvalid) {
				t.Errorf("New: error = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			be.available(t)
			t.Run("NotMigrated", func(t *testing.T) {
				t.Parallel()
				testNotMigrated(t, be)
			})
			t.Run("Idempotent", func(t *testing.T) {
				t.Parallel()
				testIdempotent(t, be)
			})
			t.Run("Concurrent", func(t *testing.T) {
				t.Parallel()
				testConcurrentMigrate(t, be)
			})
			t.Run("NewerSchema", func(t *testing.T) {
				t.Parallel()
				testNewerSchema(t, be)
			})
		})
	}
}

// testNotMigrated: every operation on a fresh database names the missing
// migration instead of failing on a missing table, and nothing is created
// behind the caller's back.
func testNotMigrated(t *testing.T, be backend) {
	db, _ := be.open(t)
	s, err := sqlstore.New(db, be.dialect)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx := t.Context()
	if v, err := s.Version(ctx); err != nil || v != 0 {
		t.Fatalf("Version of a fresh database = %d, %v; want 0, nil", v, err)
	}
	calls := []struct {
		name string
		call func() error
	}{
		{"Get", func() error { _, err := s.Get(ctx, "t", "k", "i"); return err }},
		{"Put", func() error { _, err := s.Put(ctx, "t", aims.Record{Kind: "k", ID: "i"}, 0); return err }},
		{"Delete", func() error { return s.Delete(ctx, "t", "k", "i", 1) }},
		{"List", func() error { _, err := s.List(ctx, "t", aims.Query{Kind: "k"}); return err }},
		{"Append", func() error { return s.Append(ctx, "t", aims.Entry{Seq: 1}) }},
		{"ReadJournal", func() error { _, err := s.ReadJournal(ctx, "t", 1, 0); return err }},
		{"Head", func() error { _, err := s.Head(ctx, "t"); return err }},
		{"Apply", func() error { _, err := s.Apply(ctx, "t", aims.Batch{}); return err }},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, sqlstore.ErrNotMigrated) {
			t.Errorf("%s before Migrate: error = %v, want ErrNotMigrated", c.name, err)
		}
	}
	if v, err := s.Version(ctx); err != nil || v != 0 {
		t.Errorf("Version after refused operations = %d, %v; want 0, nil (nothing created)", v, err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if _, err := s.Put(ctx, "t", aims.Record{Kind: "k", ID: "i"}, 0); err != nil {
		t.Errorf("Put after Migrate: %v", err)
	}
}

func testIdempotent(t *testing.T, be backend) {
	db, _ := be.open(t)
	ctx := t.Context()
	s, err := sqlstore.Open(ctx, db, be.dialect)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if _, err := s.Put(ctx, "t", aims.Record{Kind: "k", ID: "i", Data: []byte("kept")}, 0); err != nil {
		t.Fatalf("Put: %v", err)
	}
	for range 3 {
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
	}
	// A second store on the same database finds the schema current.
	s2, err := sqlstore.Open(ctx, db, be.dialect)
	if err != nil {
		t.Fatalf("Open again: %v", err)
	}
	if rec, err := s2.Get(ctx, "t", "k", "i"); err != nil || string(rec.Data) != "kept" {
		t.Errorf("Get after repeated migrations = %q, %v; want \"kept\"", rec.Data, err)
	}
	wantVersions(t, be, s, db)
}

// wantVersions checks that aims_schema_migrations lists each step once.
func wantVersions(t *testing.T, be backend, s *sqlstore.Store, db *sql.DB) {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), "SELECT version FROM aims_schema_migrations ORDER BY version")
	if err != nil {
		t.Fatalf("reading aims_schema_migrations: %v", err)
	}
	defer rows.Close()
	var got []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatalf("scan: %v", err)
		}
		got = append(got, v)
	}
	var want []int
	for _, m := range sqlstore.Migrations(be.dialect) {
		want = append(want, m.Version)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("applied versions (-want +got):\n%s", diff)
	}
	if v, err := s.Version(t.Context()); err != nil || v != sqlstore.SchemaVersion() {
		t.Errorf("Version = %d, %v; want %d", v, err, sqlstore.SchemaVersion())
	}
}

// testConcurrentMigrate runs Migrate from several pools (as from several
// processes) on one fresh database at once: all succeed, each step is
// applied once.
func testConcurrentMigrate(t *testing.T, be backend) {
	db, reopen := be.open(t)
	const n = 6
	stores := make([]*sqlstore.Store, n)
	for i := range stores {
		pool := db
		if i > 0 {
			pool = reopen()
		}
		s, err := sqlstore.New(pool, be.dialect)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		stores[i] = s
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, s := range stores {
		wg.Go(func() { errs[i] = s.Migrate(t.Context()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("concurrent Migrate %d: %v", i, err)
		}
	}
	wantVersions(t, be, stores[0], db)
}

// testNewerSchema: a database migrated by a newer release is refused, not
// downgraded or written.
func testNewerSchema(t *testing.T, be backend) {
	db, _ := be.open(t)
	ctx := t.Context()
	s, err := sqlstore.Open(ctx, db, be.dialect)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	q := "INSERT INTO aims_schema_migrations (version, name) VALUES (?, 'from the future')"
	if be.dialect == sqlstore.Postgres {
		q = "INSERT INTO aims_schema_migrations (version, name) VALUES ($1, 'from the future')"
	}
	if _, err := db.ExecContext(ctx, q, sqlstore.SchemaVersion()+1); err != nil {
		t.Fatalf("insert a future version: %v", err)
	}
	if err := s.Migrate(ctx); err == nil {
		t.Errorf("Migrate over a newer schema succeeded, want an error")
	}
	fresh, err := sqlstore.New(db, be.dialect)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = fresh.Put(ctx, "t", aims.Record{Kind: "k", ID: "i"}, 0)
	if err == nil || errors.Is(err, sqlstore.ErrNotMigrated) {
		t.Errorf("Put on a newer schema: error = %v, want a refusal that is not ErrNotMigrated", err)
	}
}
