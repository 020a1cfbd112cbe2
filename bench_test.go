package iso42001_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/aimsgo/iso42001"
	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/aims/sqlstore"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/risk"
)

// The benchmarks here measure what the root package adds on top of the
// services: opening the whole AIMS, a stage 2 readiness run and the risk
// inputs of a management review, each beside a baseline doing the bare
// minimum of the same work. Sizes 1k and 10k run by default; set
// ISO42001_BENCH_LARGE=1 for 100k.

var benchClock = func() time.Time { return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) }

// fill adds n assessed risks, each on an AI system of its own, to a.
func fill(b *testing.B, a *iso42001.AIMS, n int) {
	b.Helper()
	ctx := context.Background()
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

var (
	memOnce sync.Map // size -> *memFixture
)

type memFixture struct {
	once sync.Once
	a    *iso42001.AIMS
}

// memAIMS returns an AIMS on memstore holding n assessed risks, built once
// per size for every benchmark that asks for it.
func memAIMS(b *testing.B, n int) *iso42001.AIMS {
	b.Helper()
	v, _ := memOnce.LoadOrStore(n, &memFixture{})
	f := v.(*memFixture)
	f.once.Do(func() {
		a, err := iso42001.Open(context.Background(), memstore.New(), "bench", &iso42001.Options{Clock: benchClock})
		if err != nil {
			b.Fatal(err)
		}
		iso42001.SeedRoles(b, a, "alice", nil)
		fill(b, a, n)
		f.a = a
	})
	if f.a == nil {
		b.Fatal("fixture failed")
	}
	return f.a
}

// sizes are the register sizes the benchmarks run at: 1k and 10k;
// ISO42001_BENCH_LARGE=1 adds 100k, ISO42001_BENCH_QUICK=1 (CI's smoke
// run of every benchmark) keeps 1k only.
func sizes() []int {
	switch {
	case os.Getenv("ISO42001_BENCH_LARGE") == "1":
		return []int{1_000, 10_000, 100_000}
	case os.Getenv("ISO42001_BENCH_QUICK") == "1":
		return []int{1_000}
	}
	return []int{1_000, 10_000}
}

// BenchmarkReadinessStage2 runs certification readiness, stage 2, over a
// register of n risks and n AI systems.
func BenchmarkReadinessStage2(b *testing.B) {
	for _, n := range sizes() {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			a := memAIMS(b, n)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.Readiness(ctx, audit.Stage2); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkListBaseline is the bare minimum a stage 2 readiness run or a
// review's risk inputs cannot do without: one list-and-decode pass over the
// risks and one over the AI systems. It is the baseline of both.
func BenchmarkListBaseline(b *testing.B) {
	for _, n := range sizes() {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			a := memAIMS(b, n)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := listBoth(ctx, a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func listBoth(ctx context.Context, a *iso42001.AIMS) error {
	for _, err := range a.Risks().Collection().List(ctx, nil) {
		if err != nil {
			return err
		}
	}
	for _, err := range aims.AISystems(a.Workspace()).List(ctx, nil) {
		if err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkReviewInputs gathers a management review's inputs, the risk
// and impact summary included, over n risks.
func BenchmarkReviewInputs(b *testing.B) {
	for _, n := range sizes() {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			a := memAIMS(b, n)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.Reviews().Gather(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// sqliteStore returns a SQLite store at path holding a 10k-record
// workspace (5k AI systems with one assessed risk each), made once.
var sqliteOnce struct {
	once sync.Once
	path string
	err  error
}

func sqliteWorkspace(b *testing.B) string {
	b.Helper()
	sqliteOnce.once.Do(func() {
		dir, err := os.MkdirTemp("", "iso42001-bench-")
		if err != nil {
			sqliteOnce.err = err
			return
		}
		sqliteOnce.path = filepath.Join(dir, "ws.db")
		db, store, err := openSQLite(sqliteOnce.path, true)
		if err != nil {
			sqliteOnce.err = err
			return
		}
		defer db.Close()
		a, err := iso42001.Open(context.Background(), store, "bench", &iso42001.Options{Clock: benchClock})
		if err != nil {
			sqliteOnce.err = err
			return
		}
		iso42001.SeedRoles(b, a, "alice", nil)
		n := 5_000 // 5k systems + 5k risks: 10k records
		if os.Getenv("ISO42001_BENCH_QUICK") == "1" {
			n = 500
		}
		fill(b, a, n)
	})
	if sqliteOnce.err != nil {
		b.Fatal(sqliteOnce.err)
	}
	return sqliteOnce.path
}

func openSQLite(path string, create bool) (*sql.DB, *sqlstore.Store, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return nil, nil, err
	}
	var store *sqlstore.Store
	if create {
		store, err = sqlstore.Open(context.Background(), db, sqlstore.SQLite)
	} else {
		store, err = sqlstore.New(db, sqlstore.SQLite)
	}
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, store, nil
}

// BenchmarkOpenSQLite10k opens the whole AIMS on a 10k-record SQLite
// workspace: every service wired, the criteria read, the check registry
// built.
func BenchmarkOpenSQLite10k(b *testing.B) {
	db, store, err := openSQLite(sqliteWorkspace(b), false)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iso42001.Open(ctx, store, "bench", &iso42001.Options{Clock: benchClock}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenSQLite10kBaseline opens the bare workspace on the same
// store.
func BenchmarkOpenSQLite10kBaseline(b *testing.B) {
	db, store, err := openSQLite(sqliteWorkspace(b), false)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := aims.NewWorkspace(store, "bench", &aims.Options{Clock: benchClock}); err != nil {
			b.Fatal(err)
		}
	}
}
