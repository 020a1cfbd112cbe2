package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/sqlstore"
)

// TestCheckIndexPages: CheckIndex reads records and index in pages of
// 1,000; a disagreement or an index row with no record is found on any
// page, between records, after the last record of a kind (within a page
// and where a page ends with the kind) or after the last one, and a
// record that disagrees is reported before an orphan row.
func TestCheckIndexPages(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			be.available(t)
			// One memo, then notes that fill three pages exactly, then one
			// zeta: the fourth page starts with a new kind.
			const n = 2999
			fresh := func(t *testing.T) (*sql.DB, *sqlstore.Store) {
				db, _ := be.open(t)
				s, err := sqlstore.Open(context.Background(), db, be.dialect)
				if err != nil {
					t.Fatal(err)
				}
				var b aims.Batch
				for i := range n {
					b.Writes = append(b.Writes, aims.Write{Record: aims.Record{Kind: "note", ID: fmt.Sprintf("n-%05d", i), Data: []byte(`{}`),
						Attrs: map[string]string{"owner": fmt.Sprintf("o-%d", i%7), "state": "draft"}}})
				}
				b.Writes = append(b.Writes, aims.Write{Record: aims.Record{Kind: "memo", ID: "m-1", Data: []byte(`{}`)}},
					aims.Write{Record: aims.Record{Kind: "zeta", ID: "z-1", Data: []byte(`{}`)}})
				if _, err := s.Apply(t.Context(), "acme", b); err != nil {
					t.Fatal(err)
				}
				return db, s
			}
			rebind := func(q string) string {
				if be.dialect != sqlstore.Postgres {
					return q
				}
				for i := 1; strings.Contains(q, "?"); i++ {
					q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
				}
				return q
			}
			run := func(t *testing.T, db *sql.DB, q string, args ...any) {
				t.Helper()
				if _, err := db.ExecContext(t.Context(), rebind(q), args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			orphan := `INSERT INTO aims_record_attrs (tenant, kind, id, name, value) VALUES ('acme', ?, ?, 'owner', 'x')`
			for _, tc := range []struct {
				name, kind, id, reason string
				tamper                 func(t *testing.T, db *sql.DB)
			}{
				{"Clean", "", "", "", func(*testing.T, *sql.DB) {}},
				{"EditedOnThirdPage", "note", "n-02100", "in the attribute index", func(t *testing.T, db *sql.DB) {
					run(t, db, `UPDATE aims_record_attrs SET value = 'mallory' WHERE tenant = 'acme' AND id = 'n-02100' AND name = 'owner'`)
				}},
				{"MissingRow", "note", "n-01000", "missing from the attribute index", func(t *testing.T, db *sql.DB) {
					run(t, db, `DELETE FROM aims_record_attrs WHERE tenant = 'acme' AND id = 'n-01000' AND name = 'state'`)
				}},
				{"OrphanBetweenRecords", "note", "n-01500a", "not stored", func(t *testing.T, db *sql.DB) {
					run(t, db, orphan, "note", "n-01500a")
				}},
				{"OrphanBeforeFirst", "a-kind", "x", "not stored", func(t *testing.T, db *sql.DB) {
					run(t, db, orphan, "a-kind", "x")
				}},
				{"OrphanAfterKindInPage", "memo", "m-2", "not stored", func(t *testing.T, db *sql.DB) {
					run(t, db, orphan, "memo", "m-2")
				}},
				{"OrphanAfterKindAtPageEnd", "note", "n-03000", "not stored", func(t *testing.T, db *sql.DB) {
					run(t, db, orphan, "note", "n-03000")
				}},
				{"OrphanBetweenKinds", "p-kind", "x", "not stored", func(t *testing.T, db *sql.DB) {
					run(t, db, orphan, "p-kind", "x")
				}},
				{"OrphanAfterLast", "zzz", "x", "not stored", func(t *testing.T, db *sql.DB) {
					run(t, db, orphan, "zzz", "x")
				}},
				{"RecordBeforeOrphan", "note", "n-02400", "in the attribute index", func(t *testing.T, db *sql.DB) {
					run(t, db, orphan, "memo", "m-0")
					run(t, db, `UPDATE aims_record_attrs SET value = 'mallory' WHERE tenant = 'acme' AND id = 'n-02400' AND name = 'owner'`)
				}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					db, s := fresh(t)
					tc.tamper(t, db)
					err := s.CheckIndex(t.Context(), "acme")
					if tc.id == "" {
						if err != nil {
							t.Fatalf("CheckIndex of an untouched index: %v", err)
						}
						return
					}
					var ce *aims.ChainError
					if !errors.As(err, &ce) || ce.Kind != tc.kind || ce.ID != tc.id || !strings.Contains(ce.Reason, tc.reason) {
						t.Fatalf("CheckIndex = %v, want a ChainError naming %s/%s (%s)", err, tc.kind, tc.id, tc.reason)
					}
				})
			}
		})
	}
}
