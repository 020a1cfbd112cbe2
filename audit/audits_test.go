package audit_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/controls"
)

func planInput() audit.PlanInput {
	return audit.PlanInput{
		ID: "audit-2026-1", Programme: "prog", Title: "Operation & risk <Q1>",
		Areas:    []audit.Area{{ID: "8", Owner: "dev", RiskLevel: 4}, {ID: "A.6", Owner: "dev", RiskLevel: 3}},
		Criteria: []string{"ISO/IEC 42001:2023", "AI policy"},
		Auditors: []string{"aud1", "aud2"}, Lead: "aud1", Planned: t0.Add(7 * 24 * time.Hour),
		Applicable: []string{"A.6.2.7", "A.6.2.8", "A.2.2"},
	}
}

func TestChecklistFromCatalog(t *testing.T) {
	t.Parallel()
	cat := controls.ISO42001()
	got, err := audit.Checklist(cat, []string{"8", "A.6"}, []string{"A.6.2.8", "A.6.2.7"})
	check(t, err)
	var refs []string
	for _, it := range got {
		refs = append(refs, it.Ref)
	}
	want := []string{"8.1", "8.2", "8.3", "8.4", "A.6.2.7", "A.6.2.8"}
	if diff := cmp.Diff(want, refs); diff != "" {
		t.Errorf("checklist refs (-want +got):\n%s", diff)
	}
	if got[1].Question == "" || len(got[1].Expected) == 0 {
		t.Errorf("8.2 item lacks question or expected evidence: %+v", got[1])
	}
	all, err := audit.Checklist(cat, nil, nil)
	check(t, err)
	if len(all) != 32 { // requirement clauses 4-10, headings left out
		t.Errorf("full checklist has %d items, want 32", len(all))
	}
	_, err = audit.Checklist(cat, nil, []string{"A.99"})
	wantErr(t, err, aims.ErrInvalid)
}

func TestAuditIndependence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		mod  func(*audit.PlanInput)
	}{
		{"owner of clause area", func(in *audit.PlanInput) { in.Auditors = []string{"aud1", "dev"} }},
		{"owner of control area", func(in *audit.PlanInput) {
			in.Areas = append(in.Areas, audit.Area{ID: "A.2", Owner: "aud2"})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws, _ := newWS(t)
			in := planInput()
			tc.mod(&in)
			_, err := audit.NewAudits(ws, nil).Plan(t.Context(), "lead", in)
			wantErr(t, err, aims.ErrForbidden)
			if ok, _ := audit.NewAudits(ws, nil).Collection().Exists(t.Context(), in.ID); ok {
				t.Error("a refused plan was stored")
			}
		})
	}
}

func TestAuditIndependenceOnStartAndRecord(t *testing.T) {
	t.Parallel()
	ws, _ := newWS(t)
	ctx := t.Context()
	s := audit.NewAudits(ws, nil)
	a := must[*audit.Audit](t)(s.Plan(ctx, "lead", planInput()))
	// Unassigned auditor may not start it.
	_, err := s.Start(ctx, "lead", a.ID)
	wantErr(t, err, aims.ErrForbidden)
	if diff := cmp.Diff([]string{"auditor-is-assigned"}, unmetRules(err)); diff != "" {
		t.Errorf("unmet (-want +got):\n%s", diff)
	}
	// An area handed to aud1 after planning bars aud1 from the audit.
	a.Areas = append(a.Areas, audit.Area{ID: "9.1", Owner: "aud1"})
	check(t, s.Collection().Update(ctx, "lead", a))
	_, err = s.Start(ctx, "aud1", a.ID)
	wantErr(t, err, aims.ErrForbidden)
	if diff := cmp.Diff([]string{"auditor-is-independent"}, unmetRules(err)); diff != "" {
		t.Errorf("unmet (-want +got):\n%s", diff)
	}
	must[*audit.Audit](t)(s.Start(ctx, "aud2", a.ID))
	_, err = s.RecordResult(ctx, "aud1", a.ID, "9.1", audit.ResultConforms, []string{"x"}, "")
	wantErr(t, err, aims.ErrForbidden)
	_, err = s.RecordResult(ctx, "dev", a.ID, "8.1", audit.ResultConforms, []string{"x"}, "")
	wantErr(t, err, aims.ErrForbidden)
	err = s.AddFinding(ctx, "aud1", a.ID, &audit.Finding{Type: audit.FindingMinor, Ref: "9.1", Statement: "s", Evidence: []string{"e"}})
	wantErr(t, err, aims.ErrForbidden)
}

