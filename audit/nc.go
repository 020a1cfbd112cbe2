package audit

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// Source says where a nonconformity or improvement came from (10.2 asks
// that every source be handled the same way). Values are append-only.
type Source string

// Sources.
const (
	SourceAudit      Source = "audit"
	SourceIncident   Source = "incident"
	SourceComplaint  Source = "complaint"
	SourceMonitoring Source = "monitoring"
	SourceReview     Source = "management-review"
	SourceOther      Source = "other"
)

// Valid reports whether s is a known source.
func (s Source) Valid() bool {
	switch s {
	case SourceAudit, SourceIncident, SourceComplaint, SourceMonitoring, SourceReview, SourceOther:
		return true
	}
	return false
}

// NCType distinguishes a nonconformity (10.2) from an opportunity for
// improvement (10.1); both travel the same workflow so that improvements
// are tracked as rigorously as defects. Values are append-only.
type NCType string

// Types.
const (
	TypeNonconformity NCType = "nonconformity"
	TypeImprovement   NCType = "improvement"
)

// Valid reports whether t is a known type.
func (t NCType) Valid() bool { return t == TypeNonconformity || t == TypeImprovement }

// Severity grades a nonconformity. Values are append-only.
type Severity string

// Severities.
const (
	// SeverityMajor: a requirement is not met at all, or the failure puts
	// the AIMS's outcomes in doubt.
	SeverityMajor Severity = "major"
	// SeverityMinor: an isolated lapse.
	SeverityMinor Severity = "minor"
)

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool { return s == SeverityMajor || s == SeverityMinor }

// NCState is a state of the nonconformity workflow. Values are append-only.
type NCState string

// Nonconformity states, in workflow order.
const (
	NCOpen          NCState = "open"
	NCCorrected     NCState = "corrected"
	NCAnalysed      NCState = "analysed"
	NCActionPlanned NCState = "action-planned"
	NCImplemented   NCState = "implemented"
	NCVerified      NCState = "verified"
	NCClosed        NCState = "closed"
)

// NCEvent is an event of the nonconformity workflow.
type NCEvent string

// Nonconformity events.
const (
	// EventCorrect records the immediate correction (containment).
	EventCorrect NCEvent = "correct"
	// EventAnalyse records the root cause analysis.
	EventAnalyse NCEvent = "analyse"
	// EventAct plans the corrective actions, each with owner and due date.
	EventAct NCEvent = "act"
	// EventImplement declares the actions done; the actor is the implementer.
	EventImplement NCEvent = "implement"
	// EventVerify records effective corrective action; never by the implementer.
	EventVerify NCEvent = "verify"
	// EventIneffective records that the actions did not work: back to analysis.
	EventIneffective NCEvent = "ineffective"
	// EventClose closes a verified nonconformity.
	EventClose NCEvent = "close"
)

// RootCause is the recorded root cause analysis.
type RootCause struct {
	// Method names the technique, e.g. "5 whys", "fishbone".
	Method string `json:"method"`
	// Causes lists the causes found.
	Causes []string `json:"causes"`
	// SimilarElsewhere notes whether similar nonconformities exist or could
	// occur (10.2 asks to look).
	SimilarElsewhere string `json:"similarElsewhere,omitempty"`
}

// Action is one corrective (or improvement) action.
type Action struct {
	Title string    `json:"title"`
	Owner string    `json:"owner"`
	Due   time.Time `json:"due,omitzero"`
	Done  time.Time `json:"done,omitzero"`
}

// Verification is the effectiveness review of the actions taken.
type Verification struct {
	// Effective says whether the actions removed the cause.
	Effective bool `json:"effective"`
	// Note gives the evidence for the judgement.
	Note string `json:"note"`
	// By and At are set by the service.
	By string    `json:"by,omitempty"`
	At time.Time `json:"at,omitzero"`
}

