package audit_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
)

func openNC(t *testing.T, r *audit.Nonconformities, typ audit.NCType) *audit.Nonconformity {
	t.Helper()
	n := &audit.Nonconformity{Type: typ, Title: "model card missing", Ref: "A.6.2.7", Source: audit.SourceAudit, Owner: "dev"}
	if typ == audit.TypeNonconformity {
		n.Severity = audit.SeverityMinor
	}
	check(t, r.Open(t.Context(), "aud1", n))
	return n
}

var rc = audit.RootCause{Method: "5 whys", Causes: []string{"no template"}}

func TestNonconformityLifecycle(t *testing.T) {
	t.Parallel()
	ws, clk := newWS(t)
	ctx := t.Context()
	r := audit.NewNonconformities(ws)
	n := openNC(t, r, audit.TypeNonconformity)
	if n.State != string(audit.NCOpen) || n.Raised != t0 {
		t.Fatalf("opened: state %q raised %v", n.State, n.Raised)
	}
	must[*audit.Nonconformity](t)(r.Correct(ctx, "dev", n.ID, "card written for model v3"))
	must[*audit.Nonconformity](t)(r.Analyse(ctx, "dev", n.ID, rc))
	due := t0.Add(14 * 24 * time.Hour)
	must[*audit.Nonconformity](t)(r.Act(ctx, "dev", n.ID, audit.RootCause{}, []audit.Action{{Title: "add card template to pipeline", Owner: "dev", Due: due}}))
	if got := must[[]audit.OverdueAction](t)(r.Overdue(ctx)); len(got) != 0 {
		t.Fatalf("overdue before due: %v", got)
	}
	clk.Advance(20 * 24 * time.Hour)
	got := must[[]audit.OverdueAction](t)(r.Overdue(ctx))
	want := []audit.OverdueAction{{Nonconformity: n.ID, Title: "add card template to pipeline", Owner: "dev", Due: due, DaysLate: 6}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Overdue (-want +got):\n%s", diff)
	}
	must[*audit.Nonconformity](t)(r.Implement(ctx, "dev", n.ID))
	// The implementer may not verify, even holding the manager role.
	assign(t, ws, "dev2", aims.RoleAIMSManager)
	_, err := r.Verify(ctx, "dev", n.ID, true, "cards present for all models")
	wantErr(t, err, aims.ErrForbidden)
	evs := must[[]audit.NCEvent](t)(r.Actions(ctx, "aud2", n.ID))
	if diff := cmp.Diff([]audit.NCEvent{audit.EventVerify, audit.EventIneffective}, evs); diff != "" {
		t.Errorf("Actions for auditor (-want +got):\n%s", diff)
	}
	// Ineffective sends it back to analysis; it must be re-planned.
	n = must[*audit.Nonconformity](t)(r.Verify(ctx, "aud2", n.ID, false, "two models still lack cards"))
	if n.State != string(audit.NCAnalysed) {
		t.Fatalf("after ineffective: %q", n.State)
	}
	must[*audit.Nonconformity](t)(r.Act(ctx, "mgr", n.ID, audit.RootCause{}, []audit.Action{{Title: "block release without card", Owner: "dev2", Due: clk.now.Add(24 * time.Hour)}}))
	must[*audit.Nonconformity](t)(r.Implement(ctx, "dev2", n.ID))
	_, err = r.Verify(ctx, "dev2", n.ID, true, "x")
	wantErr(t, err, aims.ErrForbidden)
	n = must[*audit.Nonconformity](t)(r.Verify(ctx, "aud2", n.ID, true, "release gate blocks models without cards"))
	_, err = r.Close(ctx, "dev", n.ID)
	wantErr(t, err, aims.ErrForbidden)
	n = must[*audit.Nonconformity](t)(r.Close(ctx, "mgr", n.ID))
	if n.State != string(audit.NCClosed) || n.Closed != clk.now || n.Open() {
		t.Fatalf("closed: %q %v", n.State, n.Closed)
	}
	_, err = r.Correct(ctx, "mgr", n.ID, "again")
	wantErr(t, err, aims.ErrTransitionDenied)
}

