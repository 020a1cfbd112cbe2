package iso42001

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/sqlstore"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/risk"
)

// benchManifest declares n risks, each assessed, and the roles that
// found the workspace: alice (top management, AIMS manager) applies it,
// dave owns the risks.
func benchManifest(n int) *Manifest {
	m := &Manifest{APIVersion: ManifestAPIVersion, Kind: ManifestKind, Organisation: OrganisationSpec{Name: "Bench Ltd"},
		Roles: []RoleSpec{{ID: "alice", Roles: []aims.Role{aims.RoleTopManagement, aims.RoleAIMSManager}}, {ID: "dave", Roles: []aims.Role{aims.RoleRiskManager}}}}
	for i := range n {
		m.Risks = append(m.Risks, RiskSpec{ID: fmt.Sprintf("R-%d", i+1), Title: fmt.Sprintf("Risk %d", i+1), Owner: "dave",
			Sources: []controls.RiskSource{controls.SourceMachineLearning}, Objectives: []controls.AIObjective{controls.AIObjectiveFairness},
			Causes: []string{"a cause"}, Consequences: []string{"a consequence"},
			Inherent: &RatingSpec{Assessment: risk.Assessment{Likelihood: 1 + i%5, Consequence: 1 + i%3}, Note: "bench"}})
	}
	return m
}

// planSizes are the sizes of the plan benchmarks: 1k and 10k;
// ISO42001_BENCH_LARGE=1 adds 100k (the growth figure), and
// ISO42001_BENCH_QUICK=1 (CI's smoke run) keeps 1k.
func planSizes() []int {
	switch {
	case os.Getenv("ISO42001_BENCH_LARGE") == "1":
		return []int{1000, 10000, 100000}
	case os.Getenv("ISO42001_BENCH_QUICK") == "1":
		return []int{1000}
	}
	return []int{1000, 10000}
}

// BenchmarkManifestPlan plans a manifest of n risks against a workspace
// (memstore) that holds the same n: every risk is read, compared field by
// field and found unchanged.
func BenchmarkManifestPlan(b *testing.B) {
	for _, n := range planSizes() {
		b.Run(fmt.Sprintf("risks=%d", n), func(b *testing.B) {
			a, _ := openMem(b)
			m := benchManifest(n)
			if _, err := a.Apply(b.Context(), "alice", m, nil); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				p, err := a.Plan(b.Context(), m, nil)
				if err != nil {
					b.Fatal(err)
				}
				if p.Changed() {
					b.Fatal("plan changes something")
				}
			}
		})
	}
}

// BenchmarkManifestPlanBaseline lists and decodes the same n stored
// risks and nothing else: the floor under a plan.
func BenchmarkManifestPlanBaseline(b *testing.B) {
	for _, n := range planSizes() {
		b.Run(fmt.Sprintf("risks=%d", n), func(b *testing.B) {
			a, _ := openMem(b)
			if _, err := a.Apply(b.Context(), "alice", benchManifest(n), nil); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				k := 0
				for _, err := range a.Risks().Collection().List(b.Context(), nil) {
					if err != nil {
						b.Fatal(err)
					}
					k++
				}
				if k != n {
					b.Fatalf("listed %d risks, want %d", k, n)
				}
			}
		})
	}
}

// BenchmarkDecodeManifest decodes the canonical YAML of a manifest of n
// risks: the parser's cost, which grows faster than the input.
func BenchmarkDecodeManifest(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("risks=%d", n), func(b *testing.B) {
			var buf bytes.Buffer
			if err := EncodeManifest(&buf, benchManifest(n), ""); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeManifest("bench.yaml", buf.Bytes()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// applySizes are the register sizes of the apply benchmarks: 10k, the
// issue's figure; ISO42001_BENCH_QUICK=1 (CI's smoke run) keeps 200.
func applySizes() []int {
	if os.Getenv("ISO42001_BENCH_QUICK") == "1" {
		return []int{200}
	}
	return []int{10_000}
}

// freshSQLite opens an AIMS on a new SQLite file in dir, its workspace
// founded by alice (top management, AIMS manager) with dave as risk
// manager.
func freshSQLite(b *testing.B, dir string, i int) (*AIMS, *sql.DB) {
	b.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, fmt.Sprintf("ws-%d.db", i))+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	store, err := sqlstore.Open(b.Context(), db, sqlstore.SQLite)
	if err != nil {
		b.Fatal(err)
	}
	a := openOn(b, store)
	roles := aims.RoleAssignments(a.Workspace())
	for _, r := range []*aims.RoleAssignment{
		{Meta: aims.Meta{ID: "alice"}, Roles: []aims.Role{aims.RoleTopManagement, aims.RoleAIMSManager}},
		{Meta: aims.Meta{ID: "dave"}, Roles: []aims.Role{aims.RoleRiskManager}},
	} {
		if err := roles.Create(b.Context(), "alice", r); err != nil {
			b.Fatal(err)
		}
	}
	if err := aims.Organisations(a.Workspace()).Create(b.Context(), "alice", &aims.Organisation{Meta: aims.Meta{ID: aims.OrganisationID}, Name: "Bench Ltd"}); err != nil {
		b.Fatal(err)
	}
	return a, db
}

// BenchmarkManifestApplySQLite applies a manifest of n new risks, each
// assessed, to a SQLite workspace: plan, then every risk added, assessed,
// analysed and evaluated by its owner through the register and its
// workflow (new risks go in few commits: one import, one commit of each
// transition). The workspace is set up outside the timer.
func BenchmarkManifestApplySQLite(b *testing.B) {
	for _, n := range applySizes() {
		b.Run(fmt.Sprintf("risks=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			m := benchManifest(n)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				a, db := freshSQLite(b, dir, i)
				b.StartTimer()
				p, err := a.Apply(b.Context(), "alice", m, nil)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if p.Count(ActionCreate) != n {
					b.Fatalf("%s", p.Summary())
				}
				db.Close()
				b.StartTimer()
			}
		})
	}
}

// BenchmarkManifestApplySQLiteBaseline does the same work with direct
// service calls and nothing else: the n risks imported with their
// inherent assessments in one transaction (risk.Register.Import), then
// analysed and evaluated, each pass one transaction of transitions.
func BenchmarkManifestApplySQLiteBaseline(b *testing.B) {
	for _, n := range applySizes() {
		b.Run(fmt.Sprintf("risks=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			specs := benchManifest(n).Risks
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				a, db := freshSQLite(b, dir, i)
				items := make([]risk.Import, n)
				for k, s := range specs {
					in := s.Inherent.Assessment
					items[k] = risk.Import{Risk: &risk.Risk{Meta: aims.Meta{ID: s.ID}, Title: s.Title, Owner: s.Owner, Sources: s.Sources,
						Objectives: s.Objectives, Causes: s.Causes, Consequences: s.Consequences}, Inherent: &in, Note: s.Inherent.Note}
				}
				b.StartTimer()
				ctx := b.Context()
				reg := a.Risks()
				if _, err := reg.Import(ctx, "dave", items, nil); err != nil {
					b.Fatal(err)
				}
				for _, ev := range []risk.Event{risk.EventAnalyse, risk.EventEvaluate} {
					tx := a.Workspace().Begin()
					for _, s := range specs {
						if _, err := aims.FireIn(ctx, tx, reg.Collection(), reg.Workflow(), aims.Firing[risk.Risk, risk.Event]{ID: s.ID, Actor: "dave", Event: ev}); err != nil {
							b.Fatal(err)
						}
					}
					if err := tx.Commit(ctx); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				db.Close()
				b.StartTimer()
			}
		})
	}
}