// Nonconformity is a nonconformity or improvement opportunity and what was
// done about it (10.1, 10.2): correction, root cause, corrective actions,
// implementation and an independent effectiveness check.
type Nonconformity struct {
	aims.Meta
	Type     NCType   `json:"type"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity,omitempty"`
	// Ref is the clause or control not met, e.g. "8.2", "A.6.2.8".
	Ref         string `json:"ref,omitempty"`
	Description string `json:"description,omitempty"`
	Source      Source `json:"source"`
	// SourceRef points at the finding, incident or measurement.
	SourceRef string `json:"sourceRef,omitempty"`
	// Owner answers for the nonconformity until it is closed.
	Owner      string    `json:"owner"`
	Raised     time.Time `json:"raised,omitzero"`
	Correction string    `json:"correction,omitempty"`
	RootCause  RootCause `json:"rootCause,omitzero"`
	Actions    []Action  `json:"actions,omitempty"`
	// ImplementedBy is the actor who declared the actions implemented.
	ImplementedBy string         `json:"implementedBy,omitempty"`
	Verifications []Verification `json:"verifications,omitempty"`
	Closed        time.Time      `json:"closed,omitzero"`
}

// IsZero reports whether r is empty, for omitzero.
func (r RootCause) IsZero() bool {
	return r.Method == "" && len(r.Causes) == 0 && r.SimilarElsewhere == ""
}

// Validate checks the nonconformity and returns a [*aims.ValidationError]
// listing every problem.
func (n *Nonconformity) Validate() error {
	var p aims.Problems
	checkKind(&p, &n.Meta, KindNonconformity)
	if !n.Type.Valid() {
		p.Addf("type", "must be nonconformity or improvement, got %q", n.Type)
	}
	p.Require("title", n.Title)
	switch {
	case n.Type == TypeNonconformity && !n.Severity.Valid():
		p.Addf("severity", "must be major or minor for a nonconformity, got %q", n.Severity)
	case n.Type == TypeImprovement && n.Severity != "":
		p.Addf("severity", "must be empty for an improvement, got %q", n.Severity)
	}
	if n.Ref != "" && !aims.ValidName(n.Ref) {
		p.Addf("ref", "must be a clause or control id, got %q", n.Ref)
	}
	if !n.Source.Valid() {
		p.Addf("source", "must be audit, incident, complaint, monitoring, management-review or other, got %q", n.Source)
	}
	if n.SourceRef != "" && !aims.ValidName(n.SourceRef) {
		p.Addf("sourceRef", "must be a record id, got %q", n.SourceRef)
	}
	checkActor(&p, "owner", n.Owner, true)
	checkTexts(&p, "rootCause.causes", n.RootCause.Causes)
	for i, a := range n.Actions {
		ap := fmt.Sprintf("actions[%d]", i)
		p.Require(ap+".title", a.Title)
		checkActor(&p, ap+".owner", a.Owner, true)
		if a.Due.IsZero() {
			p.Add(ap+".due", "is required")
		}
	}
	checkActor(&p, "implementedBy", n.ImplementedBy, false)
	for i, v := range n.Verifications {
		vp := fmt.Sprintf("verifications[%d]", i)
		p.Require(vp+".note", v.Note)
		checkActor(&p, vp+".by", v.By, false)
	}
	if n.State != "" && !slices.Contains(ncWorkflow.States(), NCState(n.State)) {
		p.Addf("state", "must be a nonconformity state, got %q", n.State)
	}
	return p.Err()
}

// Attributes returns the filterable attributes: type, source, sourceRef,
// owner, severity and ref.
func (n *Nonconformity) Attributes() map[string]string {
	return map[string]string{
		"type": string(n.Type), "source": string(n.Source), "sourceRef": n.SourceRef,
		"owner": n.Owner, "severity": string(n.Severity), "ref": n.Ref,
	}
}

// Open reports whether the nonconformity is still being worked on.
func (n *Nonconformity) Open() bool { return NCState(n.State) != NCClosed }

// Overdue returns the actions not done by their due date at now, in any
// state but closed: an action does not stop being late because the record
// moved on.
func (n *Nonconformity) Overdue(now time.Time) []Action {
	if NCState(n.State) == NCClosed {
		return nil
	}
	var out []Action
	for _, a := range n.Actions {
		if a.Done.IsZero() && a.Due.Before(now) {
			out = append(out, a)
		}
	}
	return out
}

func ncOwner(n *Nonconformity, actor string) bool { return n.Owner == actor }

// implementers are the people who may not judge the actions' effect.
func implementers(n *Nonconformity) []string {
	out := []string{n.ImplementedBy}
	for _, a := range n.Actions {
		out = append(out, a.Owner)
	}
	return out
}

