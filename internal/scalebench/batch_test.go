package scalebench_test

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aimsgo/iso42001"
	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/aims/sqlstore"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/cputime"
	"github.com/aimsgo/iso42001/risk"
)

// importChunk is the number of changes the batch benchmark commits
// together, and the raw baseline's rows per transaction.
const importChunk = 5000

// incrementalTail is the number of entries the incremental Verify checks.
const incrementalTail = 1000

// cpuOf runs fn and returns the CPU time it took.
func cpuOf(fn func()) time.Duration {
	cpu, _ := spanOf(fn)
	return cpu
}

// spanOf runs fn and returns the CPU and wall time it took. On
// PostgreSQL the server's CPU is not the process's: compare wall times.
func spanOf(fn func()) (cpu, wall time.Duration) {
	t0, w0 := cputime.Now(), time.Now()
	fn()
	return cputime.Now() - t0, time.Since(w0)
}

// batchBackend opens a fresh store; db is nil for memstore.
type batchBackend struct {
	name string
	open func(b *testing.B) (*sql.DB, aims.Store)
}

func batchBackends(b *testing.B) []batchBackend {
	sqliteOpen := func(b *testing.B) (*sql.DB, aims.Store) {
		path := filepath.Join(b.TempDir(), "aims.db")
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		s, err := sqlstore.Open(context.Background(), db, sqlstore.SQLite)
		if err != nil {
			b.Fatal(err)
		}
		return db, s
	}
	out := []batchBackend{
		{"memstore", func(*testing.B) (*sql.DB, aims.Store) { return nil, memstore.New() }},
		{"sqlite", sqliteOpen},
	}
	if dsn := os.Getenv("ISO42001_PG_DSN"); dsn != "" {
		out = append(out, batchBackend{"postgres", func(b *testing.B) (*sql.DB, aims.Store) {
			db := pgSchema(b, dsn)
			b.Cleanup(func() { db.Close() })
			s, err := sqlstore.Open(context.Background(), db, sqlstore.Postgres)
			if err != nil {
				b.Fatal(err)
			}
			return db, s
		}})
	}
	return out
}

// importInput returns n AI systems and n risks, one on each, with their
// inherent assessments, numbered from first.
func importInput(first, n int) ([]*aims.AISystem, []risk.Import) {
	systems := make([]*aims.AISystem, n)
	items := make([]risk.Import, n)
	for j := range n {
		i := first + j
		systems[j] = &aims.AISystem{Meta: aims.Meta{ID: fmt.Sprintf("sys-%d", i)}, Name: fmt.Sprintf("Model %d", i),
			Roles: []aims.AIRole{aims.AIRoleProvider}, Owner: "alice", InScope: true}
		items[j] = risk.Import{
			Risk: &risk.Risk{Meta: aims.Meta{ID: fmt.Sprintf("R-%d", i)}, Title: "Drift of model " + systems[j].ID, Owner: "alice",
				Systems: []string{systems[j].ID}, Sources: []controls.RiskSource{controls.SourceMachineLearning},
				Causes: []string{"data drift"}, Consequences: []string{"wrong decisions"}},
			Inherent: &risk.Assessment{Likelihood: 1 + i%5, Consequence: 1 + (i/5)%5},
			Note:     "benchmark",
		}
	}
	return systems, items
}

// importAll creates the systems, then imports the risks, in chunks.
func importAll(b *testing.B, a *iso42001.AIMS, systems []*aims.AISystem, items []risk.Import) {
	ctx := context.Background()
	opts := &aims.BulkOptions{Chunk: importChunk}
	if n, err := aims.CreateMany(ctx, aims.AISystems(a.Workspace()), "alice", systems, opts); err != nil || n != len(systems) {
		b.Fatalf("CreateMany: %d, %v", n, err)
	}
	if n, err := a.Risks().Import(ctx, "alice", items, opts); err != nil || n != len(items) {
		b.Fatalf("Import: %d, %v", n, err)
	}
}