func TestAuditLifecycleAndReport(t *testing.T) {
	t.Parallel()
	ws, clk := newWS(t)
	ctx := t.Context()
	s := audit.NewAudits(ws, nil)
	a := must[*audit.Audit](t)(s.Plan(ctx, "lead", planInput()))
	if a.State != string(audit.AuditPlanned) || len(a.Checklist) != 6 {
		t.Fatalf("planned: %q, %d items", a.State, len(a.Checklist))
	}
	_, err := s.RecordResult(ctx, "aud1", a.ID, "8.1", audit.ResultConforms, []string{"x"}, "")
	wantErr(t, err, aims.ErrTransitionDenied)
	clk.Advance(7 * 24 * time.Hour)
	must[*audit.Audit](t)(s.Start(ctx, "aud1", a.ID))
	_, err = s.Complete(ctx, "aud1", a.ID, "done")
	wantErr(t, err, aims.ErrTransitionDenied)
	if diff := cmp.Diff([]string{"checklist-answered"}, unmetRules(err)); diff != "" {
		t.Errorf("unmet (-want +got):\n%s", diff)
	}
	_, err = s.RecordResult(ctx, "aud1", a.ID, "8.1", audit.ResultConforms, nil, "")
	wantErr(t, err, aims.ErrInvalid)
	_, err = s.RecordResult(ctx, "aud1", a.ID, "9.9", audit.ResultConforms, []string{"x"}, "")
	wantErr(t, err, aims.ErrInvalid)
	for _, it := range a.Checklist {
		r := audit.ResultConforms
		if it.Ref == "A.6.2.7" {
			r = audit.ResultNonconforming
		}
		must[*audit.Audit](t)(s.RecordResult(ctx, "aud2", a.ID, it.Ref, r, []string{"records of " + it.Ref}, ""))
	}
	f1 := &audit.Finding{Type: audit.FindingMinor, Ref: "A.6.2.7", Statement: "Model cards | missing for 2 of 5 models", Evidence: []string{"registry export 2026-03-09"}}
	check(t, s.AddFinding(ctx, "aud2", a.ID, f1))
	f2 := &audit.Finding{Type: audit.FindingOpportunity, Ref: "8.2", Statement: "Automate <risk> reassessment", Evidence: []string{"interview with dev"}}
	check(t, s.AddFinding(ctx, "aud1", a.ID, f2))
	f3 := &audit.Finding{Type: audit.FindingObservation, Ref: "8.1", Statement: "Runbooks are current", Evidence: []string{"runbook v4"}}
	check(t, s.AddFinding(ctx, "aud1", a.ID, f3))
	err = s.AddFinding(ctx, "aud1", a.ID, &audit.Finding{Type: audit.FindingMajor, Ref: "8.1", Statement: "no evidence"})
	wantErr(t, err, aims.ErrInvalid)
	ncs := audit.NewNonconformities(ws)
	nc := must[*audit.Nonconformity](t)(ncs.Get(ctx, f1.Nonconformity))
	if nc.Severity != audit.SeverityMinor || nc.Owner != "dev" || nc.SourceRef != f1.ID || nc.Type != audit.TypeNonconformity {
		t.Errorf("nonconformity from finding: %+v", nc)
	}
	imp := must[*audit.Nonconformity](t)(ncs.Get(ctx, f2.Nonconformity))
	if imp.Type != audit.TypeImprovement {
		t.Errorf("opportunity opened %q, want improvement", imp.Type)
	}
	if f3.Nonconformity != "" {
		t.Errorf("observation opened %q", f3.Nonconformity)
	}
	clk.Advance(2 * 24 * time.Hour)
	must[*audit.Audit](t)(s.Complete(ctx, "aud1", a.ID, "AIMS operation broadly conforms; one minor nonconformity"))
	rep := must[*audit.Report](t)(s.Report(ctx, a.ID))
	var md, htm bytes.Buffer
	check(t, rep.WriteMarkdown(&md))
	check(t, rep.WriteHTML(&htm))
	golden(t, "audit-report.md", md.Bytes())
	golden(t, "audit-report.html", htm.Bytes())
	if bytes.Contains(htm.Bytes(), []byte("<risk>")) || bytes.Contains(htm.Bytes(), []byte("<Q1>")) {
		t.Error("HTML report does not escape record text")
	}
	_, err = s.Cancel(ctx, "lead", a.ID)
	wantErr(t, err, aims.ErrTransitionDenied)
}

