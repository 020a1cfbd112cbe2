package iso42001

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/impact"
	"github.com/aimsgo/iso42001/lifecycle"
	"github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

// Support is what in the SDK supports one clause leaf or Annex A control:
// the record kinds that hold its evidence, the checks that test it and the
// workflows that govern those records. [AIMS.Trace] lists them all.
type Support struct {
	// Ref is the clause or control id; Title its short title.
	Ref   string `json:"ref"`
	Title string `json:"title"`
	// Records are the record kinds that hold the evidence, the most
	// specific first. Every control also has its SoA decision and
	// implementation record (soa-decision, soa-implementation).
	Records []string `json:"records"`
	// Checks are the ids of the readiness and PDCA checks that test it.
	Checks []string `json:"checks,omitempty"`
	// Workflows are the workflows that move those records.
	Workflows []string `json:"workflows,omitempty"`
}

// evidence names the record kinds that hold each clause leaf's or
// control's evidence, the most specific first. It is data: the test that
// guards it fails when a clause leaf or control has none beyond its SoA
// entry. The life cycle records of package lifecycle (lifecycle.Evidence)
// are merged in after these.
var evidence = map[string][]string{
	"4.1":   {aims.KindContextIssue},
	"4.2":   {aims.KindInterestedParty, soa.KindObligation},
	"4.3":   {aims.KindScope, aims.KindAISystem},
	"4.4":   {aims.KindCycle},
	"5.1":   {aims.KindRoleAssignment, aims.KindDocument, audit.KindReview},
	"5.2":   {aims.KindDocument},
	"5.3":   {aims.KindRoleAssignment},
	"6.1.1": {risk.KindCriteria},
	"6.1.2": {risk.Kind, risk.KindCriteria},
	"6.1.3": {risk.Kind, soa.KindSoA, soa.KindDecision, soa.KindObligation},
	"6.1.4": {impact.KindAssessment},
	"6.2":   {aims.KindObjective},
	"6.3":   {aims.KindDocument},
	"7.1":   {aims.KindDocument, aims.KindAISystem},
	"7.2":   {aims.KindDocument, aims.KindRoleAssignment},
	"7.3":   {aims.KindDocument},
	"7.4":   {aims.KindDocument},
	"7.5.1": {aims.KindDocument},
	"7.5.2": {aims.KindDocument},
	"7.5.3": {aims.KindDocument},
	"8.1":   {aims.KindDocument, soa.KindImplementation},
	"8.2":   {risk.Kind},
	"8.3":   {risk.Kind},
	"8.4":   {impact.KindAssessment, impact.KindIncident},
	"9.1":   {audit.KindMetric, audit.KindMeasurement},
	"9.2.1": {audit.KindAudit, audit.KindFinding},
	"9.2.2": {audit.KindProgramme, audit.KindAudit},
	"9.3.1": {audit.KindReview},
	"9.3.2": {audit.KindReview},
	"9.3.3": {audit.KindReview},
	"10.1":  {audit.KindNonconformity, audit.KindRating},
	"10.2":  {audit.KindNonconformity},

	"A.2.2":   {aims.KindDocument},
	"A.2.4":   {aims.KindDocument},
	"A.3.2":   {aims.KindRoleAssignment},
	"A.4.2":   {aims.KindAISystem},
	"A.4.3":   {aims.KindAISystem},
	"A.5.2":   {impact.KindAssessment},
	"A.5.3":   {impact.KindAssessment},
	"A.5.4":   {impact.KindAssessment},
	"A.5.5":   {impact.KindAssessment},
	"A.6.1.2": {aims.KindObjective},
	"A.6.2.5": {aims.KindAISystem},
	"A.6.2.6": {audit.KindMetric, audit.KindMeasurement},
	"A.7.2":   {aims.KindAISystem},
	"A.7.3":   {aims.KindAISystem},
	"A.7.5":   {aims.KindAISystem},
	"A.8.4":   {impact.KindIncident},
	"A.8.5":   {soa.KindObligation, aims.KindInterestedParty},
	"A.9.3":   {aims.KindObjective},
	"A.9.4":   {aims.KindAISystem},
	"A.10.2":  {aims.KindRoleAssignment},
	"A.10.3":  {aims.KindInterestedParty},
}

// workflowOf names the workflow that moves each record kind.
var workflowOf = map[string]string{
	aims.KindDocument:        "document",
	aims.KindCycle:           "pdca",
	risk.Kind:                risk.WorkflowName,
	impact.KindAssessment:    "impact-assessment",
	soa.KindSoA:              "soa",
	audit.KindAudit:          "audit",
	audit.KindNonconformity:  "nonconformity",
	audit.KindReview:         "management-review",
	audit.KindProgramme:      "audit-programme",
	audit.KindFinding:        "audit",
	audit.KindMeasurement:    "",
	aims.KindRoleAssignment:  "",
	aims.KindAISystem:        "",
	aims.KindContextIssue:    "",
	aims.KindInterestedParty: "",

	lifecycle.KindChange:             "change",
	lifecycle.KindDeploymentApproval: "deployment-approval",
	lifecycle.KindConcern:            "concern",
}