func TestNonconformityIllegalSteps(t *testing.T) {
	t.Parallel()
	due := t0.Add(24 * time.Hour)
	tests := []struct {
		name   string
		typ    audit.NCType
		prep   func(t *testing.T, r *audit.Nonconformities, id string)
		step   func(r *audit.Nonconformities, id string) error
		target error
		rules  []string
	}{
		{"verify before implement", audit.TypeNonconformity, nil,
			func(r *audit.Nonconformities, id string) error {
				_, err := r.Verify(t0Ctx, "aud1", id, true, "ok")
				return err
			}, aims.ErrTransitionDenied, []string{"transition"}},
		{"close when open", audit.TypeNonconformity, nil,
			func(r *audit.Nonconformities, id string) error { _, err := r.Close(t0Ctx, "mgr", id); return err },
			aims.ErrTransitionDenied, []string{"transition"}},
		{"act without root cause", audit.TypeNonconformity, nil,
			func(r *audit.Nonconformities, id string) error {
				_, err := r.Act(t0Ctx, "dev", id, audit.RootCause{}, []audit.Action{{Title: "x", Owner: "dev", Due: due}})
				return err
			}, aims.ErrTransitionDenied, []string{"root-cause-recorded"}},
		{"act without actions", audit.TypeNonconformity, nil,
			func(r *audit.Nonconformities, id string) error {
				_, err := r.Act(t0Ctx, "dev", id, rc, nil)
				return err
			},
			aims.ErrTransitionDenied, []string{"actions-planned"}},
		{"action without due date", audit.TypeNonconformity, nil,
			func(r *audit.Nonconformities, id string) error {
				_, err := r.Act(t0Ctx, "dev", id, rc, []audit.Action{{Title: "x", Owner: "dev"}})
				return err
			}, aims.ErrInvalid, nil},
		{"analyse without causes", audit.TypeNonconformity, nil,
			func(r *audit.Nonconformities, id string) error {
				_, err := r.Analyse(t0Ctx, "dev", id, audit.RootCause{Method: "5 whys"})
				return err
			}, aims.ErrTransitionDenied, []string{"root-cause-recorded"}},
		{"correct by stranger", audit.TypeNonconformity, nil,
			func(r *audit.Nonconformities, id string) error {
				_, err := r.Correct(t0Ctx, "aud2", id, "x")
				return err
			},
			aims.ErrForbidden, []string{"role"}},
		{"empty correction", audit.TypeNonconformity, nil,
			func(r *audit.Nonconformities, id string) error {
				_, err := r.Correct(t0Ctx, "dev", id, " ")
				return err
			},
			aims.ErrTransitionDenied, []string{"correction-recorded"}},
		{"improvement acts without root cause", audit.TypeImprovement, nil,
			func(r *audit.Nonconformities, id string) error {
				_, err := r.Act(t0Ctx, "dev", id, audit.RootCause{}, []audit.Action{{Title: "x", Owner: "dev", Due: due}})
				return err
			}, nil, nil},
		{"action owner verifies", audit.TypeImprovement,
			func(t *testing.T, r *audit.Nonconformities, id string) {
				must[*audit.Nonconformity](t)(r.Act(t.Context(), "dev", id, audit.RootCause{}, []audit.Action{{Title: "x", Owner: "aud1", Due: due}}))
				must[*audit.Nonconformity](t)(r.Implement(t.Context(), "mgr", id))
			},
			func(r *audit.Nonconformities, id string) error {
				_, err := r.Verify(t0Ctx, "aud1", id, true, "fine")
				return err
			},
			aims.ErrForbidden, []string{"verifier-is-not-implementer"}},
		{"verify without note", audit.TypeImprovement,
			func(t *testing.T, r *audit.Nonconformities, id string) {
				must[*audit.Nonconformity](t)(r.Act(t.Context(), "dev", id, audit.RootCause{}, []audit.Action{{Title: "x", Owner: "dev", Due: due}}))
				must[*audit.Nonconformity](t)(r.Implement(t.Context(), "dev", id))
			},
			func(r *audit.Nonconformities, id string) error {
				_, err := r.Verify(t0Ctx, "aud1", id, true, "")
				return err
			},
			aims.ErrInvalid, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws, _ := newWS(t)
			r := audit.NewNonconformities(ws)
			n := openNC(t, r, tc.typ)
			if tc.prep != nil {
				tc.prep(t, r, n.ID)
			}
			before := must[*audit.Nonconformity](t)(r.Get(t.Context(), n.ID))
			err := tc.step(r, n.ID)
			wantErr(t, err, tc.target)
			if tc.target == nil {
				return
			}
			if diff := cmp.Diff(tc.rules, unmetRules(err)); diff != "" {
				t.Errorf("unmet rules (-want +got):\n%s", diff)
			}
			after := must[*audit.Nonconformity](t)(r.Get(t.Context(), n.ID))
			if after.Version != before.Version {
				t.Errorf("a refused step wrote the record (version %d -> %d)", before.Version, after.Version)
			}
		})
	}
}

func TestNonconformityValidate(t *testing.T) {
	t.Parallel()
	n := &audit.Nonconformity{Type: "bug", Severity: "huge", Source: "rumour", Ref: "", Actions: []audit.Action{{}}}
	var paths []string
	var ve *aims.ValidationError
	if err := n.Validate(); !asValidation(err, &ve) {
		t.Fatalf("Validate = %v, want a *aims.ValidationError", err)
	}
	for _, p := range ve.Problems {
		paths = append(paths, p.Path)
	}
	want := []string{"type", "title", "source", "owner", "actions[0].title", "actions[0].owner", "actions[0].due"}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("problem paths (-want +got):\n%s", diff)
	}
}
