package lifecycle

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
)

// KindConcern is the record kind of [Concern].
const KindConcern = "concern"

// RoleConcernHandler may triage, investigate and close reported concerns
// (A.3.3).
const RoleConcernHandler aims.Role = "concern-handler"

// Concern is a concern about the organisation's role towards AI systems,
// reported in confidence (A.3.3). The reporter may stay anonymous; when
// named, the reporter is kept in the record only, never in its indexed
// attributes, so that a List cannot select by reporter. Since the
// kernel's journal names the actor who writes a record, a product that
// needs confidentiality from its journal readers records concerns
// through an intake actor (a hotline, an ombudsperson) rather than as
// the reporter.
type Concern struct {
	aims.Meta
	// Summary says what the concern is about, without naming the reporter.
	Summary string `json:"summary"`
	// Details gives the account as reported.
	Details string `json:"details,omitempty"`
	// Anonymous records that the reporter gave no identity.
	Anonymous bool `json:"anonymous"`
	// Reporter is how to reach the reporter; empty when anonymous.
	Reporter string `json:"reporter,omitempty"`
	// ReportedAt is when it was reported.
	ReportedAt time.Time `json:"reportedAt,omitzero"`
	// AISystems lists the ids of the AI systems it concerns, if known.
	AISystems []string `json:"aiSystems,omitempty"`
	// Concerned lists the actors the concern is about: none of them may
	// handle it.
	Concerned []string `json:"concerned,omitempty"`
	// Triage records the handler's first assessment; required to triage.
	Triage string `json:"triage,omitempty"`
	// Findings records the investigation; required to investigate.
	Findings string `json:"findings,omitempty"`
	// Outcome records the resolution and what was done; required to
	// close.
	Outcome string `json:"outcome,omitempty"`
	// NoRetaliation records how the reporter was protected from
	// retaliation; required to close.
	NoRetaliation string `json:"noRetaliation,omitempty"`
}

// Validate checks the concern and returns a [*aims.ValidationError]
// listing every problem.
func (c *Concern) Validate() error {
	var p aims.Problems
	checkHeader(&p, &c.Meta, KindConcern)
	requireText(&p, "summary", c.Summary)
	text(&p, "details", c.Details)
	switch {
	case c.Anonymous && c.Reporter != "":
		p.Add("reporter", "must be empty for an anonymous concern")
	case !c.Anonymous && strings.TrimSpace(c.Reporter) == "":
		p.Add("reporter", "is required unless the concern is anonymous")
	}
	line(&p, "reporter", c.Reporter, maxTitle)
	checkIDs(&p, "aiSystems", c.AISystems)
	checkIDs(&p, "concerned", c.Concerned)
	text(&p, "triage", c.Triage)
	text(&p, "findings", c.Findings)
	text(&p, "outcome", c.Outcome)
	text(&p, "noRetaliation", c.NoRetaliation)
	return p.Err()
}

// Attributes returns the filterable attributes: anonymous ("true" or
// "false") and "system:<id>" = "true" per AI system. The reporter is
// never indexed.
func (c *Concern) Attributes() map[string]string {
	a := map[string]string{"anonymous": boolString(c.Anonymous)}
	systemKeys(a, c.AISystems)
	return a
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// Concerns returns the collection of reported concerns in ws.
func Concerns(ws *aims.Workspace) *aims.Collection[Concern, *Concern] {
	return aims.NewCollection[Concern](ws, KindConcern, 1)
}

// ConcernState is a state of [ConcernWorkflow]. Values are append-only.
type ConcernState string

// ConcernEvent is an event of [ConcernWorkflow]. Values are append-only.
type ConcernEvent string

// States and events of [ConcernWorkflow].
const (
	ConcernReported     ConcernState = "reported"
	ConcernTriaged      ConcernState = "triaged"
	ConcernInvestigated ConcernState = "investigated"
	ConcernClosed       ConcernState = "closed"

	ConcernTriage      ConcernEvent = "triage"
	ConcernInvestigate ConcernEvent = "investigate"
	ConcernClose       ConcernEvent = "close"
)

// Names of the rules of [ConcernWorkflow], as they appear in
// [aims.Unmet].
const (
	DutyHandlerIsNotConcerned = "handler-is-not-concerned"
	GuardTriageRecorded       = "triage-recorded"
	GuardFindingsRecorded     = "findings-recorded"
	// GuardNoRetaliation wants the no-retaliation note before closing;
	// closing also needs the outcome ([GuardOutcomeRecorded]).
	GuardNoRetaliation = "no-retaliation-recorded"
)

func needs(name, msg string, field func(c *Concern) string) aims.Guard[Concern] {
	return aims.Guard[Concern]{Name: name, Check: func(_ context.Context, c *Concern) error {
		if strings.TrimSpace(field(c)) == "" {
			return errors.New(msg)
		}
		return nil
	}}
}

var concernMachine = func() *aims.Machine[Concern, ConcernState, ConcernEvent] {
	handlers := []aims.Role{RoleConcernHandler}
	notConcerned := []aims.Duty[Concern]{aims.NotActor(DutyHandlerIsNotConcerned, func(c *Concern) []string { return c.Concerned })}
	return aims.MustMachine(aims.Spec[Concern, ConcernState, ConcernEvent]{
		Name:     "concern",
		Version:  1,
		Initial:  ConcernReported,
		States:   []ConcernState{ConcernReported, ConcernTriaged, ConcernInvestigated, ConcernClosed},
		Terminal: []ConcernState{ConcernClosed},
		Transitions: []aims.Transition[Concern, ConcernState, ConcernEvent]{
			{Event: ConcernTriage, From: []ConcernState{ConcernReported}, To: ConcernTriaged, Roles: handlers, Duties: notConcerned,
				Guards: []aims.Guard[Concern]{needs(GuardTriageRecorded, "triage must record a first assessment", func(c *Concern) string { return c.Triage })},
				Note:   "a handler not concerned assesses it"},
			{Event: ConcernInvestigate, From: []ConcernState{ConcernTriaged}, To: ConcernInvestigated, Roles: handlers, Duties: notConcerned,
				Guards: []aims.Guard[Concern]{needs(GuardFindingsRecorded, "an investigation must record its findings", func(c *Concern) string { return c.Findings })},
				Note:   "the findings are recorded"},
			{Event: ConcernClose, From: []ConcernState{ConcernTriaged, ConcernInvestigated}, To: ConcernClosed, Roles: handlers, Duties: notConcerned,
				Guards: []aims.Guard[Concern]{
					needs(GuardOutcomeRecorded, "closing must record the outcome", func(c *Concern) string { return c.Outcome }),
					needs(GuardNoRetaliation, "closing must record how the reporter was protected from retaliation", func(c *Concern) string { return c.NoRetaliation }),
				},
				Note: "outcome and protection from retaliation recorded"},
		},
	})
}()

// ConcernWorkflow returns the workflow of [Concern]: reported -triage->
// triaged -investigate-> investigated -close-> closed; a concern found
// groundless at triage may be closed from triaged. Every step needs the
// [RoleConcernHandler] role and a handler not named in Concerned, and
// records its part: triage, findings, then the outcome and the
// no-retaliation note.
func ConcernWorkflow() *aims.Machine[Concern, ConcernState, ConcernEvent] { return concernMachine }