// buildTrace makes the traceability table: for every clause leaf and
// control in natural order, its record kinds, checks and workflows.
func (a *AIMS) buildTrace() {
	checksFor := func(ref string) []string {
		var out []string
		for _, c := range a.checks {
			if ref == c.Clause || strings.HasPrefix(ref, c.Clause+".") || strings.HasPrefix(c.Clause, ref+".") {
				out = append(out, c.ID)
			}
		}
		return out
	}
	own := lifecycle.Evidence()
	add := func(ref, title string, control bool) {
		s := Support{Ref: ref, Title: title, Records: slices.Clone(evidence[ref])}
		for _, k := range own[ref] {
			if !slices.Contains(s.Records, k) {
				s.Records = append(s.Records, k)
			}
		}
		if control {
			s.Records = append(s.Records, soa.KindDecision, soa.KindImplementation)
			s.Checks = append(checksFor(ref), "soa-approved", audit.CheckAuditCoverage, audit.CheckControlsEvidenced)
		} else {
			s.Checks = checksFor(ref)
		}
		for _, k := range s.Records {
			if w := workflowOf[k]; w != "" && !slices.Contains(s.Workflows, w) {
				s.Workflows = append(s.Workflows, w)
			}
		}
		if control {
			s.Workflows = append(s.Workflows, "soa")
		}
		a.traceIndex[ref] = len(a.trace)
		a.traceKeys.put(ref, len(a.trace))
		a.trace = append(a.trace, s)
	}
	a.traceIndex = map[string]int{}
	a.traceKeys = new(traceTable)
	for cl := range a.cat.Clauses() {
		if !cl.Heading {
			add(cl.ID, cl.Title, false)
		}
	}
	for ct := range a.cat.Controls() {
		add(ct.ID, ct.Title, true)
	}
}

// Trace returns what supports every clause leaf and control, clauses
// first, each in natural order. The values are shared: do not modify them.
func (a *AIMS) Trace() []Support { return a.trace }

// TraceOf returns what supports one clause leaf or control, without
// allocating. The value's slices are shared: do not modify them.
func (a *AIMS) TraceOf(ref string) (Support, error) {
	if k, ok := traceKey(ref); ok {
		if i := a.traceKeys[k]; i > 0 && i != traceSlotShared && a.trace[i-1].Ref == ref {
			return a.trace[i-1], nil
		}
	}
	return a.traceOfSlow(ref)
}

// traceOfSlow looks ref up in the map: refs the table cannot place, and
// the error for refs the catalog does not have.
func (a *AIMS) traceOfSlow(ref string) (Support, error) {
	if i, ok := a.traceIndex[ref]; ok {
		return a.trace[i], nil
	}
	return Support{}, aims.Invalid("ref", fmt.Sprintf("%q is not a clause leaf or control of catalog %s", ref, a.cat.ID()))
}

// traceTable places a clause or control id by its numbers, without
// hashing the string: slot [traceKey] holds the trace index plus one, 0
// when empty, [traceSlotShared] when two ids share the slot (they are
// looked up in the map instead). 8 KiB per AIMS.
type traceTable [1 << 13]uint8

const traceSlotShared = 0xff

func (t *traceTable) put(ref string, i int) {
	k, ok := traceKey(ref)
	switch {
	case !ok:
	case t[k] != 0 || i+1 >= traceSlotShared:
		t[k] = traceSlotShared
	default:
		t[k] = uint8(i + 1)
	}
}

// traceKey packs an id of up to three numbers of at most 15, with an
// optional "A." prefix ("9.2.2", "A.6.2.8"), into 13 bits: the prefix in
// bit 12, four bits per number. Different ids may share a key ("09.1" and
// "9.1"); TraceOf compares the id it finds.
func traceKey(ref string) (uint, bool) {
	var k uint
	i := 0
	if len(ref) >= 2 && ref[0] == 'A' && ref[1] == '.' {
		i = 2
	}
	for n := 0; ; n++ {
		if n == 3 {
			return 0, false
		}
		v, start := uint(0), i
		for i < len(ref) && ref[i]-'0' <= 9 {
			v = v*10 + uint(ref[i]-'0')
			if v > 15 {
				return 0, false
			}
			i++
		}
		if i == start {
			return 0, false
		}
		k = k<<4 | v
		if i == len(ref) {
			break
		}
		if ref[i] != '.' {
			return 0, false
		}
		i++
	}
	if ref[0] == 'A' {
		k |= 1 << 12
	}
	return k, true
}
