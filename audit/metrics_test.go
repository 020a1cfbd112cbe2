package audit_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
)

func addObjective(t *testing.T, ws *aims.Workspace) {
	t.Helper()
	check(t, aims.Objectives(ws).Create(t.Context(), "mgr", &aims.Objective{Meta: aims.Meta{ID: "obj-fair"}, Title: "Fair credit decisions",
		Responsible: "mgr", Measures: []aims.Measure{{Metric: "approval-gap", Target: 2, Unit: "%", Direction: aims.AtMost}}}))
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	ws, clk := newWS(t)
	ctx := t.Context()
	addObjective(t, ws)
	ms := audit.NewMetrics(ws)
	m := &audit.Metric{Meta: aims.Meta{ID: "m-gap"}, Title: "Approval gap", Objective: "obj-fair", Measure: "approval-gap",
		Method: "monthly disparity report", FrequencyDays: 30, MeasuredBy: "dev", EvaluatedBy: "mgr"}
	check(t, ms.Add(ctx, "mgr", m))
	if m.Target != 2 || m.Direction != aims.AtMost {
		t.Errorf("target not copied from the objective's measure: %v %q", m.Target, m.Direction)
	}
	check(t, ms.Add(ctx, "mgr", &audit.Metric{Meta: aims.Meta{ID: "m-logs"}, Title: "Log coverage", Controls: []string{"A.6.2.8"},
		Method: "sample", FrequencyDays: 90, Target: 95, Direction: aims.AtLeast, MeasuredBy: "aud1", EvaluatedBy: "mgr"}))
	err := ms.Add(ctx, "mgr", &audit.Metric{Title: "x", Objective: "obj-fair", Measure: "nope", Method: "m", FrequencyDays: 1, MeasuredBy: "a", EvaluatedBy: "b"})
	wantErr(t, err, aims.ErrInvalid)
	err = ms.Add(ctx, "mgr", &audit.Metric{Title: "x", Objective: "obj-none", Method: "m", FrequencyDays: 1, MeasuredBy: "a", EvaluatedBy: "b"})
	wantErr(t, err, aims.ErrNotFound)

	clk.Advance(24 * time.Hour)
	check(t, ms.Record(ctx, "dev", &audit.Measurement{Metric: "m-gap", Value: 3.1, Evidence: "report 2026-03"}))
	wantErr(t, ms.Record(ctx, "aud2", &audit.Measurement{Metric: "m-gap", Value: 1, Evidence: "x"}), aims.ErrForbidden)
	wantErr(t, ms.Record(ctx, "dev", &audit.Measurement{Metric: "m-gap", Value: 1}), aims.ErrInvalid)
	clk.Advance(24 * time.Hour)
	check(t, ms.Record(ctx, "mgr", &audit.Measurement{Metric: "m-gap", Value: 1.5, Evidence: "rerun"}))
	got := must[[]audit.MetricStatus](t)(ms.Status(ctx))
	want := []audit.MetricStatus{
		{Metric: "m-gap", Title: "Approval gap", Met: true, Due: t0.Add(32 * 24 * time.Hour)},
		{Metric: "m-logs", Title: "Log coverage", Due: t0, Overdue: true},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(audit.MetricStatus{}, "Last")); diff != "" {
		t.Errorf("Status (-want +got):\n%s", diff)
	}
	if got[0].Last == nil || got[0].Last.Value != 1.5 {
		t.Errorf("last measurement: %+v", got[0].Last)
	}
	clk.Advance(40 * 24 * time.Hour)
	late := must[[]audit.MetricStatus](t)(ms.Overdue(ctx))
	if len(late) != 2 {
		t.Errorf("overdue: %d, want 2", len(late))
	}
}

func TestMetricValidate(t *testing.T) {
	t.Parallel()
	m := &audit.Metric{Measure: "x", Controls: []string{""}}
	var ve *aims.ValidationError
	if !asValidation(m.Validate(), &ve) {
		t.Fatal("want validation error")
	}
	var paths []string
	for _, p := range ve.Problems {
		paths = append(paths, p.Path)
	}
	want := []string{"title", "measure", "controls[0]", "method", "frequencyDays", "direction", "measuredBy", "evaluatedBy"}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
}