// barePass reads every journal entry and every record of the tenant in
// pages, as a full Verify does, without checking anything; on a SQL store
// also the attribute index rows, which Verify compares through
// CheckIndex.
func barePass(b *testing.B, s aims.Store, db *sql.DB) (entries, records int) {
	ctx := context.Background()
	for from := uint64(1); ; {
		es, err := s.ReadJournal(ctx, "bench", from, aims.MaxPageSize)
		if err != nil {
			b.Fatal(err)
		}
		if len(es) == 0 {
			break
		}
		entries += len(es)
		from = es[len(es)-1].Seq + 1
	}
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
			records += len(p.Records)
			if p.Next == "" {
				break
			}
			q.After = p.Next
		}
	}
	if db != nil {
		q := "SELECT kind, id, name, value FROM aims_record_attrs WHERE tenant = ? ORDER BY kind, id, name"
		if s.(*sqlstore.Store).Dialect() == sqlstore.Postgres {
			q = strings.Replace(q, "?", "$1", 1)
		}
		rs, err := db.Query(q, "bench")
		if err != nil {
			b.Fatal(err)
		}
		defer rs.Close()
		var kind, id, name, value string
		for rs.Next() {
			if err := rs.Scan(&kind, &id, &name, &value); err != nil {
				b.Fatal(err)
			}
		}
		if err := rs.Err(); err != nil {
			b.Fatal(err)
		}
	}
	return entries, records
}

// BenchmarkScaleBatch imports n AI systems and n assessed risks through
// the batch path (aims.CreateMany and risk.Register.Import, chunks of
// 5,000 changes), beside the same rows written raw; then a full Verify
// beside a bare pass reading the same rows, and an incremental Verify of
// the last 1,000 entries from a signed checkpoint. Figures are CPU time
// (user+system of the process) per record, and peak heap growth per
// record while importing.
func BenchmarkScaleBatch(b *testing.B) {
	seed := make([]byte, ed25519.SeedSize)
	key := ed25519.NewKeyFromSeed(seed)
	pub := key.Public().(ed25519.PublicKey)
	for _, be := range batchBackends(b) {
		for _, n := range sizes(b) {
			b.Run(fmt.Sprintf("%s/%d", be.name, n), func(b *testing.B) {
				ctx := context.Background()
				recs := float64(2 * n)
				var insert, raw, store, verify, bare, incr time.Duration
				var insertWall, rawWall, verifyWall, bareWall time.Duration
				var peak uint64
				for b.Loop() {
					db, s := be.open(b)
					a, err := iso42001.Open(ctx, s, "bench", &iso42001.Options{Clock: clock})
					if err != nil {
						b.Fatal(err)
					}
					seedRoles(b, a)
					systems, items := importInput(0, n)
					stop := heapPeak()
					insert, insertWall = spanOf(func() { importAll(b, a, systems, items) })
					peak = stop()
					systems, items = nil, nil

					ws := a.Workspace()
					var rep aims.VerifyReport
					verify, verifyWall = spanOf(func() { rep, err = ws.Verify(ctx) })
					if err != nil || rep.Records < 2*n {
						b.Fatalf("Verify = %+v, %v; want %d records", rep, err, 2*n)
					}
					var entries, records int
					bare, bareWall = spanOf(func() { entries, records = barePass(b, s, db) })
					if entries != rep.Entries || records != rep.Records {
						b.Fatalf("bare pass read %d entries and %d records, Verify %d and %d", entries, records, rep.Entries, rep.Records)
					}

					if db == nil {
						raw, store = memRaw(b, s)
					} else {
						raw, rawWall = sqlRaw(b, be, db)
					}

					cp, err := ws.Checkpoint(ctx, key, nil)
					if err != nil {
						b.Fatal(err)
					}
					more, _ := importInput(n, incrementalTail)
					if c, err := aims.CreateMany(ctx, aims.AISystems(ws), "alice", more, &aims.BulkOptions{Chunk: importChunk}); err != nil || c != incrementalTail {
						b.Fatalf("CreateMany of the tail: %d, %v", c, err)
					}
					incr = cpuOf(func() {
						rep, err = ws.VerifyWith(ctx, &aims.VerifyOptions{Checkpoints: []aims.Checkpoint{cp}, Keys: []ed25519.PublicKey{pub}, Incremental: true})
					})
					if err != nil || rep.Entries != incrementalTail {
						b.Fatalf("incremental Verify = %+v, %v; want %d entries", rep, err, incrementalTail)
					}
				}
				b.ReportMetric(float64(insert.Nanoseconds())/recs, "insert-cpu-ns/rec")
				b.ReportMetric(float64(raw.Nanoseconds())/recs, "raw-cpu-ns/rec")
				b.ReportMetric(float64(insert)/float64(max(raw, 1)), "insert/raw")
				if store > 0 {
					b.ReportMetric(float64(store.Nanoseconds())/recs, "apply-cpu-ns/rec")
				}
				b.ReportMetric(float64(verify.Nanoseconds())/recs, "verify-cpu-ns/rec")
				b.ReportMetric(float64(bare.Nanoseconds())/recs, "bare-cpu-ns/rec")
				b.ReportMetric(float64(verify)/float64(max(bare, 1)), "verify/bare")
				b.ReportMetric(float64(incr.Microseconds())/1000, "incr1k-cpu-ms")
				b.ReportMetric(float64(peak)/recs, "peak-B/rec")
				if rawWall > 0 {
					b.ReportMetric(float64(insertWall)/float64(rawWall), "insert/raw-wall")
					b.ReportMetric(float64(verifyWall)/float64(max(bareWall, 1)), "verify/bare-wall")
				}
			})
		}
	}
}

