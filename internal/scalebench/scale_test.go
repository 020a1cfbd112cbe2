package scalebench_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/aimsgo/iso42001"
	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/aims/sqlstore"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/risk"
)

var clock = func() time.Time { return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) }

func sizes(b *testing.B) []int {
	env := os.Getenv("ISO42001_SCALE")
	if env == "" && os.Getenv("ISO42001_BENCH_QUICK") == "1" {
		return []int{1_000}
	}
	if env == "" {
		return []int{1_000, 10_000}
	}
	var out []int
	for f := range strings.SplitSeq(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("ISO42001_SCALE: %q is not a positive size", f)
		}
		out = append(out, n)
	}
	return out
}

// seedRoles makes alice the AIMS manager, as an identity provider would,
// so that the policy lets her write.
func seedRoles(b *testing.B, a *iso42001.AIMS) {
	b.Helper()
	ra := &aims.RoleAssignment{Meta: aims.Meta{ID: "alice"}, Roles: []aims.Role{aims.RoleAIMSManager}}
	if err := aims.RoleAssignments(a.Workspace()).Create(context.Background(), "admin", ra); err != nil {
		b.Fatal(err)
	}
}

// fill adds n AI systems and n assessed risks, one on each, through the
// public API.
func fill(b *testing.B, a *iso42001.AIMS, n int) {
	b.Helper()
	ctx := context.Background()
	seedRoles(b, a)
	systems := aims.AISystems(a.Workspace())
	for i := range n {
		sys := &aims.AISystem{Meta: aims.Meta{ID: fmt.Sprintf("sys-%d", i)}, Name: fmt.Sprintf("Model %d", i),
			Roles: []aims.AIRole{aims.AIRoleProvider}, Owner: "alice", InScope: true}
		if err := systems.Create(ctx, "alice", sys); err != nil {
			b.Fatal(err)
		}
		rk := &risk.Risk{Meta: aims.Meta{ID: fmt.Sprintf("R-%d", i)}, Title: "Drift of model " + sys.ID, Owner: "alice",
			Systems: []string{sys.ID}, Sources: []controls.RiskSource{controls.SourceMachineLearning},
			Causes: []string{"data drift"}, Consequences: []string{"wrong decisions"}}
		if err := a.Risks().Add(ctx, "alice", rk); err != nil {
			b.Fatal(err)
		}
		if _, err := a.Risks().Assess(ctx, "alice", rk.ID, risk.StageInherent, risk.Assessment{Likelihood: 1 + i%5, Consequence: 1 + (i/5)%5}, "benchmark"); err != nil {
			b.Fatal(err)
		}
	}
}

// heapPeak samples the live heap until stop is called, which returns the
// largest growth over the heap at the start.
func heapPeak() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	start := read()
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			peak = max(peak, read())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		peak = max(peak, read())
		if peak < start {
			return 0
		}
		return peak - start
	}
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// run inserts n systems and n risks into a fresh store from open, verifies
// the workspace, runs the baseline and reports the metrics.
func run(b *testing.B, n int, open func(b *testing.B) aims.Store, baseline func(b *testing.B, filled aims.Store) time.Duration) {
	ctx := context.Background()
	recs := float64(2 * n)
	var insert, verify, raw time.Duration
	var peak, live uint64
	for b.Loop() {
		store := open(b)
		a, err := iso42001.Open(ctx, store, "bench", &iso42001.Options{Clock: clock})
		if err != nil {
			b.Fatal(err)
		}
		before := liveHeap()
		stop := heapPeak()
		t0 := time.Now()
		fill(b, a, n)
		insert = time.Since(t0)
		peak = stop()
		if after := liveHeap(); after > before {
			live = after - before
		}
		t0 = time.Now()
		rep, err := a.Verify(ctx)
		verify = time.Since(t0)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Records < 2*n {
			b.Fatalf("Verify checked %d records, want at least %d", rep.Records, 2*n)
		}
		raw = baseline(b, store)
	}
	b.ReportMetric(float64(insert.Nanoseconds())/recs, "insert-ns/rec")
	b.ReportMetric(float64(raw.Nanoseconds())/recs, "raw-ns/rec")
	b.ReportMetric(float64(verify.Nanoseconds())/recs, "verify-ns/rec")
	b.ReportMetric(float64(peak)/recs, "peak-B/rec")
	b.ReportMetric(float64(live)/recs, "live-B/rec")
}

// BenchmarkScale inserts n AI systems and n assessed risks through the
// public API and verifies the whole workspace, on each store, beside the
// bare minimum of the same writes.
func BenchmarkScale(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("memstore/%d", n), func(b *testing.B) {
			run(b, n, func(*testing.B) aims.Store { return memstore.New() }, memBaseline)
		})
	}
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("sqlite/%d", n), func(b *testing.B) {
			var dbs []*sql.DB
			defer func() {
				for _, db := range dbs {
					db.Close()
				}
			}()
			open := func(b *testing.B) (*sql.DB, *sqlstore.Store) {
				path := filepath.Join(b.TempDir(), fmt.Sprintf("aims-%d.db", len(dbs)))
				db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
				if err != nil {
					b.Fatal(err)
				}
				dbs = append(dbs, db)
				s, err := sqlstore.Open(context.Background(), db, sqlstore.SQLite)
				if err != nil {
					b.Fatal(err)
				}
				return db, s
			}
			run(b, n, func(b *testing.B) aims.Store { _, s := open(b); return s }, sqlBaseline(open, func() *sql.DB { return dbs[len(dbs)-1] }))
		})
	}
	dsn := os.Getenv("ISO42001_PG_DSN")
	if dsn == "" {
		return
	}
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("postgres/%d", n), func(b *testing.B) {
			var dbs []*sql.DB
			defer func() {
				for _, db := range dbs {
					db.Close()
				}
			}()
			open := func(b *testing.B) (*sql.DB, *sqlstore.Store) {
				db := pgSchema(b, dsn)
				dbs = append(dbs, db)
				s, err := sqlstore.Open(context.Background(), db, sqlstore.Postgres)
				if err != nil {
					b.Fatal(err)
				}
				return db, s
			}
			run(b, n, func(b *testing.B) aims.Store { _, s := open(b); return s }, sqlBaseline(open, func() *sql.DB { return dbs[len(dbs)-1] }))
		})
	}
}

