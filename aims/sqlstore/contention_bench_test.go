package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/sqlstore"
	"github.com/aimsgo/iso42001/aims/storetest"
)

// The contention benchmarks create distinct records from 1, 4, 16 and 64
// goroutines at once in one tenant, through the kernel (a Collection on a
// Workspace: validation, JSON, the journal entry sealed under the store's
// journal lock), beside a baseline doing the bare minimum of the same
// inserts with database/sql: one transaction per record inserting its row,
// its attribute rows and a journal row whose Seq comes from an in-process
// counter (no head read, no hash, no lock). Each reports creates/s and
// failures, which must be 0. SQLitePlain opens SQLite with a bare file:
// DSN (no busy timeout, no WAL).

var benchWriters = []int{1, 4, 16, 64}

func benchBackends() []backend { return []backend{sqliteBackend(), sqlitePlainBackend(), pgBackend()} }

// runConcurrent calls op(i) for i in [0, b.N) from writers goroutines and
// reports throughput and failures; unless tolerate is set, any failure
// fails the benchmark.
func runConcurrent(b *testing.B, writers int, tolerate bool, op func(ctx context.Context, i int64) error) {
	ctx := context.Background()
	var next, failed atomic.Int64
	var firstErr atomic.Value
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				if err := op(ctx, i); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
	b.ReportMetric(float64(failed.Load()), "failures")
	if err, ok := firstErr.Load().(error); ok && !tolerate {
		b.Errorf("%d of %d creates failed; first: %v", failed.Load(), b.N, err)
	}
}

func BenchmarkConcurrentCreates(b *testing.B) {
	for _, be := range benchBackends() {
		for _, w := range benchWriters {
			b.Run(fmt.Sprintf("%s/writers=%d", be.name, w), func(b *testing.B) {
				be.available(b)
				s := be.store(b)
				ws, err := aims.NewWorkspace(s, "acme", &aims.Options{Clock: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 1, time.UTC) }})
				if err != nil {
					b.Fatal(err)
				}
				notes := storetest.Notes(ws)
				runConcurrent(b, w, false, func(ctx context.Context, i int64) error {
					n := &storetest.Note{Title: "a note of about the size of a risk title", Owner: "ana"}
					n.ID = fmt.Sprintf("n-%09d", i)
					return notes.Create(ctx, "ana", n)
				})
			})
		}
	}
}

func BenchmarkBaselineConcurrentRawCreates(b *testing.B) {
	for _, be := range benchBackends() {
		for _, w := range benchWriters {
			b.Run(fmt.Sprintf("%s/writers=%d", be.name, w), func(b *testing.B) {
				be.available(b)
				db, _ := be.open(b)
				if _, err := sqlstore.Open(context.Background(), db, be.dialect); err != nil {
					b.Fatal(err)
				}
				rebind := func(q string) string { return q }
				if be.dialect == sqlstore.Postgres {
					rebind = pgRebind
				}
				insRec := rebind(`INSERT INTO aims_records (tenant, kind, id, version, attrs, data) VALUES (?, ?, ?, 1, ?, ?)`)
				insAttr := rebind(`INSERT INTO aims_record_attrs (tenant, kind, id, name, value) VALUES (?, ?, ?, ?, ?)`)
				insEntry := rebind(`INSERT INTO aims_journal (tenant, seq, time, actor, kind, id, event, from_state, to_state, version, digest, prev, hash)
					VALUES (?, ?, ?, ?, ?, ?, ?, '', '', 1, ?, ?, ?)`)
				data := []byte(`{"kind":"note","schemaVersion":1,"id":"n-000000000","version":1,"title":"a note of about the size of a risk title","owner":"ana"}`)
				var seq atomic.Int64
				at := time.Date(2025, 6, 1, 12, 0, 0, 1, time.UTC).Format(time.RFC3339Nano)
				// Bare database/sql on a bare file: DSN lets SQLITE_BUSY
				// through: its failures are reported, not fatal, to show
				// what the store absorbs.
				tolerate := be.name == "SQLitePlain"
				runConcurrent(b, w, tolerate, func(ctx context.Context, i int64) error {
					id := fmt.Sprintf("n-%09d", i)
					return rawCreate(ctx, db, func(tx *sql.Tx) error {
						if _, err := tx.ExecContext(ctx, insRec, "acme", "note", id, `{"owner":"ana"}`, data); err != nil {
							return err
						}
						if _, err := tx.ExecContext(ctx, insAttr, "acme", "note", id, "owner", "ana"); err != nil {
							return err
						}
						_, err := tx.ExecContext(ctx, insEntry, "acme", seq.Add(1), at, "ana", "note", id, aims.EventCreate, aims.GenesisHash, aims.GenesisHash, aims.GenesisHash)
						return err
					})
				})
			})
		}
	}
}

func rawCreate(ctx context.Context, db *sql.DB, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// pgRebind numbers the ? placeholders as $1, $2, ...
func pgRebind(q string) string {
	out := make([]byte, 0, len(q)+16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] != '?' {
			out = append(out, q[i])
			continue
		}
		n++
		out = append(out, fmt.Sprintf("$%d", n)...)
	}
	return string(out)
}