// memRaw writes the imported store's records and entries as the bare
// minimum: into a map by key and a slice, with no checks and no copies
// (raw); and, for the store's own share, with memstore's Apply in chunks
// of the same size as the import (store).
func memRaw(b *testing.B, filled aims.Store) (raw, store time.Duration) {
	recs, entries := dump(b, filled)
	type key struct{ kind, id string }
	raw = cpuOf(func() {
		m := make(map[key]aims.Record)
		var journal []aims.Entry
		for _, r := range recs {
			m[key{r.Kind, r.ID}] = r
		}
		journal = append(journal, entries...)
		if len(m) != len(recs) || len(journal) != len(entries) {
			b.Fatal("bare map insert lost rows")
		}
	})
	s := memstore.New()
	ctx := context.Background()
	chunks := max(1, (len(entries)+importChunk-1)/importChunk)
	store = cpuOf(func() {
		for c := range chunks {
			var batch aims.Batch
			for _, r := range share(recs, c, chunks) {
				batch.Writes = append(batch.Writes, aims.Write{Record: r})
			}
			batch.Entries = share(entries, c, chunks)
			if _, err := s.Apply(ctx, "bench", batch); err != nil {
				b.Fatal(err)
			}
		}
	})
	return raw, store
}

// col returns the index of column name in r.
func col(b *testing.B, r rows, name string) int {
	i := slices.Index(r.cols, name)
	if i < 0 {
		b.Fatalf("no column %q in %v", name, r.cols)
	}
	return i
}

// arrivalOrder sorts the record and attribute rows (data[1] and data[2];
// data[0] is the journal, read in seq order) in the order the import
// wrote them: by the seq of the record's first journal entry. A SELECT
// returns them in primary key order, and inserting presorted keys would
// spare the baseline the B-tree work the import does.
func arrivalOrder(b *testing.B, data []rows) {
	j := data[0]
	seqCol, kindCol, idCol := col(b, j, "seq"), col(b, j, "kind"), col(b, j, "id")
	first := make(map[string]int64, len(j.vals))
	for _, v := range j.vals {
		k := fmt.Sprint(v[kindCol], "\x00", v[idCol])
		if _, ok := first[k]; !ok {
			first[k] = v[seqCol].(int64)
		}
	}
	for _, t := range data[1:] {
		kc, ic := col(b, t, "kind"), col(b, t, "id")
		slices.SortStableFunc(t.vals, func(x, y []any) int {
			return cmp.Compare(first[fmt.Sprint(x[kc], "\x00", x[ic])], first[fmt.Sprint(y[kc], "\x00", y[ic])])
		})
	}
}

// sqlRaw copies the imported database's record, attribute and journal
// rows into a fresh one of the same backend with prepared one-row INSERTs,
// in the order the import wrote them, in transactions of the import's
// chunk size (each holding its share of every table), and returns the CPU
// and wall time.
func sqlRaw(b *testing.B, be batchBackend, src *sql.DB) (cpu, wall time.Duration) {
	tables := []string{"aims_journal", "aims_records", "aims_record_attrs"}
	data := make([]rows, len(tables))
	for i, t := range tables {
		data[i] = readTable(b, src, t)
	}
	arrivalOrder(b, data)
	dst, s := be.open(b)
	pg := s.(*sqlstore.Store).Dialect() == sqlstore.Postgres
	ctx := context.Background()
	stmts := make([]*sql.Stmt, len(tables))
	for i, t := range tables {
		marks := make([]string, len(data[i].cols))
		for j := range marks {
			marks[j] = "?"
			if pg {
				marks[j] = fmt.Sprintf("$%d", j+1)
			}
		}
		st, err := dst.Prepare("INSERT INTO " + t + " (" + strings.Join(data[i].cols, ", ") + ") VALUES (" + strings.Join(marks, ", ") + ")")
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		stmts[i] = st
	}
	chunks := max(1, (len(data[0].vals)+importChunk-1)/importChunk)
	return spanOf(func() {
		for c := range chunks {
			tx, err := dst.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			for i := range tables {
				st := tx.StmtContext(ctx, stmts[i])
				for _, v := range share(data[i].vals, c, chunks) {
					if _, err := st.ExecContext(ctx, v...); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