// pgSchema opens a pool on a fresh schema of the server, dropped after b.
func pgSchema(b testing.TB, dsn string) *sql.DB {
	var r [8]byte
	_, _ = rand.Read(r[:])
	schema := "aims_scale_" + hex.EncodeToString(r[:])
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		admin, err := sql.Open("pgx", dsn)
		if err == nil {
			_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
		}
	})
	scoped := dsn + " search_path=" + schema
	if strings.Contains(dsn, "://") {
		u, err := url.Parse(dsn)
		if err != nil {
			b.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		scoped = u.String()
	}
	db, err := sql.Open("pgx", scoped)
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// dump reads every record and journal entry of the filled store.
func dump(b *testing.B, s aims.Store) (recs []aims.Record, entries []aims.Entry) {
	ctx := context.Background()
	kinds, err := s.(aims.KindLister).Kinds(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	for _, k := range kinds {
		q := aims.Query{Kind: k, Limit: aims.MaxPageSize}
		for {
			p, err := s.List(ctx, "bench", q)
			if err != nil {
				b.Fatal(err)
			}
			recs = append(recs, p.Records...)
			if p.Next == "" {
				break
			}
			q.After = p.Next
		}
	}
	for from := uint64(1); ; {
		es, err := s.ReadJournal(ctx, "bench", from, aims.MaxPageSize)
		if err != nil {
			b.Fatal(err)
		}
		if len(es) == 0 {
			break
		}
		entries = append(entries, es...)
		from = es[len(es)-1].Seq + 1
	}
	return recs, entries
}

// share returns the part t of T of items.
func share[T any](items []T, t, total int) []T {
	return items[t*len(items)/total : (t+1)*len(items)/total]
}

// memBaseline writes the filled store's records and entries to a fresh
// memstore with Apply, one batch per journal entry.
func memBaseline(b *testing.B, filled aims.Store) time.Duration {
	recs, entries := dump(b, filled)
	s := memstore.New()
	ctx := context.Background()
	t0 := time.Now()
	for t := range entries {
		var batch aims.Batch
		for _, r := range share(recs, t, len(entries)) {
			batch.Writes = append(batch.Writes, aims.Write{Record: r})
		}
		batch.Entries = entries[t : t+1]
		if _, err := s.Apply(ctx, "bench", batch); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(t0)
}

type rows struct {
	cols []string
	vals [][]any
}

func readTable(b *testing.B, db *sql.DB, table string) rows {
	rs, err := db.Query("SELECT * FROM " + table)
	if err != nil {
		b.Fatal(err)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		b.Fatal(err)
	}
	out := rows{cols: cols}
	for rs.Next() {
		v := make([]any, len(cols))
		p := make([]any, len(cols))
		for i := range v {
			p[i] = &v[i]
		}
		if err := rs.Scan(p...); err != nil {
			b.Fatal(err)
		}
		out.vals = append(out.vals, v)
	}
	if err := rs.Err(); err != nil {
		b.Fatal(err)
	}
	return out
}

// sqlBaseline copies the filled database's record, attribute and journal
// rows to a fresh one with raw prepared inserts, one transaction per
// journal entry holding that entry and its share of the other rows.
func sqlBaseline(open func(b *testing.B) (*sql.DB, *sqlstore.Store), last func() *sql.DB) func(b *testing.B, filled aims.Store) time.Duration {
	return func(b *testing.B, _ aims.Store) time.Duration {
		src := last()
		tables := []string{"aims_journal", "aims_records", "aims_record_attrs"}
		data := make([]rows, len(tables))
		for i, t := range tables {
			data[i] = readTable(b, src, t)
		}
		dst, s := open(b)
		ctx := context.Background()
		stmts := make([]*sql.Stmt, len(tables))
		for i, t := range tables {
			marks := make([]string, len(data[i].cols))
			for j := range marks {
				if s.Dialect() == sqlstore.Postgres {
					marks[j] = fmt.Sprintf("$%d", j+1)
				} else {
					marks[j] = "?"
				}
			}
			st, err := dst.Prepare("INSERT INTO " + t + " (" + strings.Join(data[i].cols, ", ") + ") VALUES (" + strings.Join(marks, ", ") + ")")
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			stmts[i] = st
		}
		total := len(data[0].vals)
		t0 := time.Now()
		for t := range total {
			tx, err := dst.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			for i := range tables {
				st := tx.StmtContext(ctx, stmts[i])
				for _, v := range share(data[i].vals, t, total) {
					if _, err := st.ExecContext(ctx, v...); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(t0)
	}
}
