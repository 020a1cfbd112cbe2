package lifecycle_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/cputime"
	"github.com/aimsgo/iso42001/lifecycle"
)

// BenchmarkImportModelCards imports n copies of the credit-scorer card
// (a technical doc, two verifications and two requirements each) into a
// fresh in-memory workspace per iteration. Compare ns/op and allocs/op of
// n=1000 and n=10000: growth should stay near 10x (at most 12x), i.e.
// the import is linear in the cards already stored. cpu-ns/card is the
// process's CPU time (GC included) per card, steadier than wall time on
// a shared machine.
func BenchmarkImportModelCards(b *testing.B) {
	data, _ := readCard(b, "credit-scorer-model.md")
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("cards=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				ws := newWorkspace(b, nil)
				b.StartTimer()
				start := cputime.Now()
				for i := range n {
					if _, err := lifecycle.ImportModelCard(b.Context(), ws, "importer", fmt.Sprintf("system-%d", i), bytes.NewReader(data), nil); err != nil {
						b.Fatal(err)
					}
				}
				cpu += cputime.Now() - start
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/card")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*n), "cpu-ns/card")
		})
	}
}

// BenchmarkParseModelCard measures reading and parsing one card alone.
func BenchmarkParseModelCard(b *testing.B) {
	data, _ := readCard(b, "credit-scorer-model.md")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := lifecycle.ParseModelCard(bytes.NewReader(data), 0); err != nil {
			b.Fatal(err)
		}
	}
}

// checksFixture stores n in-scope AI systems at operation and monitoring,
// each with every life cycle record the checks read, all passing.
func checksFixture(b *testing.B, n int) *aims.Workspace {
	b.Helper()
	ctx := b.Context()
	ws := newWorkspace(b, map[string][]aims.Role{"dana": {aims.RoleApprover}, "mia": {aims.RoleApprover}})
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(aims.RoleAssignments(ws).Create(ctx, "a", &aims.RoleAssignment{Meta: aims.Meta{ID: "hana"}, Roles: []aims.Role{lifecycle.RoleConcernHandler}}))
	must(lifecycle.Awarenesses(ws).Create(ctx, "a", &lifecycle.Awareness{Topic: "AI policy", Audience: "all", Responsible: "a",
		CoversPolicy: true, CoversContribution: true, CoversNonconformity: true}))
	for _, au := range []lifecycle.Audience{lifecycle.AudienceInternal, lifecycle.AudienceExternal} {
		c := validCommunication()
		c.Audience, c.AISystems = au, nil
		must(lifecycle.Communications(ws).Create(ctx, "a", c))
	}
	for i := range n {
		id := fmt.Sprintf("system-%d", i)
		sys := &aims.AISystem{Meta: aims.Meta{ID: id}, Name: id, Stage: aims.StageOperationMonitoring, InScope: true,
			DataSources: []aims.DataSource{{Name: "data-" + id, Kind: aims.DataTraining}}}
		must(aims.AISystems(ws).Create(ctx, "a", sys))
		r := validRequirement()
		r.System = id
		must(lifecycle.Requirements(ws).Create(ctx, "a", r))
		v := validVerification()
		v.System = id
		must(lifecycle.Verifications(ws).Create(ctx, "a", v))
		d := validDeployment()
		d.System = id
		deps, m := lifecycle.DeploymentApprovals(ws), lifecycle.DeploymentWorkflow()
		must(aims.Start(ctx, deps, m, "dana", d))
		_, err := aims.Fire(ctx, deps, m, aims.Firing[lifecycle.DeploymentApproval, lifecycle.DeploymentEvent]{ID: d.ID, Actor: "dana", Event: aims.ApprovalSubmit})
		must(err)
		_, err = lifecycle.ApproveDeployment(ctx, ws, "mia", d.ID)
		must(err)
		td := validTechDoc()
		td.System = id
		must(lifecycle.TechnicalDocs(ws).Create(ctx, "a", td))
		lp := validLogPolicy()
		lp.System = id
		must(lifecycle.EventLogPolicies(ws).Create(ctx, "a", lp))
		for _, k := range []lifecycle.ResourceKind{lifecycle.ResourceTooling, lifecycle.ResourceComputing, lifecycle.ResourceHuman} {
			res := validResource()
			res.System, res.Kind = id, k
			must(lifecycle.Resources(ws).Create(ctx, "a", res))
		}
		ds := validDataset()
		ds.Name, ds.AISystems = "data-"+id, []string{id}
		must(lifecycle.Datasets(ws).Create(ctx, "a", ds))
	}
	return ws
}

// BenchmarkChecks runs the twelve life cycle checks once, as one
// readiness run does (aims.WithRunCache), over n AI systems with all
// their records. BenchmarkChecksBaseline reads the same collections and
// nothing more: the bare minimum any check of these records costs. The
// ratio of the two is the checks' own work; n=1000 against n=100 shows
// the growth (linear: near 10x).
func BenchmarkChecks(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("systems=%d", n), func(b *testing.B) {
			ws := checksFixture(b, n)
			checks := lifecycle.Checks(lifecycle.CheckOptions{})
			b.ReportAllocs()
			start := cputime.Now()
			for b.Loop() {
				ctx := aims.WithRunCache(b.Context())
				for _, c := range checks {
					ok, detail, err := c.Run(ctx, ws)
					if err != nil || !ok {
						b.Fatalf("%s: %v %s %v", c.ID, ok, detail, err)
					}
				}
			}
			b.ReportMetric(float64((cputime.Now()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}

func BenchmarkChecksBaseline(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("systems=%d", n), func(b *testing.B) {
			ws := checksFixture(b, n)
			ctx := b.Context()
			b.ReportAllocs()
			start := cputime.Now()
			for b.Loop() {
				var total int
				count := func(k int, err error) {
					if err != nil {
						b.Fatal(err)
					}
					total += k
				}
				count(lenAll(ctx, aims.AISystems(ws)))
				count(lenAll(ctx, aims.RoleAssignments(ws)))
				count(lenAll(ctx, lifecycle.Requirements(ws)))
				count(lenAll(ctx, lifecycle.Verifications(ws)))
				count(lenAll(ctx, lifecycle.DeploymentApprovals(ws)))
				count(lenAll(ctx, lifecycle.TechnicalDocs(ws)))
				count(lenAll(ctx, lifecycle.EventLogPolicies(ws)))
				count(lenAll(ctx, lifecycle.Resources(ws)))
				count(lenAll(ctx, lifecycle.Datasets(ws)))
				count(lenAll(ctx, lifecycle.Concerns(ws)))
				count(lenAll(ctx, lifecycle.Changes(ws)))
				count(lenAll(ctx, lifecycle.Awarenesses(ws)))
				count(lenAll(ctx, lifecycle.Communications(ws)))
				if total < 8*n {
					b.Fatalf("read %d records", total)
				}
			}
			b.ReportMetric(float64((cputime.Now()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}

func lenAll[T any, P aims.Doc[T]](ctx context.Context, c *aims.Collection[T, P]) (int, error) {
	all, err := c.All(ctx, nil)
	return len(all), err
}
