package scalebench_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aimsgo/iso42001"
	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/aims/sqlstore"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/cputime"
	"github.com/aimsgo/iso42001/risk"
)

// The read benchmarks (issue 15, the read side): the SoA from the
// register (soa.Service.Preview), a stage 2 readiness run and a
// management review's inputs over N AI systems and N assessed risks (one
// in four treated with two controls), each beside a bare pass reading the
// same rows: every risk record (and, for readiness, every AI system
// record) paged through Store.List, nothing decoded. They report CPU time
// per operation (user + system, getrusage), steadier than wall time on a
// shared machine:
//
//	go test ./internal/scalebench -run '^$' -bench Read -benchtime 3x
//
// Sizes as BenchmarkScale's (ISO42001_READ_SCALE overrides
// ISO42001_SCALE for these alone). The register is written through the
// public API for its first risk and system, then cloned from those
// documents straight into the store in batches without journal entries:
// reads do not consult the journal, and a million records through the
// public API would take the benchmark's whole budget.

func readSizes(b *testing.B) []int {
	env := os.Getenv("ISO42001_READ_SCALE")
	if env == "" {
		return sizes(b)
	}
	var out []int
	for f := range strings.SplitSeq(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("ISO42001_READ_SCALE: %q is not a positive size", f)
		}
		out = append(out, n)
	}
	return out
}

// treatedControls are the controls the treated risks choose, two each.
var treatedControls = []string{"A.2.2", "A.5.2", "A.6.2.4", "A.6.2.6", "A.7.4", "A.8.2", "A.9.3", "A.10.3"}

// readFixture is an AIMS holding n systems and n risks.
type readFixture struct {
	a     *iso42001.AIMS
	store aims.Store
	err   error
}

var readFixtures sync.Map // "store/n" -> *readFixture, built once

// fastFill writes n AI systems and n risks: sys-0 and R-0 (assessed) and
// R-1 (assessed, evaluated and treated) through the public API, the rest
// cloned from their stored documents with the attributes the kernel
// derives, straight into the store.
func fastFill(ctx context.Context, a *iso42001.AIMS, n int) error {
	ws := a.Workspace()
	roles := aims.RoleAssignments(ws)
	if err := roles.Create(ctx, "alice", &aims.RoleAssignment{Meta: aims.Meta{ID: "alice"},
		Roles: []aims.Role{aims.RoleTopManagement, aims.RoleAIMSManager}}); err != nil {
		return err
	}
	systems := aims.AISystems(ws)
	reg := a.Risks()
	sys0 := &aims.AISystem{Meta: aims.Meta{ID: "sys-0"}, Name: "Model 0", Roles: []aims.AIRole{aims.AIRoleProvider}, Owner: "alice", InScope: true}
	if err := systems.Create(ctx, "alice", sys0); err != nil {
		return err
	}
	for i, id := range []string{"R-0", "R-1"} {
		rk := &risk.Risk{Meta: aims.Meta{ID: id}, Title: "Drift of model sys-0", Owner: "alice", Systems: []string{"sys-0"},
			Sources: []controls.RiskSource{controls.SourceMachineLearning}, Causes: []string{"data drift"}, Consequences: []string{"wrong decisions"}}
		if err := reg.Add(ctx, "alice", rk); err != nil {
			return err
		}
		if _, err := reg.Assess(ctx, "alice", id, risk.StageInherent, risk.Assessment{Likelihood: 4, Consequence: 4}, "benchmark"); err != nil {
			return err
		}
		if i == 0 {
			continue
		}
		for _, ev := range []risk.Event{risk.EventAnalyse, risk.EventEvaluate} {
			if _, err := reg.Fire(ctx, "alice", id, ev, nil); err != nil {
				return err
			}
		}
		if _, err := reg.Treat(ctx, "alice", id, risk.Treatment{Options: []risk.Option{risk.OptionChangeLikelihood},
			Controls: []risk.ControlChoice{{ID: "A.6.2.4"}, {ID: "A.7.4"}}}); err != nil {
			return err
		}
	}
	sysT, err := systems.Get(ctx, "sys-0")
	if err != nil {
		return err
	}
	assessedT, err := reg.Get(ctx, "R-0")
	if err != nil {
		return err
	}
	treatedT, err := reg.Get(ctx, "R-1")
	if err != nil {
		return err
	}
	tx, ok := ws.Store().(aims.Transactor)
	if !ok {
		return fmt.Errorf("store %T has no batch writes", ws.Store())
	}
	var batch []aims.Write
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := tx.Apply(ctx, ws.Tenant(), aims.Batch{Writes: batch})
		batch = batch[:0]
		return err
	}
	add := func(kind string, doc any, h *aims.Meta, attrs map[string]string) error {
		data, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		if h.State != "" {
			attrs["state"] = h.State
		}
		batch = append(batch, aims.Write{Record: aims.Record{Kind: kind, ID: h.ID, Attrs: attrs, Data: data}})
		if len(batch) == 1000 {
			return flush()
		}
		return nil
	}
	for i := 1; i < n; i++ {
		s := *sysT
		s.ID, s.Name, s.Version = fmt.Sprintf("sys-%d", i), fmt.Sprintf("Model %d", i), 1
		if err := add(aims.KindAISystem, &s, &s.Meta, s.Attributes()); err != nil {
			return err
		}
	}
	for i := 2; i < n+1; i++ {
		var rk risk.Risk
		if i%4 == 1 {
			rk = *treatedT
			t := *rk.Treatment
			t.Controls = []risk.ControlChoice{{ID: treatedControls[i%len(treatedControls)]}, {ID: treatedControls[(i/8)%len(treatedControls)]}}
			if t.Controls[0].ID == t.Controls[1].ID {
				t.Controls = t.Controls[:1]
			}
			rk.Treatment = &t
		} else {
			rk = *assessedT
		}
		rk.ID, rk.Version = fmt.Sprintf("R-%d", i), 1
		sysID := fmt.Sprintf("sys-%d", i%n)
		rk.Title, rk.Systems = "Drift of model "+sysID, []string{sysID}
		rating, err := reg.Rate("alice", risk.Assessment{Likelihood: 1 + i%5, Consequence: 1 + (i/5)%5}, "benchmark")
		if err != nil {
			return err
		}
		rk.Inherent = rating
		if err := add(risk.Kind, &rk, &rk.Meta, rk.Attributes()); err != nil {
			return err
		}
	}
	return flush()
}