func TestPrioritise(t *testing.T) {
	t.Parallel()
	now := t0
	areas := []audit.Area{{ID: "A.10"}, {ID: "A.2", RiskLevel: 2}, {ID: "8.2", RiskLevel: 5}, {ID: "A.6", RiskLevel: 2}, {ID: "7.2"}}
	findings := []*audit.Finding{
		{Type: audit.FindingMinor, Ref: "A.6.2.8"},
		{Type: audit.FindingObservation, Ref: "A.2.2"},
		{Type: audit.FindingMinor, Ref: "7.2"},
	}
	done := &audit.Audit{Meta: aims.Meta{State: string(audit.AuditCompleted)}, Areas: []audit.Area{{ID: "A.10"}}, Completed: t0.Add(-10 * 24 * time.Hour)}
	got := audit.Prioritise(now, 90, areas, findings, []*audit.Audit{done})
	var order []string
	for _, ap := range got {
		order = append(order, ap.ID)
	}
	if diff := cmp.Diff([]string{"8.2", "A.6", "A.2", "7.2", "A.10"}, order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if want := t0.Add(80 * 24 * time.Hour); !got[4].Due.Equal(want) {
		t.Errorf("A.10 due %v, want %v", got[4].Due, want)
	}
}

func TestProgrammeValidateAndSchedule(t *testing.T) {
	t.Parallel()
	ws, _ := newWS(t)
	ctx := t.Context()
	ps := audit.NewProgrammes(ws)
	err := ps.Create(ctx, "lead", &audit.Programme{Title: "x", Areas: []audit.Area{{ID: "8"}, {ID: "8"}}})
	var ve *aims.ValidationError
	if !asValidation(err, &ve) {
		t.Fatalf("Create = %v, want validation error", err)
	}
	var paths []string
	for _, p := range ve.Problems {
		paths = append(paths, p.Path)
	}
	if diff := cmp.Diff([]string{"frequencyDays", "methods", "responsible", "criteria", "areas[1].id"}, paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	check(t, ps.Create(ctx, "lead", &audit.Programme{Meta: aims.Meta{ID: "prog"}, Title: "2026", FrequencyDays: 365,
		Methods: []string{"document review"}, Responsible: "lead", Criteria: []string{"ISO/IEC 42001"},
		Areas: []audit.Area{{ID: "7.2", RiskLevel: 1}, {ID: "8.2", RiskLevel: 4}}}))
	got := must[[]audit.AreaPriority](t)(audit.NewAudits(ws, nil).Schedule(ctx, "prog"))
	if len(got) != 2 || got[0].ID != "8.2" || !got[0].Due.Equal(t0) {
		t.Errorf("schedule: %+v", got)
	}
}