var (
	guardRootCause = aims.Guard[Nonconformity]{Name: "root-cause-recorded", Check: func(_ context.Context, n *Nonconformity) error {
		if strings.TrimSpace(n.RootCause.Method) == "" || len(n.RootCause.Causes) == 0 {
			return fmt.Errorf("root cause analysis needs a method and at least one cause")
		}
		return nil
	}}
	guardRootCauseIfNC = aims.Guard[Nonconformity]{Name: "root-cause-recorded", Check: func(ctx context.Context, n *Nonconformity) error {
		if n.Type == TypeImprovement {
			return nil
		}
		return guardRootCause.Check(ctx, n)
	}}
	guardActions = aims.Guard[Nonconformity]{Name: "actions-planned", Check: func(_ context.Context, n *Nonconformity) error {
		if len(n.Actions) == 0 {
			return fmt.Errorf("at least one action with owner and due date is needed")
		}
		return nil
	}}
	guardCorrection = aims.Guard[Nonconformity]{Name: "correction-recorded", Check: func(_ context.Context, n *Nonconformity) error {
		if strings.TrimSpace(n.Correction) == "" {
			return fmt.Errorf("the correction must be recorded")
		}
		return nil
	}}
	guardActionsDone = aims.Guard[Nonconformity]{Name: "actions-done", Check: func(_ context.Context, n *Nonconformity) error {
		for i, a := range n.Actions {
			if a.Done.IsZero() {
				return fmt.Errorf("actions[%d] %q is not done", i, a.Title)
			}
		}
		return nil
	}}
	guardEffective = aims.Guard[Nonconformity]{Name: "effectiveness-verified", Check: func(_ context.Context, n *Nonconformity) error {
		if len(n.Verifications) == 0 || !n.Verifications[len(n.Verifications)-1].Effective {
			return fmt.Errorf("the last verification must find the actions effective")
		}
		return nil
	}}
	dutyIndependentVerifier = aims.NotActor("verifier-is-not-implementer", implementers)
)

func managers() []aims.Role { return []aims.Role{aims.RoleAIMSManager} }

var ncWorkflow = aims.MustMachine(aims.Spec[Nonconformity, NCState, NCEvent]{
	Name:     "nonconformity",
	Version:  1,
	Initial:  NCOpen,
	States:   []NCState{NCOpen, NCCorrected, NCAnalysed, NCActionPlanned, NCImplemented, NCVerified, NCClosed},
	Terminal: []NCState{NCClosed},
	Transitions: []aims.Transition[Nonconformity, NCState, NCEvent]{
		{Event: EventCorrect, From: []NCState{NCOpen}, To: NCCorrected, Roles: managers(), Allow: ncOwner,
			Guards: []aims.Guard[Nonconformity]{guardCorrection}, Note: "contain and correct"},
		{Event: EventAnalyse, From: []NCState{NCOpen, NCCorrected}, To: NCAnalysed, Roles: managers(), Allow: ncOwner,
			Guards: []aims.Guard[Nonconformity]{guardRootCause}},
		{Event: EventAct, From: []NCState{NCOpen, NCCorrected, NCAnalysed}, To: NCActionPlanned, Roles: managers(), Allow: ncOwner,
			Guards: []aims.Guard[Nonconformity]{guardRootCauseIfNC, guardActions}, Note: "plan corrective actions"},
		{Event: EventImplement, From: []NCState{NCActionPlanned}, To: NCImplemented, Roles: managers(),
			Allow: func(n *Nonconformity, actor string) bool {
				return n.Owner == actor || slices.ContainsFunc(n.Actions, func(a Action) bool { return a.Owner == actor })
			},
			Guards: []aims.Guard[Nonconformity]{guardActionsDone}},
		{Event: EventVerify, From: []NCState{NCImplemented}, To: NCVerified, Roles: []aims.Role{aims.RoleInternalAuditor, aims.RoleAIMSManager},
			Duties: []aims.Duty[Nonconformity]{dutyIndependentVerifier}, Note: "effective"},
		{Event: EventIneffective, From: []NCState{NCImplemented}, To: NCAnalysed, Roles: []aims.Role{aims.RoleInternalAuditor, aims.RoleAIMSManager},
			Duties: []aims.Duty[Nonconformity]{dutyIndependentVerifier}, Note: "not effective: analyse again"},
		{Event: EventClose, From: []NCState{NCVerified}, To: NCClosed, Roles: []aims.Role{aims.RoleAIMSManager, aims.RoleTopManagement},
			Guards: []aims.Guard[Nonconformity]{guardEffective}},
	},
})

