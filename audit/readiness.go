package audit

import (
	"context"
	"fmt"
	"github.com/aimsgo/iso42001/internal/mdtext"
	"slices"
	"strings"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// Stage is a certification audit stage. Values are append-only.
type Stage int

// Stages.
const (
	// Stage1 reviews the documentation: every documented information the
	// standard requires exists and is approved.
	Stage1 Stage = 1
	// Stage2 evaluates operation: audits, reviews, corrective actions and
	// controls with evidence. It includes stage 1.
	Stage2 Stage = 2
)

// DocRequirement is a piece of documented information the standard asks
// for, found as an approved or published [aims.DocumentedInfo] that lists
// Clause and has one of Types (any type when empty) and, when Keyword is
// set, a title containing it (case-insensitive).
type DocRequirement struct {
	ID      string
	Clause  string
	Title   string
	Types   []aims.DocType
	Keyword string
}

// DocRequirements returns the documented information stage 1 looks for
// as documents. Scope, policy, objectives, monitoring results, the audit
// programme and results, review results and nonconformities are records
// of their own and checked as such.
func DocRequirements() []DocRequirement {
	proc := []aims.DocType{aims.DocProcedure}
	res := []aims.DocType{aims.DocRecord, aims.DocReport}
	return []DocRequirement{
		{ID: "risk-criteria", Clause: "6.1.1", Title: "AI risk criteria"},
		{ID: "risk-assessment-process", Clause: "6.1.2", Title: "AI risk assessment process", Types: proc},
		{ID: "risk-treatment-process", Clause: "6.1.3", Title: "AI risk treatment process", Types: proc},
		{ID: "statement-of-applicability", Clause: "6.1.3", Title: "Statement of Applicability", Keyword: "applicability"},
		{ID: "impact-assessment-process", Clause: "6.1.4", Title: "AI system impact assessment process", Types: proc},
		{ID: "competence-evidence", Clause: "7.2", Title: "Evidence of competence", Types: res},
		{ID: "operational-planning", Clause: "8.1", Title: "Operational planning and control"},
		{ID: "risk-assessment-results", Clause: "8.2", Title: "AI risk assessment results", Types: res},
		{ID: "risk-treatment-results", Clause: "8.3", Title: "AI risk treatment results", Types: res},
		{ID: "impact-assessment-results", Clause: "8.4", Title: "AI system impact assessment results", Types: res},
	}
}

// docIndex is the approved and published documents, read once per run.
type docIndex []*aims.DocumentedInfo

func loadDocs(ctx context.Context, ws *aims.Workspace) (docIndex, error) {
	var out docIndex
	for _, st := range []aims.DocState{aims.DocApproved, aims.DocPublished} {
		ds, err := aims.DocumentedInfos(ws).All(ctx, map[string]string{"state": string(st)})
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}

func (ix docIndex) find(r DocRequirement) *aims.DocumentedInfo {
	for _, d := range ix {
		if !slices.Contains(d.Clauses, r.Clause) {
			continue
		}
		if len(r.Types) > 0 && !slices.Contains(r.Types, d.Type) {
			continue
		}
		if r.Keyword != "" && !strings.Contains(strings.ToLower(d.Title), r.Keyword) {
			continue
		}
		return d
	}
	return nil
}

// Check returns the requirement as a readiness check on gate plan->do.
func (r DocRequirement) Check() aims.Check {
	return aims.Check{ID: r.ID, Clause: r.Clause, Title: r.Title, Gate: aims.GatePlanToDo,
		Run: func(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
			ix, err := cachedDocs(ctx, ws)
			if err != nil {
				return false, "", err
			}
			return r.judge(ix)
		}}
}

func (r DocRequirement) judge(ix docIndex) (bool, string, error) {
	if d := ix.find(r); d != nil {
		return true, fmt.Sprintf("%s revision %d is %s", d.ID, d.Revision, d.State), nil
	}
	return false, fmt.Sprintf("no approved document for clause %s: %s", r.Clause, r.Title), nil
}

// StageChecks returns the checks of stage (stage 2 includes stage 1's),
// sharing the [aims.Check] values the PDCA gates use: the kernel's scope,
// policy and objectives checks, [Checks], and one check per
// [DocRequirement].
func StageChecks(stage Stage) []aims.Check {
	var out []aims.Check
	for _, k := range aims.KernelChecks() {
		switch k.ID {
		case "scope-defined", "ai-policy", "ai-objectives":
			out = append(out, k)
		}
	}
	for _, r := range DocRequirements() {
		out = append(out, r.Check())
	}
	byID := map[string]aims.Check{}
	for _, c := range Checks() {
		byID[c.ID] = c
	}
	out = append(out,
		aims.Check{ID: CheckMonitoringRecorded, Clause: "9.1", Title: "Monitoring results retained", Gate: aims.GateCheckToAct, Run: checkAnyMeasurement},
		aims.Check{ID: CheckAuditProgramme, Clause: "9.2.2", Title: "Audit programme established", Gate: aims.GateDoToCheck, Run: checkProgramme},
		aims.Check{ID: "audit-results", Clause: "9.2.2", Title: "Audit results retained", Gate: aims.GateCheckToAct, Run: checkAnyAudit},
		aims.Check{ID: "management-review-results", Clause: "9.3.3", Title: "Management review results retained", Gate: aims.GateActToPlan, Run: checkAnyReview},
		aims.Check{ID: CheckNonconformityRecords, Clause: "10.2", Title: "Nonconformities and actions recorded", Gate: aims.GateActToPlan, Run: checkNCRecords},
	)
	if stage >= Stage2 {
		out = append(out, byID[CheckMonitoringResults], byID[CheckInternalAudit], byID[CheckManagementReview], byID[CheckCorrectiveActions],
			aims.Check{ID: CheckControlsEvidenced, Clause: "8.1", Title: "Controls operating with evidence", Gate: aims.GateCheckToAct, Run: checkControlsEvidenced})
	}
	return out
}

func checkProgramme(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	ok, err := anyOf(ctx, ws, KindProgramme, nil)
	if err != nil || !ok {
		return false, "no internal audit programme is recorded", err
	}
	return true, "an internal audit programme is recorded", nil
}

// checkAnyMeasurement asks that monitoring has produced results at all:
// stage 1 sees that it is performed, and stage 2 asks for results of the
// current cycle ([CheckMonitoringResults]), as with audits and reviews.
func checkAnyMeasurement(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	ok, err := anyOf(ctx, ws, KindMeasurement, nil)
	if err != nil || !ok {
		return false, "no measurement has been recorded", err
	}
	return true, "measurements are retained", nil
}

func checkAnyAudit(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	ok, err := anyOf(ctx, ws, KindAudit, map[string]string{"state": string(AuditCompleted)})
	if err != nil || !ok {
		return false, "no internal audit has been completed", err
	}
	return true, "completed audits are retained", nil
}

func checkAnyReview(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	ok, err := anyOf(ctx, ws, KindReview, map[string]string{"state": string(ReviewHeld)})
	if err != nil || !ok {
		return false, "no management review has been held", err
	}
	return true, "held management reviews are retained", nil
}

func checkNCRecords(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	ok, err := anyOf(ctx, ws, KindNonconformity, nil)
	if err != nil {
		return false, "", err
	}
	if ok {
		return true, "the nonconformity register is in use", nil
	}
	ix, err := cachedDocs(ctx, ws)
	if err != nil {
		return false, "", err
	}
	if d := ix.find(DocRequirement{Clause: "10.2"}); d != nil {
		return true, fmt.Sprintf("no nonconformity raised yet; procedure %s is %s", d.ID, d.State), nil
	}
	return false, "no nonconformity is recorded and no approved 10.2 procedure exists", nil
}

// checkControlsEvidenced asks that every control assessed by a completed
// audit was last found conforming with evidence.
func checkControlsEvidenced(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	audits, err := NewAudits(ws, nil).c.All(ctx, map[string]string{"state": string(AuditCompleted)})
	if err != nil {
		return false, "", err
	}
	slices.SortFunc(audits, func(a, b *Audit) int { return a.Completed.Compare(b.Completed) })
	last := map[string]ChecklistItem{}
	for _, a := range audits {
		for _, it := range a.Checklist {
			if strings.HasPrefix(it.Ref, "A.") || !isClause(it.Ref) {
				last[it.Ref] = it
			}
		}
	}
	if len(last) == 0 {
		return false, "no control has been assessed by a completed internal audit", nil
	}
	var bad []string
	for ref, it := range last {
		if it.Result != ResultConforms || len(it.Evidence) == 0 {
			bad = append(bad, ref)
		}
	}
	if len(bad) > 0 {
		slices.SortFunc(bad, natsort.Compare)
		return false, "controls without conforming evidence: " + strings.Join(bad, ", "), nil
	}
	return true, fmt.Sprintf("%d controls assessed with evidence", len(last)), nil
}

func isClause(ref string) bool { return ref != "" && ref[0] >= '0' && ref[0] <= '9' }

// ReadinessReport is the outcome of [Readiness].
type ReadinessReport struct {
	Stage Stage `json:"stage"`
	Ready bool  `json:"ready"`
	// Items lists every check, clause by clause in natural order.
	Items []aims.CheckResult `json:"items"`
	// Failing lists the failing ones, in the same order.
	Failing []aims.CheckResult `json:"failing,omitempty"`
}

// Readiness runs the checks of stage ([StageChecks]) plus extra against
// ws. An extra check with the id of a built-in one replaces it, so that
// the risk and soa packages can answer from their records (for example
// "statement-of-applicability" from an approved SoA) instead of a
// document. A check that cannot run returns its error.
func Readiness(ctx context.Context, ws *aims.Workspace, stage Stage, extra ...aims.Check) (*ReadinessReport, error) {
	if stage != Stage1 && stage != Stage2 {
		return nil, aims.Invalid("stage", fmt.Sprintf("must be 1 or 2, got %d", stage))
	}
	checks := StageChecks(stage)
	for _, x := range extra {
		if i := slices.IndexFunc(checks, func(c aims.Check) bool { return c.ID == x.ID }); i >= 0 {
			checks[i] = x
		} else {
			checks = append(checks, x)
		}
	}
	return run(ctx, ws, stage, checks)
}

// docsKey is the run-cache key of the approved and published documents.
type docsKey struct{ tenant string }

// cachedDocs returns the documents, read once per readiness run (see
// aims.WithRunCache).
func cachedDocs(ctx context.Context, ws *aims.Workspace) (docIndex, error) {
	return aims.Cached(ctx, docsKey{ws.Tenant()}, func() (docIndex, error) { return loadDocs(ctx, ws) })
}

// run sorts checks by clause and runs them, the document checks sharing
// one read of the documents.
func run(ctx context.Context, ws *aims.Workspace, stage Stage, checks []aims.Check) (*ReadinessReport, error) {
	ctx = aims.WithRunCache(ctx)
	slices.SortStableFunc(checks, func(a, b aims.Check) int {
		if c := natsort.Compare(a.Clause, b.Clause); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	rep := &ReadinessReport{Stage: stage, Ready: true, Items: []aims.CheckResult{}}
	for _, c := range checks {
		if c.Run == nil {
			return nil, aims.Invalid("extra", fmt.Sprintf("check %q has no Run", c.ID))
		}
		ok, detail, err := c.Run(ctx, ws)
		if err != nil {
			return nil, fmt.Errorf("readiness check %s (%s): %w", c.ID, c.Clause, err)
		}
		res := aims.CheckResult{ID: c.ID, Clause: c.Clause, Title: c.Title, OK: ok, Detail: detail}
		rep.Items = append(rep.Items, res)
		if !ok {
			rep.Ready = false
			rep.Failing = append(rep.Failing, res)
		}
	}
	return rep, nil
}

// Markdown renders the report for people.
func (r *ReadinessReport) Markdown() string {
	var b strings.Builder
	verdict := "not ready"
	if r.Ready {
		verdict = "ready"
	}
	fmt.Fprintf(&b, "# Certification readiness: stage %d (%s)\n\n| Clause | Check | OK | Detail |\n|---|---|---|---|\n", r.Stage, verdict)
	for _, it := range r.Items {
		ok := "no"
		if it.OK {
			ok = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", it.Clause, mdtext.Escape(it.Title), ok, mdtext.Escape(it.Detail))
	}
	return b.String()
}
