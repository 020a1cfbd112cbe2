package audit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
)

// AuditState is a state of the audit workflow. Values are append-only.
type AuditState string

// Audit states.
const (
	AuditPlanned    AuditState = "planned"
	AuditInProgress AuditState = "in-progress"
	AuditCompleted  AuditState = "completed"
	AuditCancelled  AuditState = "cancelled"
)

// AuditEvent is an event of the audit workflow.
type AuditEvent string

// Audit events.
const (
	EventStart    AuditEvent = "start"
	EventComplete AuditEvent = "complete"
	EventCancel   AuditEvent = "cancel"
)

// Audit is one internal audit (9.2): its plan (scope areas, criteria,
// auditors, date), its checklist and its conclusion.
type Audit struct {
	aims.Meta
	// Programme is the id of the programme the audit belongs to; optional.
	Programme string   `json:"programme,omitempty"`
	Title     string   `json:"title"`
	Areas     []Area   `json:"areas"`
	Criteria  []string `json:"criteria,omitempty"`
	// Auditors lists the assigned auditors; Lead is one of them.
	Auditors   []string        `json:"auditors"`
	Lead       string          `json:"lead"`
	Planned    time.Time       `json:"planned"`
	Started    time.Time       `json:"started,omitzero"`
	Completed  time.Time       `json:"completed,omitzero"`
	Checklist  []ChecklistItem `json:"checklist"`
	Conclusion string          `json:"conclusion,omitempty"`
}

// Validate checks the audit.
func (a *Audit) Validate() error {
	var p aims.Problems
	checkKind(&p, &a.Meta, KindAudit)
	if a.Programme != "" && !aims.ValidName(a.Programme) {
		p.Addf("programme", "must be a programme id, got %q", a.Programme)
	}
	p.Require("title", a.Title)
	if len(a.Areas) == 0 {
		p.Add("areas", "must list at least one area")
	}
	checkAreas(&p, "areas", a.Areas)
	checkTexts(&p, "criteria", a.Criteria)
	if len(a.Auditors) == 0 {
		p.Add("auditors", "must list at least one auditor")
	}
	for i, au := range a.Auditors {
		checkActor(&p, fmt.Sprintf("auditors[%d]", i), au, true)
	}
	if !slices.Contains(a.Auditors, a.Lead) {
		p.Addf("lead", "must be one of the auditors, got %q", a.Lead)
	}
	if a.Planned.IsZero() {
		p.Add("planned", "is required")
	}
	seen := map[string]bool{}
	for i, it := range a.Checklist {
		ip := fmt.Sprintf("checklist[%d]", i)
		switch {
		case !aims.ValidName(it.Ref):
			p.Addf(ip+".ref", "must be a clause or control id, got %q", it.Ref)
		case seen[it.Ref]:
			p.Addf(ip+".ref", "duplicate item %q", it.Ref)
		}
		seen[it.Ref] = true
		if it.Result != "" && !it.Result.Valid() {
			p.Addf(ip+".result", "must be conforms, nonconforming or not-applicable, got %q", it.Result)
		}
		checkTexts(&p, ip+".evidence", it.Evidence)
	}
	return p.Err()
}

// Attributes returns the filterable attributes: programme and lead.
func (a *Audit) Attributes() map[string]string {
	return map[string]string{"programme": a.Programme, "lead": a.Lead}
}

// areaOwners lists everyone who owns an audited area.
func areaOwners(a *Audit) []string {
	var out []string
	for _, ar := range a.Areas {
		if ar.Owner != "" {
			out = append(out, ar.Owner)
		}
	}
	return out
}

