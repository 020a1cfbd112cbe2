package impact

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/aims"
)

// TestChecksAskForApprovedAssessments: the 6.1.4 gate check names each
// in-scope system without an approved assessment and passes once it has one.
func TestChecksAskForApprovedAssessments(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	checks := f.svc.Checks()
	if len(checks) != 1 || checks[0].Clause != "6.1.4" || checks[0].Gate != aims.GatePlanToDo {
		t.Fatalf("checks = %+v", checks)
	}
	run := func() (bool, string) {
		ok, detail, err := checks[0].Run(ctx, f.ws)
		if err != nil {
			t.Fatal(err)
		}
		return ok, detail
	}
	sys := creditModel().ID
	if ok, detail := run(); ok || !strings.Contains(detail, sys) {
		t.Fatalf("before assessment: ok=%v %q, want failure naming %s", ok, detail, sys)
	}
	a := f.draft(t)
	must[*Assessment](t)(f.svc.Submit(ctx, alice, a.ID))
	must[[]RiskLink](t)(f.svc.Link(ctx, alice, a.ID))
	must[*Assessment](t)(f.svc.Approve(ctx, bob, a.ID))
	if ok, detail := run(); !ok {
		t.Fatalf("after approval: ok=false %q", detail)
	}
}

// TestChecksCountManyUnassessed: over many unassessed systems the detail
// names the first five in natural order of id and counts the rest, and
// out-of-scope systems are not asked for an assessment.
func TestChecksCountManyUnassessed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	for i := range 12 {
		s := &aims.AISystem{Meta: aims.Meta{ID: fmt.Sprintf("m-%d", i)}, Name: "model", InScope: i != 3}
		if err := aims.AISystems(f.ws).Create(ctx, alice, s); err != nil {
			t.Fatal(err)
		}
	}
	ok, detail, err := f.svc.Checks()[0].Run(ctx, f.ws)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's credit model is in scope too: 12 unassessed in all.
	if want := "no approved impact assessment for credit-model, m-0, m-1, m-2, m-4 and 7 more"; ok || detail != want {
		t.Errorf("check = %v %q, want false %q", ok, detail, want)
	}
}