// NonconformityWorkflow returns the nonconformity workflow: open ->
// (corrected) -> analysed -> action-planned -> implemented -> verified ->
// closed, with "ineffective" sending a verified-as-failing action back to
// analysis. Improvements skip the root cause requirement.
func NonconformityWorkflow() *aims.Machine[Nonconformity, NCState, NCEvent] { return ncWorkflow }

// Nonconformities is the register of nonconformities and improvement
// opportunities (10.1, 10.2). It is safe for concurrent use.
type Nonconformities struct {
	ws  *aims.Workspace
	cat *controls.Catalog
	c   *aims.Collection[Nonconformity, *Nonconformity]
}

// NewNonconformities returns the register of ws; the clause or control a
// record names is checked against controls.ISO42001() (see
// [Nonconformities.WithCatalog]).
func NewNonconformities(ws *aims.Workspace) *Nonconformities {
	return &Nonconformities{ws: ws, cat: controls.ISO42001(), c: aims.NewCollection[Nonconformity](ws, KindNonconformity, 1)}
}

// WithCatalog returns a copy of the register that checks references
// against cat (the organisation's merged catalog, say).
func (r *Nonconformities) WithCatalog(cat *controls.Catalog) *Nonconformities {
	cp := *r
	if cat != nil {
		cp.cat = cat
	}
	return &cp
}

// Collection returns the underlying collection.
func (r *Nonconformities) Collection() *aims.Collection[Nonconformity, *Nonconformity] { return r.c }

// Open records a new nonconformity or improvement in state open. Raised
// defaults to the workspace clock; Owner defaults to actor.
func (r *Nonconformities) Open(ctx context.Context, actor string, n *Nonconformity) error {
	if err := r.prepare(actor, n); err != nil {
		return err
	}
	return aims.Start(ctx, r.c, ncWorkflow, actor, n)
}

// openIn stages Open in tx.
func (r *Nonconformities) openIn(ctx context.Context, tx *aims.Tx, actor string, n *Nonconformity) error {
	if err := r.prepare(actor, n); err != nil {
		return err
	}
	return aims.StartIn(ctx, tx, r.c, ncWorkflow, actor, n)
}

// prepare fills a new record's defaults and checks its reference.
func (r *Nonconformities) prepare(actor string, n *Nonconformity) error {
	if n.Raised.IsZero() {
		n.Raised = r.ws.Now()
	}
	if n.Owner == "" {
		n.Owner = actor
	}
	n.Closed, n.ImplementedBy, n.Verifications = time.Time{}, "", nil
	if n.Ref != "" {
		if err := checkRef(r.cat, "ref", n.Ref, false); err != nil {
			return aims.E("open", KindNonconformity, n.ID, err)
		}
	}
	return nil
}

// Get returns the nonconformity with id.
func (r *Nonconformities) Get(ctx context.Context, id string) (*Nonconformity, error) {
	return r.c.Get(ctx, id)
}

func (r *Nonconformities) fire(ctx context.Context, actor, id string, ev NCEvent, change func(*Nonconformity) error) (*Nonconformity, error) {
	return aims.Fire(ctx, r.c, ncWorkflow, aims.Firing[Nonconformity, NCEvent]{ID: id, Actor: actor, Event: ev, Change: change})
}

// Correct records the immediate correction.
func (r *Nonconformities) Correct(ctx context.Context, actor, id, correction string) (*Nonconformity, error) {
	return r.fire(ctx, actor, id, EventCorrect, func(n *Nonconformity) error { n.Correction = correction; return nil })
}

// Analyse records the root cause analysis.
func (r *Nonconformities) Analyse(ctx context.Context, actor, id string, rc RootCause) (*Nonconformity, error) {
	return r.fire(ctx, actor, id, EventAnalyse, func(n *Nonconformity) error { n.RootCause = rc; return nil })
}