var (
	// dutyIndependent: nobody audits an area they own (9.2.2 asks for
	// objectivity and impartiality).
	dutyIndependent = aims.NotActor("auditor-is-independent", areaOwners)
	dutyAssigned    = aims.Duty[Audit]{Name: "auditor-is-assigned", Check: func(a *Audit, actor string) error {
		if !slices.Contains(a.Auditors, actor) {
			return fmt.Errorf("%q is not an auditor of this audit", actor)
		}
		return nil
	}}
	guardAnswered = aims.Guard[Audit]{Name: "checklist-answered", Check: func(_ context.Context, a *Audit) error {
		var open []string
		for _, it := range a.Checklist {
			if it.Result == "" {
				open = append(open, it.Ref)
			}
		}
		if len(open) > 0 {
			return fmt.Errorf("%d checklist items have no result: %s", len(open), strings.Join(open, ", "))
		}
		return nil
	}}
	guardConclusion = aims.Guard[Audit]{Name: "conclusion-recorded", Check: func(_ context.Context, a *Audit) error {
		if strings.TrimSpace(a.Conclusion) == "" {
			return fmt.Errorf("the audit conclusion must be recorded")
		}
		return nil
	}}
)

var auditWorkflow = aims.MustMachine(aims.Spec[Audit, AuditState, AuditEvent]{
	Name:     "audit",
	Version:  1,
	Initial:  AuditPlanned,
	States:   []AuditState{AuditPlanned, AuditInProgress, AuditCompleted, AuditCancelled},
	Terminal: []AuditState{AuditCompleted, AuditCancelled},
	Transitions: []aims.Transition[Audit, AuditState, AuditEvent]{
		{Event: EventStart, From: []AuditState{AuditPlanned}, To: AuditInProgress, Roles: []aims.Role{aims.RoleInternalAuditor},
			Duties: []aims.Duty[Audit]{dutyAssigned, dutyIndependent}},
		{Event: EventComplete, From: []AuditState{AuditInProgress}, To: AuditCompleted, Roles: []aims.Role{aims.RoleInternalAuditor},
			Duties: []aims.Duty[Audit]{dutyAssigned, dutyIndependent}, Guards: []aims.Guard[Audit]{guardAnswered, guardConclusion}},
		{Event: EventCancel, From: []AuditState{AuditPlanned, AuditInProgress}, To: AuditCancelled, Roles: []aims.Role{aims.RoleAuditManager, aims.RoleAIMSManager}},
	},
})

// AuditWorkflow returns the audit workflow: planned -> in-progress ->
// completed, or cancelled. Only an assigned auditor who owns none of the
// audited areas may start or complete an audit.
func AuditWorkflow() *aims.Machine[Audit, AuditState, AuditEvent] { return auditWorkflow }

// FindingType classifies a finding. Values are append-only.
type FindingType string

// Finding types.
const (
	FindingMajor       FindingType = "major-nonconformity"
	FindingMinor       FindingType = "minor-nonconformity"
	FindingObservation FindingType = "observation"
	FindingOpportunity FindingType = "opportunity-for-improvement"
)

// Valid reports whether t is a known type.
func (t FindingType) Valid() bool {
	switch t {
	case FindingMajor, FindingMinor, FindingObservation, FindingOpportunity:
		return true
	}
	return false
}

// Nonconformity reports whether t is a major or minor nonconformity.
func (t FindingType) Nonconformity() bool { return t == FindingMajor || t == FindingMinor }

// Finding is what an auditor found about one clause or control, with the
// evidence. Nonconformity findings open a [Nonconformity]; opportunities
// open an improvement.
type Finding struct {
	aims.Meta
	Audit     string      `json:"audit"`
	Type      FindingType `json:"type"`
	Ref       string      `json:"ref"`
	Statement string      `json:"statement"`
	Evidence  []string    `json:"evidence"`
	Auditor   string      `json:"auditor"`
	Raised    time.Time   `json:"raised,omitzero"`
	// Nonconformity is the id of the nonconformity or improvement opened
	// for the finding, if any.
	Nonconformity string `json:"nonconformity,omitempty"`
}

