package soa_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/soa"
	"github.com/google/go-cmp/cmp"
)

// anyone authorises every actor: the tests below are about the guards.
var anyone = aims.AuthorizerFunc(func(context.Context, string, []aims.Role) error { return nil })

const undecidedRefusal = "controls undecided (include each, or exclude it with a reason): "

// TestWorkflowGuardsRefuseErrors fires submit and approve on SoAs with
// undecided controls and with an exclusion a requirement contradicts:
// both are refused, naming every control concerned.
func TestWorkflowGuardsRefuseErrors(t *testing.T) {
	t.Parallel()
	cat := controls.ISO42001()
	r7 := risk("R-7", "high", "Customer misuse", "A.10.4")
	exclude := soa.Decision{Control: "A.10.4", Choice: soa.Exclude, Reason: "no customers", By: "alice"}
	tests := []struct {
		name string
		in   soa.Inputs
		want []aims.Unmet // nil: allowed
	}{
		{
			name: "every control decided",
			in:   soa.Inputs{Decisions: excludeRest(cat)},
		},
		{
			name: "undecided controls",
			in:   soa.Inputs{Decisions: excludeRest(cat, "A.2.2", "A.10.4")},
			want: []aims.Unmet{{Rule: soa.GuardNoErrors, Reason: "2 " + undecidedRefusal + "A.2.2, A.10.4"}},
		},
		{
			name: "undecided despite a proposal",
			in: soa.Inputs{Decisions: excludeRest(cat, "A.2.2", "A.2.3"),
				Proposals: []soa.Proposal{{Control: "A.2.2", Evidence: "AI policy POL-1 is approved"}}},
			want: []aims.Unmet{{Rule: soa.GuardNoErrors, Reason: "2 " + undecidedRefusal + "A.2.2, A.2.3"}},
		},
		{
			name: "excluded but required",
			in:   soa.Inputs{Requirers: []soa.Requirer{r7}, Decisions: append(excludeRest(cat, "A.10.4"), exclude)},
			want: []aims.Unmet{{Rule: soa.GuardNoErrors, Reason: "A.10.4: excluded, but the treatment of risk R-7 relies on it"}},
		},
		{
			name: "undecided and excluded but required",
			in:   soa.Inputs{Requirers: []soa.Requirer{r7}, Decisions: append(excludeRest(cat, "A.2.2", "A.9.4", "A.10.4"), exclude)},
			want: []aims.Unmet{{Rule: soa.GuardNoErrors,
				Reason: "2 " + undecidedRefusal + "A.2.2, A.9.4; A.10.4: excluded, but the treatment of risk R-7 relies on it"}},
		},
	}
	for _, tt := range tests {
		for _, step := range []struct {
			event    soa.Event
			from, to soa.State
		}{
			{soa.EventSubmit, soa.StateDraft, soa.StateInReview},
			{soa.EventApprove, soa.StateInReview, soa.StateApproved},
		} {
			t.Run(tt.name+"/"+string(step.event), func(t *testing.T) {
				t.Parallel()
				s, err := soa.Generate(t.Context(), tt.in)
				if err != nil {
					t.Fatal(err)
				}
				s.Author = "alice"
				to, err := soa.Workflow().Step(t.Context(), anyone, s, step.from, "bob", step.event)
				if tt.want == nil {
					if err != nil || to != step.to {
						t.Fatalf("Step = %q, %v; want %q", to, err, step.to)
					}
					return
				}
				if !errors.Is(err, aims.ErrTransitionDenied) {
					t.Fatalf("Step = %q, %v; want ErrTransitionDenied", to, err)
				}
				var te *aims.TransitionError
				if !errors.As(err, &te) {
					t.Fatalf("err %T is not a *aims.TransitionError", err)
				}
				if diff := cmp.Diff(tt.want, te.Unmet); diff != "" {
					t.Errorf("unmet (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestServiceRefusesUndecided drafts an SoA in which only A.10.4 is
// decided: submitting is refused with every one of the 37 other controls
// named, however many they are, and the version stays a draft.
func TestServiceRefusesUndecided(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newService(t, nil)
	if _, err := svc.Decide(ctx, "alice", soa.Decision{Control: "A.10.4", Choice: soa.Exclude, Reason: "no customers"}); err != nil {
		t.Fatal(err)
	}
	v, err := svc.Draft(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	var undecided []string
	for c := range svc.Catalog().Controls() {
		if c.ID != "A.10.4" {
			undecided = append(undecided, c.ID)
		}
	}
	if got := v.Counts().Undecided; got != len(undecided) {
		t.Errorf("Counts().Undecided = %d, want %d", got, len(undecided))
	}
	_, err = svc.Submit(ctx, "alice", v.Number)
	if !errors.Is(err, aims.ErrTransitionDenied) {
		t.Fatalf("submit with undecided controls: %v, want ErrTransitionDenied", err)
	}
	want := "37 " + undecidedRefusal + strings.Join(undecided, ", ")
	if !strings.HasSuffix(err.Error(), want) {
		t.Errorf("submit refusal = %q\nwant it to end %q", err, want)
	}
	if got := state(t, svc, 1); got != soa.StateDraft {
		t.Errorf("state %s after a refused submit, want draft", got)
	}
}

// TestServiceRefusesApprovalOfStaleReview approves versions put in review
// and then found wanting (as one submitted under the earlier rules, when a
// control nothing required read "not applicable"): approval re-validates
// and refuses, naming the control.
func TestServiceRefusesApprovalOfStaleReview(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(e *soa.Entry)
		want string
	}{
		{"undecided", func(e *soa.Entry) { e.Decision, e.Undecided = nil, true }, "1 control undecided (include each, or exclude it with a reason): A.10.4"},
		{"excluded without a decision", func(e *soa.Entry) { e.Decision = nil }, "A.10.4: excluded without a decision by a person"},
		{"excluded but required", func(e *soa.Entry) {
			e.Sources = []soa.Source{{Kind: soa.SourceRisk, ID: "R-7", Title: "Customer misuse"}}
		}, "A.10.4: excluded, but the treatment of risk R-7 relies on it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			svc, ws := lenderService(t)
			if _, err := svc.Draft(ctx, "alice"); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Submit(ctx, "alice", 1); err != nil {
				t.Fatal(err)
			}
			versions := aims.NewCollection[soa.SoA](ws, soa.KindSoA, soa.SoASchemaVersion)
			v, err := versions.Get(ctx, "soa-1")
			if err != nil {
				t.Fatal(err)
			}
			tt.edit(v.Entry("A.10.4"))
			if err := versions.Update(ctx, "alice", v); err != nil {
				t.Fatal(err)
			}
			_, err = svc.Approve(ctx, "bob", 1)
			var te *aims.TransitionError
			if !errors.Is(err, aims.ErrTransitionDenied) || !errors.As(err, &te) {
				t.Fatalf("approve: %v, want a TransitionError matching ErrTransitionDenied", err)
			}
			if diff := cmp.Diff([]aims.Unmet{{Rule: soa.GuardNoErrors, Reason: tt.want}}, te.Unmet); diff != "" {
				t.Errorf("unmet (-want +got):\n%s", diff)
			}
			if got := state(t, svc, 1); got != soa.StateInReview {
				t.Errorf("state %s after a refused approval, want in-review", got)
			}
		})
	}
}
