package iso42001_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001"
	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/cputime"
	"github.com/aimsgo/iso42001/lifecycle"
	"github.com/aimsgo/iso42001/risk"
)

// genericOnly are the controls whose evidence no record kind of the SDK
// holds beyond their SoA entry: none. (Before the lifecycle package these
// were A.2.3, A.3.3, A.4.4-A.4.6, A.6.1.3, A.6.2.2-A.6.2.4, A.6.2.7,
// A.6.2.8, A.7.4, A.7.6, A.8.2, A.8.3, A.9.2 and A.10.4.)
var genericOnly []string

func TestTraceCoversEveryClauseAndControl(t *testing.T) {
	t.Parallel()
	a, err := iso42001.Open(t.Context(), memstore.New(), "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	cat := controls.ISO42001()
	var want []string
	for cl := range cat.Clauses() {
		if !cl.Heading {
			want = append(want, cl.ID)
		}
	}
	for ct := range cat.Controls() {
		want = append(want, ct.ID)
	}
	var got, generic []string
	for _, s := range a.Trace() {
		got = append(got, s.Ref)
		if len(s.Records) == 0 {
			t.Errorf("%s: no record kind holds its evidence", s.Ref)
		}
		if strings.HasPrefix(s.Ref, "A.") {
			if own := slices.DeleteFunc(slices.Clone(s.Records), func(k string) bool { return k == "soa-decision" || k == "soa-implementation" }); len(own) == 0 {
				generic = append(generic, s.Ref)
			}
			continue
		}
		if len(s.Checks) == 0 {
			t.Errorf("clause %s: no check tests it", s.Ref)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("trace refs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(genericOnly, generic); diff != "" {
		t.Errorf("controls with only their SoA records (-want +got):\n%s", diff)
	}
	s, err := a.TraceOf("9.2.2")
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := a.TraceOf("A.6.2.8"); !slices.Contains(s.Records, "event-log-policy") {
		t.Errorf("A.6.2.8 records %v lack the event-log policy", s.Records)
	}
	for _, c := range []string{"audit-programme", "internal-audit-completed", "audit-coverage"} {
		if !slices.Contains(s.Checks, c) {
			t.Errorf("9.2.2 checks %v lack %s", s.Checks, c)
		}
	}
	if !slices.Contains(s.Workflows, "audit") {
		t.Errorf("9.2.2 workflows %v lack audit", s.Workflows)
	}
	// The life cycle checks are registered at stage 2 under their clause
	// or control, and the trace lists each under it.
	stages := map[string]audit.Stage{}
	for _, c := range a.Checks() {
		stages[c.ID] = c.Stage
	}
	for _, c := range lifecycle.Checks(lifecycle.CheckOptions{}) {
		if stages[c.ID] != audit.Stage2 {
			t.Errorf("check %s: stage %d, want 2 (evidence of operation)", c.ID, stages[c.ID])
		}
		if s, err := a.TraceOf(c.Clause); err != nil || !slices.Contains(s.Checks, c.ID) {
			t.Errorf("trace of %s lacks check %s: %v %v", c.Clause, c.ID, s.Checks, err)
		}
	}
	if _, err := a.TraceOf("9.2"); !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("TraceOf of a heading: %v, want ErrInvalid", err)
	}
}

// TestTraceOfEveryRef: TraceOf finds every clause leaf and control as
// Trace lists it, and refuses ids that only look like one.
func TestTraceOfEveryRef(t *testing.T) {
	t.Parallel()
	a, err := iso42001.Open(t.Context(), memstore.New(), "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range a.Trace() {
		got, err := a.TraceOf(want.Ref)
		if err != nil {
			t.Fatalf("TraceOf(%s): %v", want.Ref, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("TraceOf(%s) (-Trace +TraceOf):\n%s", want.Ref, diff)
		}
	}
	for _, ref := range []string{"", "A", "A.", "a.6.2.8", "09.2.2", "9.2.2.", ".9.2.2", "A.6.2.8.1", "A.6.2.8x", "A.06.2.8", "A.16.2", "9..2", "9.2.2 ", "Z.6.2.8", "10.2\x00", "4", "A.99999999999999999999"} {
		if _, err := a.TraceOf(ref); !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), "is not a clause leaf or control") {
			t.Errorf("TraceOf(%q) = %v, want ErrInvalid naming the rule", ref, err)
		}
	}
}

func BenchmarkTraceOf(b *testing.B) {
	a, err := iso42001.Open(b.Context(), memstore.New(), "t", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	start := cputime.Now()
	for b.Loop() {
		s, err := a.TraceOf("A.6.2.8")
		if err != nil {
			b.Fatal(err)
		}
		sink = s
	}
	reportCPU(b, start)
}

// BenchmarkTraceOfBaseline is a bare map lookup of the same key.
func BenchmarkTraceOfBaseline(b *testing.B) {
	m := map[string]iso42001.Support{}
	a, err := iso42001.Open(b.Context(), memstore.New(), "t", nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range a.Trace() {
		m[s.Ref] = s
	}
	b.ReportAllocs()
	start := cputime.Now()
	for b.Loop() {
		s, ok := m["A.6.2.8"]
		if !ok {
			b.Fatal("missing")
		}
		sink = s
	}
	reportCPU(b, start)
}

// reportCPU reports the process's CPU time per operation since start:
// steadier than wall time on a shared machine, where the benchmark may
// wait for a core.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((cputime.Now()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

var sink iso42001.Support

// TestChangeReassessmentReadsTheRegister: the 6.3 check asks the risk
// register whether a done change's risk was reassessed after the change
// was planned; an assessment made before it does not count.
func TestChangeReassessmentReadsTheRegister(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a, err := iso42001.Open(ctx, memstore.New(), "t", &iso42001.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	iso42001.SeedRoles(t, a, "alice", map[string][]aims.Role{"mia": {aims.RoleApprover}})
	ws := a.Workspace()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(aims.AISystems(ws).Create(ctx, "alice", &aims.AISystem{Meta: aims.Meta{ID: "m"}, Name: "Model", Owner: "alice", InScope: true}))
	must(a.Risks().Add(ctx, "alice", &risk.Risk{Meta: aims.Meta{ID: "R-1"}, Title: "Drift", Owner: "alice", Systems: []string{"m"}, Causes: []string{"c"}, Consequences: []string{"q"}}))
	_, err = a.Risks().Assess(ctx, "alice", "R-1", risk.StageInherent, risk.Assessment{Likelihood: 2, Consequence: 2}, "before the change")
	must(err)
	now = now.Add(24 * time.Hour)
	ch := &lifecycle.Change{Title: "Retrain", Purpose: "drift", Responsible: "alice", RequestedBy: "alice", AISystems: []string{"m"}, Risks: []string{"R-1"}}
	must(aims.Start(ctx, lifecycle.Changes(ws), lifecycle.ChangeWorkflow(), "alice", ch))
	_, err = lifecycle.ApproveChange(ctx, ws, "mia", ch.ID)
	must(err)
	_, err = lifecycle.CompleteChange(ctx, ws, "alice", ch.ID, "retrained")
	must(err)
	run := func() (bool, string) {
		t.Helper()
		for _, c := range a.Checks() {
			if c.ID == lifecycle.CheckChangesReassessed {
				ok, detail, err := c.Run(ctx, ws)
				must(err)
				return ok, detail
			}
		}
		t.Fatal("no 6.3 check")
		return false, ""
	}
	if ok, detail := run(); ok || !strings.Contains(detail, "risk R-1 was last assessed 2026-06-01, before the change was planned") {
		t.Errorf("before the reassessment: %v %q", ok, detail)
	}
	now = now.Add(time.Hour)
	_, err = a.Risks().Assess(ctx, "alice", "R-1", risk.StageInherent, risk.Assessment{Likelihood: 1, Consequence: 2}, "after retraining")
	must(err)
	if ok, detail := run(); !ok {
		t.Errorf("after the reassessment: %v %q", ok, detail)
	}
}