// Validate checks the finding.
func (f *Finding) Validate() error {
	var p aims.Problems
	checkKind(&p, &f.Meta, KindFinding)
	if !aims.ValidName(f.Audit) {
		p.Addf("audit", "must be an audit id, got %q", f.Audit)
	}
	if !f.Type.Valid() {
		p.Addf("type", "must be major-nonconformity, minor-nonconformity, observation or opportunity-for-improvement, got %q", f.Type)
	}
	if !aims.ValidName(f.Ref) {
		p.Addf("ref", "must be a clause or control id, got %q", f.Ref)
	}
	p.Require("statement", f.Statement)
	if len(f.Evidence) == 0 {
		p.Add("evidence", "must list the evidence the finding rests on")
	}
	checkTexts(&p, "evidence", f.Evidence)
	checkActor(&p, "auditor", f.Auditor, true)
	if f.Nonconformity != "" && !aims.ValidName(f.Nonconformity) {
		p.Addf("nonconformity", "must be a nonconformity id, got %q", f.Nonconformity)
	}
	return p.Err()
}

// Attributes returns the filterable attributes: audit, type, ref, auditor.
func (f *Finding) Attributes() map[string]string {
	return map[string]string{"audit": f.Audit, "type": string(f.Type), "ref": f.Ref, "auditor": f.Auditor}
}

// Audits runs internal audits: plans with checklists from the catalog,
// independence of auditors, results, findings and reports. It is safe for
// concurrent use.
type Audits struct {
	ws       *aims.Workspace
	cat      *controls.Catalog
	c        *aims.Collection[Audit, *Audit]
	findings *aims.Collection[Finding, *Finding]
	ncs      *Nonconformities
}

// NewAudits returns the audit service of ws over catalog cat (nil:
// [controls.ISO42001]).
func NewAudits(ws *aims.Workspace, cat *controls.Catalog) *Audits {
	if cat == nil {
		cat = controls.ISO42001()
	}
	return &Audits{ws: ws, cat: cat, c: aims.NewCollection[Audit](ws, KindAudit, 1),
		findings: aims.NewCollection[Finding](ws, KindFinding, 1), ncs: NewNonconformities(ws)}
}

// Collection returns the audits' collection.
func (s *Audits) Collection() *aims.Collection[Audit, *Audit] { return s.c }

// Findings returns the findings' collection.
func (s *Audits) Findings() *aims.Collection[Finding, *Finding] { return s.findings }

// PlanInput describes an audit to plan.
type PlanInput struct {
	ID        string
	Programme string
	Title     string
	Areas     []Area
	Criteria  []string
	Auditors  []string
	Lead      string
	Planned   time.Time
	// Applicable lists the controls the current SoA marks applicable; those
	// covered by Areas join the checklist.
	Applicable []string
}

// independence returns a forbidden error when actor owns an area covering
// ref ("" checks every area).
func independence(areas []Area, ref, actor string) error {
	for _, a := range areas {
		if a.Owner == actor && (ref == "" || covers(a.ID, ref) || covers(ref, a.ID)) {
			return fmt.Errorf("%w: auditor-is-independent: %q owns area %s and may not audit it", aims.ErrForbidden, actor, a.ID)
		}
	}
	return nil
}

// Plan creates an audit in state planned with its checklist built by
// [Checklist] over the areas. An auditor who owns an audited area is
// refused with an error matching [aims.ErrForbidden] (rule
// "auditor-is-independent"); a checklist that would be empty is invalid.
func (s *Audits) Plan(ctx context.Context, actor string, in PlanInput) (*Audit, error) {
	a := &Audit{Meta: aims.Meta{ID: in.ID}, Programme: in.Programme, Title: in.Title, Areas: slices.Clone(in.Areas),
		Criteria: slices.Clone(in.Criteria), Auditors: slices.Clone(in.Auditors), Lead: in.Lead, Planned: in.Planned}
	if a.Lead == "" && len(a.Auditors) > 0 {
		a.Lead = a.Auditors[0]
	}
	for i, au := range a.Auditors {
		if err := dutyIndependent.Check(a, au); err != nil {
			return nil, aims.E("plan", KindAudit, in.ID, fmt.Errorf("%w: auditors[%d]: auditor-is-independent: %v", aims.ErrForbidden, i, err))
		}
	}
	scope := make([]string, len(a.Areas))
	for i, ar := range a.Areas {
		scope[i] = ar.ID
		if err := checkRef(s.cat, fmt.Sprintf("areas[%d].id", i), ar.ID, true); err != nil {
			return nil, aims.E("plan", KindAudit, in.ID, err)
		}
	}
	var applicable []string
	for _, id := range in.Applicable {
		if slices.ContainsFunc(scope, func(s string) bool { return covers(s, id) }) {
			applicable = append(applicable, id)
		}
	}
	cl, err := Checklist(s.cat, scope, applicable)
	if err != nil {
		return nil, aims.E("plan", KindAudit, in.ID, err)
	}
	// An area naming a control adds it even if no clause covers it.
	if len(cl) == 0 {
		return nil, aims.E("plan", KindAudit, in.ID, aims.Invalid("areas", "cover no clause or applicable control of the catalog"))
	}
	a.Checklist = cl
	if err := aims.Start(ctx, s.c, auditWorkflow, actor, a); err != nil {
		return nil, err
	}
	return a, nil
}