// readAIMS returns the fixture of kind and size n, built on first use;
// owner (the whole benchmark) outlives it and drops a PostgreSQL schema
// when it ends.
func readAIMS(b, owner *testing.B, kind string, n int) *iso42001.AIMS {
	b.Helper()
	v, _ := readFixtures.LoadOrStore(fmt.Sprintf("%s/%d", kind, n), &readFixture{})
	f := v.(*readFixture)
	if f.a == nil && f.err == nil {
		ctx := context.Background()
		var store aims.Store
		switch kind {
		case "memstore":
			store = memstore.New()
		case "sqlite":
			dir, err := os.MkdirTemp("", "iso42001-read-")
			if err != nil {
				b.Fatal(err)
			}
			db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "aims.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
			if err != nil {
				b.Fatal(err)
			}
			if store, err = sqlstore.Open(ctx, db, sqlstore.SQLite); err != nil {
				b.Fatal(err)
			}
		case "postgres":
			var err error
			if store, err = sqlstore.Open(ctx, pgSchema(owner, os.Getenv("ISO42001_PG_DSN")), sqlstore.Postgres); err != nil {
				b.Fatal(err)
			}
		}
		a, err := iso42001.Open(ctx, store, "bench", &iso42001.Options{Clock: clock})
		if err == nil {
			err = fastFill(ctx, a, n)
		}
		f.a, f.store, f.err = a, store, err
	}
	if f.err != nil {
		b.Fatal(f.err)
	}
	return f.a
}

// listPass pages through every record of kind, decoding nothing: the
// bare minimum of reading the same rows.
func listPass(ctx context.Context, a *iso42001.AIMS, kind string) (int, error) {
	ws := a.Workspace()
	q := aims.Query{Kind: kind, Limit: aims.MaxPageSize}
	n := 0
	for {
		page, err := ws.Store().List(ctx, ws.Tenant(), q)
		if err != nil {
			return 0, err
		}
		n += len(page.Records)
		if page.Next == "" {
			return n, nil
		}
		q.After = page.Next
	}
}

