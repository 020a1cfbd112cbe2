package iso42001

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/internal/natsort"
	"github.com/aimsgo/iso42001/lifecycle"
)

// Check is one requirement of the standard that the AIMS is checked
// against from its records: the PDCA gate it guards and the certification
// stage from which readiness asks for it. Every check has one id and one
// clause, the same in PDCA status, readiness, gap assessment and reports.
type Check struct {
	aims.Check
	// Stage is the first certification stage that asks for the check:
	// 1 for documented information and planning (stage 1 and 2), 2 for
	// evidence of operation (stage 2 only).
	Stage audit.Stage
}

// Checks returns the complete registry, in natural clause order: the
// kernel's context, leadership and planning checks (4.1-7.5), the
// documented information stage 1 looks for, the risk, impact and SoA
// checks from their records, and the audit package's checks of
// monitoring, internal audit (with coverage of every clause and applicable
// control), management review, nonconformity and improvement.
func (a *AIMS) Checks() []Check { return slices.Clone(a.checks) }

// stage2 lists the checks that ask for evidence of operation: stage 1
// looks at documentation and planning only.
var stage2 = map[string]bool{
	"aims-operating":             true,
	"risk-assessment-results":    true,
	"risk-treatment-results":     true,
	"impact-assessments-current": true,
	audit.CheckMetricsDefined:    true,
	audit.CheckMonitoringResults: true,
	audit.CheckInternalAudit:     true,
	audit.CheckAuditCoverage:     true,
	audit.CheckManagementReview:  true,
	audit.CheckCorrectiveActions: true,
	audit.CheckActionsOnTime:     true,
	audit.CheckImprovement:       true,
	audit.CheckControlsEvidenced: true,

	// The life cycle records are evidence of operation: stage 1 reviews
	// the AIMS's documented information (clauses 4-10 and the SoA, where
	// 6.3, 7.1, 7.3 and 7.4 have their stage 1 checks); an auditor
	// samples each control's records per AI system at stage 2.
	lifecycle.CheckChangesReassessed:    true,
	lifecycle.CheckAwarenessRecorded:    true,
	lifecycle.CheckCommunicationPlanned: true,
	lifecycle.CheckConcernsHandled:      true,
	lifecycle.CheckSystemResources:      true,
	lifecycle.CheckSystemRequirements:   true,
	lifecycle.CheckVerificationPassed:   true,
	lifecycle.CheckDeploymentApproved:   true,
	lifecycle.CheckTechnicalDocs:        true,
	lifecycle.CheckEventLogs:            true,
	lifecycle.CheckDataQuality:          true,
	lifecycle.CheckDataProvenance:       true,
}

// replacedDocs are the documented-information requirements that records
// answer: the register, the impact assessments and the SoA show them
// better than a document would, under the record check's own id.
var replacedDocs = map[string]bool{
	"risk-criteria":              true, // risk.CheckCriteria
	"statement-of-applicability": true, // soa-approved
	"risk-assessment-results":    true, // risk.CheckAssessmentsCurrent
	"risk-treatment-results":     true, // risk.CheckTreatmentResults
	"impact-assessment-results":  true, // impact-assessments-current
}

func (a *AIMS) buildChecks() []Check {
	var all []aims.Check
	all = append(all, aims.KernelChecks()...)
	for _, r := range audit.DocRequirements() {
		if !replacedDocs[r.ID] {
			all = append(all, r.Check())
		}
	}
	all = append(all, a.extraDocChecks()...)
	all = append(all, a.risks.Checks()...)
	all = append(all, a.impacts.Checks()...)
	all = append(all, a.impactsCurrent())
	all = append(all, a.soa.Checks()...)
	docs := map[string]bool{}
	for _, r := range audit.DocRequirements() {
		docs[r.ID] = true
	}
	for _, c := range audit.StageChecks(audit.Stage2) {
		if !docs[c.ID] {
			all = append(all, c)
		}
	}
	all = append(all, audit.Checks()...)
	all = append(all, audit.OperationChecks()...)
	all = append(all, audit.CoverageCheck(a.applicableControls))
	all = append(all, lifecycle.Checks(lifecycle.CheckOptions{
		Applicable:       a.applicableOrAll,
		RiskReassessed:   a.riskReassessed,
		ImpactReassessed: a.impactReassessed,
		ReviewChanges:    a.reviewChanges,
	})...)
	all = append(all, aims.Check{ID: "aims-operating", Clause: "4.4", Title: "AIMS established and running its PDCA cycle", Gate: aims.GateCheckToAct, Run: a.checkOperating})

	seen := map[string]bool{}
	out := make([]Check, 0, len(all))
	for _, c := range all {
		if seen[c.ID] {
			continue // audit.StageChecks repeats the kernel's scope, policy and objectives
		}
		seen[c.ID] = true
		st := audit.Stage1
		if stage2[c.ID] {
			st = audit.Stage2
		}
		out = append(out, Check{Check: c, Stage: st})
	}
	slices.SortStableFunc(out, func(x, y Check) int {
		if c := natsort.Compare(x.Clause, y.Clause); c != 0 {
			return c
		}
		if x.Stage != y.Stage {
			return int(x.Stage - y.Stage)
		}
		return natsort.Compare(x.ID, y.ID)
	})
	return out
}