// Get returns the audit with id.
func (s *Audits) Get(ctx context.Context, id string) (*Audit, error) { return s.c.Get(ctx, id) }

// All returns every audit, by id.
func (s *Audits) All(ctx context.Context) ([]*Audit, error) { return s.c.All(ctx, nil) }

func (s *Audits) fire(ctx context.Context, actor, id string, ev AuditEvent, change func(*Audit) error) (*Audit, error) {
	return aims.Fire(ctx, s.c, auditWorkflow, aims.Firing[Audit, AuditEvent]{ID: id, Actor: actor, Event: ev, Change: change})
}

// Start starts fieldwork; actor must be an assigned, independent auditor.
func (s *Audits) Start(ctx context.Context, actor, id string) (*Audit, error) {
	now := s.ws.Now()
	return s.fire(ctx, actor, id, EventStart, func(a *Audit) error { a.Started = now; return nil })
}

// Complete closes fieldwork with the conclusion; every checklist item must
// have a result.
func (s *Audits) Complete(ctx context.Context, actor, id, conclusion string) (*Audit, error) {
	now := s.ws.Now()
	return s.fire(ctx, actor, id, EventComplete, func(a *Audit) error {
		a.Conclusion, a.Completed = conclusion, now
		return nil
	})
}

// Cancel cancels a planned or running audit.
func (s *Audits) Cancel(ctx context.Context, actor, id string) (*Audit, error) {
	return s.fire(ctx, actor, id, EventCancel, nil)
}

// Actions lists the events actor may fire now on audit id.
func (s *Audits) Actions(ctx context.Context, actor, id string) ([]AuditEvent, error) {
	return aims.Actions(ctx, s.c, auditWorkflow, actor, id)
}

// fieldwork loads audit id and checks that actor may record in it on ref.
func (s *Audits) fieldwork(ctx context.Context, op, actor, id, ref string) (*Audit, error) {
	a, err := s.c.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if AuditState(a.State) != AuditInProgress {
		return nil, aims.E(op, KindAudit, id, fmt.Errorf("%w: audit is %s, not in-progress", aims.ErrTransitionDenied, a.State))
	}
	if err := dutyAssigned.Check(a, actor); err != nil {
		return nil, aims.E(op, KindAudit, id, fmt.Errorf("%w: auditor-is-assigned: %v", aims.ErrForbidden, err))
	}
	if err := s.ws.Authorizer().Authorize(ctx, actor, []aims.Role{aims.RoleInternalAuditor}); err != nil {
		return nil, aims.E(op, KindAudit, id, err)
	}
	if err := independence(a.Areas, ref, actor); err != nil {
		return nil, aims.E(op, KindAudit, id, err)
	}
	return a, nil
}