// Act plans the corrective actions; each needs a title, an owner and a due
// date. A root cause must be recorded first unless it is an improvement
// (it may come with the call: rc, when non-zero, is recorded too).
func (r *Nonconformities) Act(ctx context.Context, actor, id string, rc RootCause, actions []Action) (*Nonconformity, error) {
	return r.fire(ctx, actor, id, EventAct, func(n *Nonconformity) error {
		if !rc.IsZero() {
			n.RootCause = rc
		}
		n.Actions = slices.Clone(actions)
		for i := range n.Actions {
			n.Actions[i].Done = time.Time{}
		}
		return n.Validate()
	})
}

// Implement marks every action done at the workspace clock's time and
// records actor as the implementer, who therefore may not verify them.
func (r *Nonconformities) Implement(ctx context.Context, actor, id string) (*Nonconformity, error) {
	now := r.ws.Now()
	return r.fire(ctx, actor, id, EventImplement, func(n *Nonconformity) error {
		for i := range n.Actions {
			if n.Actions[i].Done.IsZero() {
				n.Actions[i].Done = now
			}
		}
		n.ImplementedBy = actor
		return nil
	})
}

// Verify records the effectiveness review by actor, who must be neither
// the implementer nor an action owner: effective moves the record to
// verified, ineffective sends it back to analysed. The verify and
// ineffective transitions carry no guard of their own, so that a UI shows
// both buttons to an eligible verifier; the verdict is the event, and
// close still requires the last verification to be effective.
func (r *Nonconformities) Verify(ctx context.Context, actor, id string, effective bool, note string) (*Nonconformity, error) {
	ev := EventVerify
	if !effective {
		ev = EventIneffective
	}
	now := r.ws.Now()
	return r.fire(ctx, actor, id, ev, func(n *Nonconformity) error {
		if strings.TrimSpace(note) == "" {
			return aims.Invalid("note", "is required: say what shows the actions worked or not")
		}
		if effective {
			for i, a := range n.Actions {
				if a.Done.IsZero() {
					return aims.Invalid(fmt.Sprintf("actions[%d]", i), fmt.Sprintf("%q is not done: an action still open cannot have been effective", a.Title))
				}
			}
		}
		n.Verifications = append(n.Verifications, Verification{Effective: effective, Note: note, By: actor, At: now})
		return nil
	})
}

// Close closes a verified nonconformity.
func (r *Nonconformities) Close(ctx context.Context, actor, id string) (*Nonconformity, error) {
	now := r.ws.Now()
	return r.fire(ctx, actor, id, EventClose, func(n *Nonconformity) error { n.Closed = now; return nil })
}

// Actions lists the events actor may fire now on id.
func (r *Nonconformities) Actions(ctx context.Context, actor, id string) ([]NCEvent, error) {
	return aims.Actions(ctx, r.c, ncWorkflow, actor, id)
}

// All returns every record of type t ("" for both), by id.
func (r *Nonconformities) All(ctx context.Context, t NCType) ([]*Nonconformity, error) {
	var where map[string]string
	if t != "" {
		where = map[string]string{"type": string(t)}
	}
	return r.c.All(ctx, where)
}

// OverdueAction is an action past its due date.
type OverdueAction struct {
	Nonconformity string    `json:"nonconformity"`
	Title         string    `json:"title"`
	Owner         string    `json:"owner"`
	Due           time.Time `json:"due"`
	DaysLate      int       `json:"daysLate"`
}

// Overdue lists the actions not done by their due date, most late first.
func (r *Nonconformities) Overdue(ctx context.Context) ([]OverdueAction, error) {
	now := r.ws.Now()
	var out []OverdueAction
	for n, err := range r.c.List(ctx, nil) {
		if err != nil {
			return nil, err
		}
		for _, a := range n.Overdue(now) {
			out = append(out, OverdueAction{Nonconformity: n.ID, Title: a.Title, Owner: a.Owner, Due: a.Due, DaysLate: int(now.Sub(a.Due) / (24 * time.Hour))})
		}
	}
	slices.SortFunc(out, func(a, b OverdueAction) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		if c := natsort.Compare(a.Nonconformity, b.Nonconformity); c != 0 {
			return c
		}
		return cmp.Compare(a.Title, b.Title)
	})
	return out, nil
}
