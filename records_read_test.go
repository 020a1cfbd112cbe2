package iso42001

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/risk"
)

// TestReviewInputsOverdue: the review's overdue line, counted from the
// risks' indexed attributes in one pass, says what Register.Overdue
// lists: open actions past due, done ones and later ones left out.
func TestReviewInputsOverdue(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var now atomic.Int64
	now.Store(start.UnixNano())
	a, err := Open(ctx, memstore.New(), "acme", &Options{Clock: func() time.Time { return time.Unix(0, now.Load()).UTC() }})
	if err != nil {
		t.Fatal(err)
	}
	SeedRoles(t, a, "alice", map[string][]aims.Role{"bob": {aims.RoleGovernanceBoard}})
	if err := aims.AISystems(a.Workspace()).Create(ctx, "alice", &aims.AISystem{Meta: aims.Meta{ID: "sys"}, Name: "S", InScope: true}); err != nil {
		t.Fatal(err)
	}
	reg := a.Risks()
	for i := range 3 {
		id := fmt.Sprintf("R-%d", i)
		if err := reg.Add(ctx, "alice", &risk.Risk{Meta: aims.Meta{ID: id}, Title: "Risk " + id, Owner: "alice", Systems: []string{"sys"},
			Sources: []controls.RiskSource{controls.SourceMachineLearning}, Causes: []string{"drift"}, Consequences: []string{"harm"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := reg.Assess(ctx, "alice", id, risk.StageInherent, risk.Assessment{Likelihood: 4, Consequence: 4}, ""); err != nil {
			t.Fatal(err)
		}
		for _, ev := range []risk.Event{risk.EventAnalyse, risk.EventEvaluate} {
			if _, err := reg.Fire(ctx, "alice", id, ev, nil); err != nil {
				t.Fatal(err)
			}
		}
		// Two actions each: one due in a week, one in a year.
		if _, err := reg.Treat(ctx, "alice", id, risk.Treatment{Options: []risk.Option{risk.OptionChangeLikelihood},
			Controls: []risk.ControlChoice{{ID: "A.6.2.4"}},
			Actions: []risk.Action{{ID: "a1", Title: "soon", Owner: "alice", Due: start.AddDate(0, 0, 7)},
				{ID: "a2", Title: "later", Owner: "alice", Due: start.AddDate(1, 0, 0)}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := reg.CompleteAction(ctx, "alice", "R-1", "a1"); err != nil {
		t.Fatal(err)
	}
	overdueLine := func() string {
		t.Helper()
		lines, err := a.reviewInputs(ctx, a.Workspace())
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			if strings.Contains(l, "overdue") {
				return l
			}
		}
		return ""
	}
	if l := overdueLine(); l != "" {
		t.Errorf("nothing is overdue yet, got %q", l)
	}
	now.Store(start.AddDate(0, 1, 0).UnixNano())
	late, err := reg.Overdue(ctx, a.Workspace().Now())
	if err != nil {
		t.Fatal(err)
	}
	// have a1 past due; R-1 did a1; every a2 is due later.
	want := fmt.Sprintf("%d risk reviews and %d risk treatment actions are overdue.", 0, len(late))
	if len(late) != 2 {
		t.Fatalf("Overdue listed %d items, want 2: %+v", len(late), late)
	}
	if l := overdueLine(); l != want {
		t.Errorf("overdue line = %q, want %q", l, want)
	}
}