// RecordResult records the result of checklist item ref with the evidence
// seen; actor must be an assigned auditor who owns no area covering ref.
func (s *Audits) RecordResult(ctx context.Context, actor, id, ref string, r Result, evidence []string, notes string) (*Audit, error) {
	a, err := s.fieldwork(ctx, "record-result", actor, id, ref)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(a.Checklist, func(it ChecklistItem) bool { return it.Ref == ref })
	if i < 0 {
		return nil, aims.E("record-result", KindAudit, id, aims.Invalid("ref", fmt.Sprintf("%q is not on the checklist", ref)))
	}
	if !r.Valid() {
		return nil, aims.E("record-result", KindAudit, id, aims.Invalid("result", fmt.Sprintf("must be conforms, nonconforming or not-applicable, got %q", r)))
	}
	if r != ResultNotApplicable && len(evidence) == 0 {
		return nil, aims.E("record-result", KindAudit, id, aims.Invalid("evidence", "is required for a conforms or nonconforming result"))
	}
	it := &a.Checklist[i]
	it.Result, it.Evidence, it.Notes, it.Auditor = r, slices.Clone(evidence), notes, actor
	if err := s.c.Save(ctx, "record-result", actor, a, a.Meta, a.Version, aims.Entry{Event: "record-result"}); err != nil {
		return nil, err
	}
	return a, nil
}

// AddFinding records a finding of an audit in progress by actor, an
// assigned auditor who owns no area covering the finding's ref. A major or
// minor nonconformity opens a [Nonconformity] (source audit, owner the
// area's owner, or the audit lead), an opportunity opens an improvement;
// the finding names it. The finding is written first: if opening the
// nonconformity fails, the error says so and the finding stays.
func (s *Audits) AddFinding(ctx context.Context, actor, auditID string, f *Finding) error {
	if err := checkRef(s.cat, "ref", f.Ref, false); err != nil {
		return aims.E("add-finding", KindAudit, auditID, err)
	}
	a, err := s.fieldwork(ctx, "add-finding", actor, auditID, f.Ref)
	if err != nil {
		return err
	}
	f.Audit, f.Auditor, f.Raised = auditID, actor, s.ws.Now()
	var nc *Nonconformity
	if f.Type.Nonconformity() || f.Type == FindingOpportunity {
		owner := a.Lead
		if o := ownersOf(a.Areas, f.Ref); len(o) > 0 {
			owner = o[0]
		}
		nc = &Nonconformity{Meta: aims.Meta{ID: s.ws.NewID(KindNonconformity)}, Type: TypeNonconformity, Title: f.Statement,
			Ref: f.Ref, Source: SourceAudit, Owner: owner, Description: strings.Join(f.Evidence, "; ")}
		switch f.Type {
		case FindingMajor:
			nc.Severity = SeverityMajor
		case FindingMinor:
			nc.Severity = SeverityMinor
		default:
			nc.Type = TypeImprovement
		}
		f.Nonconformity = nc.ID
	}
	// The finding and the nonconformity it opens are one step (aims.Tx).
	tx := s.ws.Begin()
	if err := aims.CreateIn(ctx, tx, s.findings, actor, f); err != nil {
		return err
	}
	if nc != nil {
		nc.SourceRef = f.ID
		if err := s.ncs.openIn(ctx, tx, actor, nc); err != nil {
			return fmt.Errorf("finding %s: its nonconformity is refused, so neither is recorded: %w", f.ID, err)
		}
	}
	return tx.Commit(ctx)
}

// FindingsOf returns the findings of audit id, by id.
func (s *Audits) FindingsOf(ctx context.Context, id string) ([]*Finding, error) {
	return s.findings.All(ctx, map[string]string{"audit": id})
}

// Schedule orders the areas of programme id for auditing with
// [Prioritise], weighing every finding and completed audit so far.
func (s *Audits) Schedule(ctx context.Context, programme string) ([]AreaPriority, error) {
	pr, err := NewProgrammes(s.ws).Get(ctx, programme)
	if err != nil {
		return nil, err
	}
	fs, err := s.findings.All(ctx, nil)
	if err != nil {
		return nil, err
	}
	as, err := s.c.All(ctx, nil)
	if err != nil {
		return nil, err
	}
	return Prioritise(s.ws.Now(), pr.FrequencyDays, pr.Areas, fs, as), nil
}
