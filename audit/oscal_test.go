package audit_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/internal/oscaltest"
)

func TestOSCALExports(t *testing.T) {
	t.Parallel()
	ws, clk := newWS(t)
	ctx := t.Context()
	f := runAudit(t, ws)
	s := audit.NewAudits(ws, nil)
	a := must[*audit.Audit](t)(s.Get(ctx, f.Audit))
	rep := must[*audit.Report](t)(s.Report(ctx, a.ID))
	ncs := audit.NewNonconformities(ws)
	must[*audit.Nonconformity](t)(ncs.Act(ctx, "dev", f.Nonconformity, rc, []audit.Action{{Title: "add template", Owner: "dev", Due: clk.now.Add(24 * time.Hour)}}))
	check(t, ncs.Open(ctx, "mgr", &audit.Nonconformity{Type: audit.TypeImprovement, Title: "faster reviews", Source: audit.SourceReview}))
	all := must[[]*audit.Nonconformity](t)(ncs.All(ctx, ""))

	var plan, results, poam bytes.Buffer
	check(t, audit.WritePlanOSCAL(&plan, a))
	check(t, audit.WriteResultsOSCAL(&results, rep))
	check(t, audit.WritePOAMOSCAL(&poam, "Corrective actions", all))
	oscaltest.Validate(t, oscaltest.AssessmentPlan, plan.Bytes())
	oscaltest.Validate(t, oscaltest.AssessmentResults, results.Bytes())
	oscaltest.Validate(t, oscaltest.POAM, poam.Bytes())
	golden(t, "audit-plan.oscal.json", plan.Bytes())
	golden(t, "audit-results.oscal.json", results.Bytes())
	golden(t, "poam.oscal.json", poam.Bytes())
}
