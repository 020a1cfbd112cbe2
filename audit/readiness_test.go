package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
)

func approveDoc(t testing.TB, ws *aims.Workspace, number, title string, typ aims.DocType, policy bool, clauses ...string) {
	t.Helper()
	ctx := context.Background()
	ds := aims.NewDocuments(ws)
	d := &aims.DocumentedInfo{Number: number, Title: title, Type: typ, AIPolicy: policy, Clauses: clauses, Text: title + " text"}
	if err := ds.Create(ctx, "mgr", d); err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Submit(ctx, "mgr", d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Approve(ctx, "boss", d.ID); err != nil {
		t.Fatal(err)
	}
}

func failingIDs(r *audit.ReadinessReport) []string {
	var out []string
	for _, f := range r.Failing {
		out = append(out, f.Clause+" "+f.ID)
	}
	return out
}

func TestReadiness(t *testing.T) {
	t.Parallel()
	ws, _ := newWS(t)
	ctx := t.Context()
	rep := must[*audit.ReadinessReport](t)(audit.Readiness(ctx, ws, audit.Stage1))
	want1 := []string{"4.3 scope-defined", "5.2 ai-policy", "6.1.1 risk-criteria", "6.1.2 risk-assessment-process",
		"6.1.3 risk-treatment-process", "6.1.3 statement-of-applicability", "6.1.4 impact-assessment-process", "6.2 ai-objectives",
		"7.2 competence-evidence", "8.1 operational-planning", "8.2 risk-assessment-results", "8.3 risk-treatment-results",
		"8.4 impact-assessment-results", "9.1 monitoring-recorded", "9.2.2 audit-programme", "9.2.2 audit-results",
		"9.3.3 management-review-results", "10.2 nonconformity-records"}
	if diff := cmp.Diff(want1, failingIDs(rep)); diff != "" {
		t.Errorf("stage 1 failing on an empty AIMS (-want +got):\n%s", diff)
	}
	if rep.Ready {
		t.Error("empty AIMS is ready")
	}

	// Build a ready AIMS.
	check(t, aims.Scopes(ws).Create(ctx, "mgr", &aims.Scope{Meta: aims.Meta{ID: aims.ScopeID}, Statement: "credit scoring"}))
	approveDoc(t, ws, "ai-policy", "AI policy", aims.DocPolicy, true, "5.2")
	addObjective(t, ws)
	for _, r := range audit.DocRequirements() {
		typ := aims.DocRecord
		if len(r.Types) > 0 {
			typ = r.Types[0]
		}
		approveDoc(t, ws, r.ID, r.Title, typ, false, r.Clause)
	}
	ms := audit.NewMetrics(ws)
	check(t, ms.Add(ctx, "mgr", &audit.Metric{Meta: aims.Meta{ID: "m"}, Title: "gap", Objective: "obj-fair", Measure: "approval-gap", Method: "report", FrequencyDays: 30, MeasuredBy: "dev", EvaluatedBy: "mgr"}))
	check(t, ms.Record(ctx, "dev", &audit.Measurement{Metric: "m", Value: 1, Evidence: "r"}))
	check(t, audit.NewProgrammes(ws).Create(ctx, "lead", &audit.Programme{Meta: aims.Meta{ID: "prog"}, Title: "2026", FrequencyDays: 365,
		Methods: []string{"interview"}, Responsible: "lead", Criteria: []string{"ISO/IEC 42001"}, Areas: []audit.Area{{ID: "8"}}}))
	rep = must[*audit.ReadinessReport](t)(audit.Readiness(ctx, ws, audit.Stage1))
	if diff := cmp.Diff([]string{"9.2.2 audit-results", "9.3.3 management-review-results", "10.2 nonconformity-records"}, failingIDs(rep)); diff != "" {
		t.Errorf("stage 1 failing (-want +got):\n%s", diff)
	}
	f := runAudit(t, ws)
	rs := audit.NewReviews(ws, nil)
	must[*audit.Review](t)(rs.Prepare(ctx, "mgr", "mr", "review", t0))
	must[*audit.Review](t)(rs.Record(ctx, "boss", "mr", audit.Outcome{Attendees: []string{"boss"}, Decisions: []string{"go on"}}))
	rep = must[*audit.ReadinessReport](t)(audit.Readiness(ctx, ws, audit.Stage1))
	if !rep.Ready {
		t.Errorf("stage 1 not ready: %v", failingIDs(rep))
	}
	rep = must[*audit.ReadinessReport](t)(audit.Readiness(ctx, ws, audit.Stage2))
	if diff := cmp.Diff([]string{"10.2 corrective-actions-tracked"}, failingIDs(rep)); diff != "" {
		t.Errorf("stage 2 failing (-want +got):\n%s", diff)
	}
	golden(t, "readiness-stage2.md", []byte(rep.Markdown()))
	must[*audit.Nonconformity](t)(audit.NewNonconformities(ws).Act(ctx, "dev", f.Nonconformity, rc, []audit.Action{{Title: "t", Owner: "dev", Due: t0.Add(time.Hour)}}))
	rep = must[*audit.ReadinessReport](t)(audit.Readiness(ctx, ws, audit.Stage2))
	if !rep.Ready {
		t.Errorf("stage 2 not ready: %v", failingIDs(rep))
	}
	// An extra check replaces the built-in of the same id.
	soa := aims.Check{ID: "statement-of-applicability", Clause: "6.1.3", Title: "SoA approved", Gate: aims.GatePlanToDo,
		Run: func(context.Context, *aims.Workspace) (bool, string, error) { return false, "SoA v2 is draft", nil }}
	rep = must[*audit.ReadinessReport](t)(audit.Readiness(ctx, ws, audit.Stage1, soa))
	if diff := cmp.Diff([]string{"6.1.3 statement-of-applicability"}, failingIDs(rep)); diff != "" {
		t.Errorf("with extra (-want +got):\n%s", diff)
	}
	_, err := audit.Readiness(ctx, ws, 3)
	wantErr(t, err, aims.ErrInvalid)
}
