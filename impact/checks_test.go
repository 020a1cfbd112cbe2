package impact

import (
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
