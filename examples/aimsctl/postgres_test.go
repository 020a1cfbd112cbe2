package main

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
)

// TestPostgresWorkspace runs the CLI against PostgreSQL when .ci/run (or
// the developer) provides ISO42001_PG_DSN: a postgres:// --db selects the
// PostgreSQL store. The workspace gets a schema of its own via search_path.
func TestPostgresWorkspace(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv("ISO42001_PG_DSN")
	if dsn == "" {
		if os.Getenv("ISO42001_REQUIRE_PG") == "1" {
			t.Fatal("ISO42001_REQUIRE_PG=1 but ISO42001_PG_DSN is unset")
		}
		t.Skip("ISO42001_PG_DSN unset: no PostgreSQL to test against")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "aimsctl_test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db := u.String()

	env := map[string]string{"AIMSCTL_NOW": "2026-11-24T10:00:00Z", "AIMSCTL_ACTOR": "alice"}
	must := func(args ...string) string {
		t.Helper()
		out, stderr, code := cli(t, env, append(args, "--db", db)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		return out
	}
	must("init", "--owner", "alice")
	must("system", "add", "--id", "credit", "--name", "Credit scoring", "--role", "provider")
	if out := must("system", "list"); !strings.Contains(out, "Credit scoring") {
		t.Fatalf("system list on PostgreSQL:\n%s", out)
	}
	if out := must("journal", "verify"); !strings.Contains(out, "intact") {
		t.Fatalf("journal verify on PostgreSQL: %s", out)
	}
	// The rows really are in PostgreSQL, in the workspace's schema.
	var n int
	if err := admin.QueryRowContext(t.Context(), "SELECT count(*) FROM "+schema+".aims_records").Scan(&n); err != nil || n == 0 {
		t.Fatalf("records in %s: %d, %v", schema, n, err)
	}
}