// checkOperating asks that the AIMS has passed at least its first PDCA
// gate: an AIMS only planned is not yet established (4.4).
func (a *AIMS) checkOperating(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	// Read the cycle, never create it: a check only reads.
	c, err := aims.Cycles(ws).Get(ctx, aims.CycleID)
	if isNotFound(err) {
		return false, "no PDCA cycle is recorded: the AIMS has not started", nil
	}
	if err != nil {
		return false, "", err
	}
	if c.Number == 1 && c.Phase() == aims.PhasePlan {
		return false, "cycle 1 is still in Plan: the AIMS is planned, not yet operating", nil
	}
	return true, fmt.Sprintf("cycle %d, phase %s", c.Number, c.Phase()), nil
}

// extraDocChecks are the support clauses (7.1, 7.3, 7.4) whose evidence
// is documented information the organisation keeps.
func (a *AIMS) extraDocChecks() []aims.Check {
	reqs := []audit.DocRequirement{
		{ID: "resources", Clause: "7.1", Title: "Resources for the AIMS determined"},
		{ID: "awareness", Clause: "7.3", Title: "Awareness of the AI policy and of each person's part", Types: []aims.DocType{aims.DocRecord, aims.DocReport, aims.DocPlan}},
		{ID: "communication", Clause: "7.4", Title: "Internal and external communication planned", Types: []aims.DocType{aims.DocPlan, aims.DocProcedure, aims.DocPolicy}},
	}
	out := make([]aims.Check, len(reqs))
	for i, r := range reqs {
		out[i] = r.Check()
	}
	return out
}

// applicableControls returns the controls the approved SoA holds
// applicable, for the audit-coverage check; none before an SoA is
// approved (soa-approved fails then).
func (a *AIMS) applicableControls(ctx context.Context) ([]string, error) {
	doc, err := a.soa.Approved(ctx)
	if err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	var out []string
	for _, e := range doc.Entries {
		if e.Applicable {
			out = append(out, e.Control)
		}
	}
	return out, nil
}

// applicableOrAll returns the controls the approved SoA holds applicable
// and whether one is approved, for the life cycle checks.
// The SoA is read once per readiness run (aims.WithRunCache) for all the
// control checks.
func (a *AIMS) applicableOrAll(ctx context.Context) ([]string, bool, error) {
	r, err := aims.Cached(ctx, applicableKey{a.ws.Tenant()}, func() (applicableSet, error) {
		doc, err := a.soa.Approved(ctx)
		if isNotFound(err) {
			return applicableSet{}, nil
		}
		if err != nil {
			return applicableSet{}, err
		}
		out := applicableSet{approved: true}
		for _, e := range doc.Entries {
			if e.Applicable {
				out.controls = append(out.controls, e.Control)
			}
		}
		return out, nil
	})
	return r.controls, r.approved, err
}

type (
	applicableKey struct{ tenant string }
	applicableSet struct {
		controls []string
		approved bool
	}
)

// riskReassessed reports whether risk id's current rating was made at or
// after since (6.3: a change's reassessment was carried out).
func (a *AIMS) riskReassessed(ctx context.Context, id string, since time.Time) (bool, string, error) {
	rk, err := a.risks.Get(ctx, id)
	if isNotFound(err) {
		return false, "is not in the risk register", nil
	}
	if err != nil {
		return false, "", err
	}
	cur, _ := rk.Current()
	switch {
	case cur == nil:
		return false, "has never been assessed", nil
	case cur.AssessedAt.Before(since):
		return false, "was last assessed " + cur.AssessedAt.UTC().Format(time.DateOnly) + ", before the change was planned", nil
	}
	return true, "", nil
}

// impactReassessed reports whether impact assessment id, or a later one
// of the same AI system, was approved at or after since.
func (a *AIMS) impactReassessed(ctx context.Context, id string, since time.Time) (bool, string, error) {
	ia, err := a.impacts.Get(ctx, id)
	if isNotFound(err) {
		return false, "does not exist", nil
	}
	if err != nil {
		return false, "", err
	}
	for x, err := range a.impacts.List(ctx, ia.System) {
		if err != nil {
			return false, "", err
		}
		if !x.ApprovedAt.IsZero() && !x.ApprovedAt.Before(since) {
			return true, "", nil
		}
	}
	return false, "has no approval for " + ia.System + " since the change was planned", nil
}

// reviewChanges counts the changes to the AIMS each held management
// review decided (9.3.3), by review id, for the 6.3 check: each is to be
// planned as a lifecycle.Change naming the review.
func (a *AIMS) reviewChanges(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for r, err := range a.reviews.Collection().List(ctx, map[string]string{"state": string(audit.ReviewHeld)}) {
		if err != nil {
			return nil, err
		}
		if len(r.Changes) > 0 {
			out[r.ID] = len(r.Changes)
		}
	}
	return out, nil
}

// Readiness runs the checks certification stage asks for (stage 2
// includes stage 1's) and reports them clause by clause.
func (a *AIMS) Readiness(ctx context.Context, stage audit.Stage) (*audit.ReadinessReport, error) {
	var cs []aims.Check
	for _, c := range a.checks {
		if c.Stage <= stage {
			cs = append(cs, c.Check)
		}
	}
	return audit.Run(ctx, a.ws, stage, cs)
}