// measure runs op b.N times and reports its CPU time per op.
func measure(b *testing.B, op func(ctx context.Context) error) {
	ctx := context.Background()
	if err := op(ctx); err != nil { // warm: fixture built, caches primed
		b.Fatal(err)
	}
	var cpu time.Duration
	for b.Loop() {
		c0 := cputime.Now()
		if err := op(ctx); err != nil {
			b.Fatal(err)
		}
		cpu += cputime.Now() - c0
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkRead measures, per store (PostgreSQL too when ISO42001_PG_DSN
// names a server) and size, the SoA from the register,
// stage 2 readiness and review inputs beside bare passes over the same
// rows.
func BenchmarkRead(b *testing.B) {
	owner := b
	kinds := []string{"memstore", "sqlite"}
	if os.Getenv("ISO42001_PG_DSN") != "" {
		kinds = append(kinds, "postgres")
	}
	for _, kind := range kinds {
		for _, n := range readSizes(b) {
			b.Run(fmt.Sprintf("%s/%d", kind, n), func(b *testing.B) {
				b.Run("soa", func(b *testing.B) {
					a := readAIMS(b, owner, kind, n)
					measure(b, func(ctx context.Context) error {
						s, err := a.SoA().Preview(ctx)
						if err == nil && len(s.Entries) == 0 {
							err = fmt.Errorf("empty SoA")
						}
						return err
					})
				})
				b.Run("bare-risks", func(b *testing.B) {
					a := readAIMS(b, owner, kind, n)
					measure(b, func(ctx context.Context) error {
						got, err := listPass(ctx, a, risk.Kind)
						if err == nil && got < n {
							err = fmt.Errorf("listed %d risks, want %d", got, n)
						}
						return err
					})
				})
				b.Run("readiness", func(b *testing.B) {
					a := readAIMS(b, owner, kind, n)
					measure(b, func(ctx context.Context) error {
						_, err := a.Readiness(ctx, audit.Stage2)
						return err
					})
				})
				b.Run("bare-risks+systems", func(b *testing.B) {
					a := readAIMS(b, owner, kind, n)
					measure(b, func(ctx context.Context) error {
						if _, err := listPass(ctx, a, risk.Kind); err != nil {
							return err
						}
						_, err := listPass(ctx, a, aims.KindAISystem)
						return err
					})
				})
				// Cold: a new AIMS over the same store each time, so the
				// projections are read from scratch (the first read of a
				// process that just opened the store).
				for _, phase := range []string{"soa", "readiness"} {
					b.Run(phase+"-cold", func(b *testing.B) {
						a := readAIMS(b, owner, kind, n)
						measure(b, func(ctx context.Context) error {
							fresh, err := iso42001.Open(ctx, a.Workspace().Store(), "bench", &iso42001.Options{Clock: clock})
							if err != nil {
								return err
							}
							if phase == "soa" {
								_, err = fresh.SoA().Preview(ctx)
							} else {
								_, err = fresh.Readiness(ctx, audit.Stage2)
							}
							return err
						})
					})
				}
				// The memory the projections hold: the live heap after a
				// new AIMS over the same store ran the SoA, readiness and
				// review inputs, less the live heap before, per record.
				b.Run("projections-memory", func(b *testing.B) {
					a := readAIMS(b, owner, kind, n)
					ctx := context.Background()
					var per float64
					for b.Loop() {
						before := liveHeap()
						fresh, err := iso42001.Open(ctx, a.Workspace().Store(), "bench", &iso42001.Options{Clock: clock})
						if err != nil {
							b.Fatal(err)
						}
						if _, err := fresh.SoA().Preview(ctx); err != nil {
							b.Fatal(err)
						}
						if _, err := fresh.Readiness(ctx, audit.Stage2); err != nil {
							b.Fatal(err)
						}
						if _, err := fresh.Reviews().Gather(ctx); err != nil {
							b.Fatal(err)
						}
						per = (float64(liveHeap()) - float64(before)) / float64(2*n)
						runtime.KeepAlive(fresh)
					}
					b.ReportMetric(per, "B/rec")
				})
				b.Run("review", func(b *testing.B) {
					a := readAIMS(b, owner, kind, n)
					measure(b, func(ctx context.Context) error {
						_, err := a.Reviews().Gather(ctx)
						return err
					})
				})
				// After writes: 1,000 risks reassessed through the register
				// (not timed), then a readiness run, which replays their
				// journal entries into the projections.
				b.Run("readiness-after-1k-writes", func(b *testing.B) {
					a := readAIMS(b, owner, kind, n)
					ctx := context.Background()
					if _, err := a.Readiness(ctx, audit.Stage2); err != nil {
						b.Fatal(err)
					}
					var cpu time.Duration
					round, next := 0, 0
					for b.Loop() {
						b.StopTimer()
						for done := 0; done < writesPerRound; next++ {
							k := 2 + next%(n-1)
							if k%4 == 1 {
								continue // treated: past inherent assessment
							}
							if _, err := a.Risks().Assess(ctx, "alice", fmt.Sprintf("R-%d", k), risk.StageInherent, risk.Assessment{Likelihood: 1 + round%5, Consequence: 2}, "benchmark"); err != nil {
								b.Fatal(err)
							}
							done++
						}
						round++
						b.StartTimer()
						c0 := cputime.Now()
						if _, err := a.Readiness(ctx, audit.Stage2); err != nil {
							b.Fatal(err)
						}
						cpu += cputime.Now() - c0
					}
					b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/1e6, "cpu-ms/op")
				})
			})
		}
	}
}

// writesPerRound is how many risks the after-writes benchmark reassesses
// before each readiness run.
const writesPerRound = 1000
