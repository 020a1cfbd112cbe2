package audit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
)

// runAudit plans, performs and completes an audit of clause 8 with one
// minor nonconformity on A.6.2.7.
func runAudit(t *testing.T, ws *aims.Workspace) *audit.Finding {
	t.Helper()
	ctx := t.Context()
	s := audit.NewAudits(ws, nil)
	a := must[*audit.Audit](t)(s.Plan(ctx, "lead", planInput()))
	must[*audit.Audit](t)(s.Start(ctx, "aud1", a.ID))
	for _, it := range a.Checklist {
		must[*audit.Audit](t)(s.RecordResult(ctx, "aud1", a.ID, it.Ref, audit.ResultConforms, []string{"seen " + it.Ref}, ""))
	}
	f := &audit.Finding{Type: audit.FindingMinor, Ref: "A.6.2.7", Statement: "cards missing", Evidence: []string{"registry"}}
	check(t, s.AddFinding(ctx, "aud1", a.ID, f))
	must[*audit.Audit](t)(s.Complete(ctx, "aud1", a.ID, "ok"))
	return f
}

func TestReviewPrepareRecord(t *testing.T) {
	t.Parallel()
	ws, clk := newWS(t)
	ctx := t.Context()
	check(t, aims.ContextIssues(ws).Create(ctx, "mgr", &aims.ContextIssue{Meta: aims.Meta{ID: "iss-1"}, Type: aims.IssueExternal, Category: aims.CategoryRegulatory, Title: "EU AI Act"}))
	f := runAudit(t, ws)
	risks := audit.RiskInputFunc(func(context.Context, *aims.Workspace) ([]string, error) {
		return []string{"3 risks above appetite"}, nil
	})
	rs := audit.NewReviews(ws, risks)
	r := must[*audit.Review](t)(rs.Prepare(ctx, "mgr", "mr-1", "Q1 review", t0.Add(30*24*time.Hour)))
	in := r.Inputs
	if diff := cmp.Diff([]audit.Change{{Kind: "external", ID: "iss-1", Title: "EU AI Act"}}, in.IssueChanges); diff != "" {
		t.Errorf("issue changes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"open": 1}, in.Nonconformities); diff != "" {
		t.Errorf("nonconformities (-want +got):\n%s", diff)
	}
	if len(in.Audits) != 1 || in.Findings["minor-nonconformity"] != 1 || in.Risks[0] != "3 risks above appetite" {
		t.Errorf("inputs: %+v", in)
	}
	if !strings.Contains(in.Monitoring, "0 metrics") {
		t.Errorf("monitoring: %q", in.Monitoring)
	}
	_, err := rs.Record(ctx, "mgr", "mr-1", audit.Outcome{Attendees: []string{"boss"}, Decisions: []string{"x"}})
	wantErr(t, err, aims.ErrForbidden)
	_, err = rs.Record(ctx, "boss", "mr-1", audit.Outcome{Attendees: []string{"boss"}})
	wantErr(t, err, aims.ErrTransitionDenied)
	if diff := cmp.Diff([]string{"decisions-recorded"}, unmetRules(err)); diff != "" {
		t.Errorf("unmet (-want +got):\n%s", diff)
	}
	clk.Advance(24 * time.Hour)
	out := audit.Outcome{Attendees: []string{"boss", "mgr"}, Decisions: []string{"fund model-card tooling"},
		Changes: []string{"add A.6.2.7 to release checklist"}, Actions: []audit.ReviewAction{{Title: "buy tooling", Owner: "mgr", Due: clk.now.Add(30 * 24 * time.Hour)}}}
	r = must[*audit.Review](t)(rs.Record(ctx, "boss", "mr-1", out))
	if r.State != string(audit.ReviewHeld) || !r.Held.Equal(clk.now) {
		t.Fatalf("held: %q %v", r.State, r.Held)
	}
	_, err = rs.Record(ctx, "boss", "mr-1", out)
	wantErr(t, err, aims.ErrTransitionDenied)
	// The next review sees the earlier action and only later changes.
	clk.Advance(24 * time.Hour)
	_ = f
	r2 := must[*audit.Review](t)(rs.Prepare(ctx, "mgr", "mr-2", "Q2 review", clk.now))
	want := []audit.ActionStatus{{Review: "mr-1", Action: out.Actions[0], Open: true}}
	if diff := cmp.Diff(want, r2.Inputs.PreviousActions); diff != "" {
		t.Errorf("previous actions (-want +got):\n%s", diff)
	}
	if len(r2.Inputs.IssueChanges) != 0 || len(r2.Inputs.Audits) != 0 {
		t.Errorf("second review sees old changes: %+v", r2.Inputs)
	}
	must[*audit.Review](t)(rs.Record(ctx, "boss", "mr-2", audit.Outcome{Attendees: []string{"boss"}, Decisions: []string{"continue"}, Completed: []string{"buy tooling"}}))
	r1 := must[*audit.Review](t)(rs.Get(ctx, "mr-1"))
	if r1.Actions[0].Done.IsZero() {
		t.Error("completed action of the earlier review not marked done")
	}
	last := must[*audit.Review](t)(rs.Last(ctx))
	if last.ID != "mr-2" || !strings.Contains(last.Markdown(), "continue") {
		t.Errorf("last review %s", last.ID)
	}
}

func TestPDCAGatesUseAuditChecks(t *testing.T) {
	t.Parallel()
	ws, clk := newWS(t)
	ctx := t.Context()
	reg := aims.NewChecks()
	check(t, reg.Add(audit.Checks()...))
	pd := aims.NewPDCA(ws, reg)
	cyc := must[*aims.Cycle](t)(pd.Current(ctx))
	_ = cyc
	must[*aims.Cycle](t)(pd.Advance(ctx, "mgr")) // plan->do: no checks registered
	_, err := pd.Advance(ctx, "mgr")             // do->check: needs metrics
	if diff := cmp.Diff([]string{"9.1 monitoring-metrics-defined"}, unmetRules(err)); diff != "" {
		t.Errorf("do->check unmet (-want +got):\n%s", diff)
	}
	addObjective(t, ws)
	ms := audit.NewMetrics(ws)
	check(t, ms.Add(ctx, "mgr", &audit.Metric{Meta: aims.Meta{ID: "m"}, Title: "gap", Objective: "obj-fair", Measure: "approval-gap", Method: "report", FrequencyDays: 30, MeasuredBy: "dev", EvaluatedBy: "mgr"}))
	must[*aims.Cycle](t)(pd.Advance(ctx, "mgr"))
	_, err = pd.Advance(ctx, "mgr") // check->act
	if diff := cmp.Diff([]string{"9.1 monitoring-results", "9.2 internal-audit-completed"}, unmetRules(err)); diff != "" {
		t.Errorf("check->act unmet (-want +got):\n%s", diff)
	}
	check(t, ms.Record(ctx, "dev", &audit.Measurement{Metric: "m", Value: 1, Evidence: "r"}))
	f := runAudit(t, ws)
	must[*aims.Cycle](t)(pd.Advance(ctx, "mgr"))
	_, err = pd.Advance(ctx, "mgr") // act->plan
	if diff := cmp.Diff([]string{"9.3 management-review-held", "10.2 corrective-actions-tracked"}, unmetRules(err)); diff != "" {
		t.Errorf("act->plan unmet (-want +got):\n%s", diff)
	}
	ncs := audit.NewNonconformities(ws)
	must[*audit.Nonconformity](t)(ncs.Act(ctx, "dev", f.Nonconformity, rc, []audit.Action{{Title: "t", Owner: "dev", Due: t0.Add(time.Hour)}}))
	rs := audit.NewReviews(ws, nil)
	must[*audit.Review](t)(rs.Prepare(ctx, "mgr", "mr", "review", t0))
	must[*audit.Review](t)(rs.Record(ctx, "boss", "mr", audit.Outcome{Attendees: []string{"boss"}, Decisions: []string{"go on"}}))
	clk.Advance(time.Hour)
	c := must[*aims.Cycle](t)(pd.Advance(ctx, "mgr"))
	if c.Number != 2 || c.Phase() != aims.PhasePlan {
		t.Fatalf("cycle %d %s", c.Number, c.Phase())
	}
	// While cycle 2 plans, cycle 1's review still stands (readiness looks
	// at the last complete cycle); cycle 2's own act->plan gate will need a
	// review of its own (TestEvidenceSince covers the window).
	ok, _, err := findCheck(audit.Checks(), audit.CheckManagementReview).Run(ctx, ws)
	if err != nil || !ok {
		t.Errorf("management-review-held while cycle 2 plans = %v, %v; want true", ok, err)
	}
}

func findCheck(cs []aims.Check, id string) aims.Check {
	for _, c := range cs {
		if c.ID == id {
			return c
		}
	}
	panic("no check " + id)
}
