package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aimsgo/iso42001/aims"
)

// KindChange is the record kind of [Change].
const KindChange = "change"

// Change is a planned change to the AI management system (clause 6.3): why
// it is made, what it may cause, what it needs, who carries it out, which
// AI systems it touches, and which risk and impact assessments must be
// redone because of it. A change a management review decided (9.3.3)
// names that review in Review, which is how the 6.3 readiness check
// finds each decided change planned. It moves through [ChangeWorkflow].
type Change struct {
	aims.Meta
	// Title names the change.
	Title string `json:"title"`
	// Purpose says why the change is made.
	Purpose string `json:"purpose"`
	// Consequences lists its potential consequences.
	Consequences []string `json:"consequences,omitempty"`
	// Resources says what it needs: people, budget, tooling.
	Resources string `json:"resources,omitempty"`
	// Responsible is the actor who carries the change out.
	Responsible string `json:"responsible"`
	// RequestedBy is the actor who asked for it; never its approver.
	RequestedBy string `json:"requestedBy"`
	// AISystems lists the ids of the AI systems it affects; empty means
	// the management system as a whole.
	AISystems []string `json:"aiSystems,omitempty"`
	// Risks and Impacts list the ids of the risk and impact assessments
	// the change makes out of date, to be reassessed.
	Risks   []string `json:"risks,omitempty"`
	Impacts []string `json:"impacts,omitempty"`
	// Review is the id of the management review whose decided change
	// this change plans; empty for a change planned on its own.
	Review string `json:"review,omitempty"`
	// ApprovedBy is who approved it, set by the approve event.
	ApprovedBy string `json:"approvedBy,omitempty"`
	// Outcome says what was done, required to complete it.
	Outcome string `json:"outcome,omitempty"`
}

// Validate checks the change and returns a [*aims.ValidationError]
// listing every problem.
func (c *Change) Validate() error {
	var p aims.Problems
	checkHeader(&p, &c.Meta, KindChange)
	requireLine(&p, "title", c.Title, maxTitle)
	requireText(&p, "purpose", c.Purpose)
	checkTexts(&p, "consequences", c.Consequences)
	text(&p, "resources", c.Resources)
	actor(&p, "responsible", c.Responsible, true)
	actor(&p, "requestedBy", c.RequestedBy, true)
	checkIDs(&p, "aiSystems", c.AISystems)
	checkIDs(&p, "risks", c.Risks)
	checkIDs(&p, "impacts", c.Impacts)
	checkID(&p, "review", c.Review)
	actor(&p, "approvedBy", c.ApprovedBy, false)
	if c.ApprovedBy != "" && c.ApprovedBy == c.RequestedBy {
		p.Add("approvedBy", "must not be the requester")
	}
	text(&p, "outcome", c.Outcome)
	return p.Err()
}

// Attributes returns the filterable attributes: responsible, requestedBy,
// review (when the change plans a review's decision), and
// "system:<id>" = "true" per affected AI system.
func (c *Change) Attributes() map[string]string {
	a := map[string]string{}
	if aims.ValidName(c.Responsible) {
		a["responsible"] = c.Responsible
	}
	if aims.ValidName(c.RequestedBy) {
		a["requestedBy"] = c.RequestedBy
	}
	if aims.ValidName(c.Review) {
		a["review"] = c.Review
	}
	systemKeys(a, c.AISystems)
	return a
}

// Changes returns the collection of planned changes in ws.
func Changes(ws *aims.Workspace) *aims.Collection[Change, *Change] {
	return aims.NewCollection[Change](ws, KindChange, 1)
}

// ChangeState is a state of [ChangeWorkflow]. Values are append-only.
type ChangeState string

// ChangeEvent is an event of [ChangeWorkflow]. Values are append-only.
type ChangeEvent string

// States and events of [ChangeWorkflow].
const (
	ChangePlanned  ChangeState = "planned"
	ChangeApproved ChangeState = "approved"
	ChangeDone     ChangeState = "done"

	ChangeApprove  ChangeEvent = "approve"
	ChangeComplete ChangeEvent = "complete"
)

// Names of the rules of [ChangeWorkflow], as they appear in
// [aims.Unmet].
const (
	DutyApproverIsNotRequester = "approver-is-not-requester"
	// DutyApproverRecorded wants ApprovedBy set to the approving actor,
	// in [ChangeWorkflow] and [DeploymentWorkflow] alike, so that the
	// record names who really approved.
	DutyApproverRecorded = "approver-recorded"
	GuardOutcomeRecorded = "outcome-recorded"
)

var changeMachine = aims.MustMachine(aims.Spec[Change, ChangeState, ChangeEvent]{
	Name:     "change",
	Version:  1,
	Initial:  ChangePlanned,
	States:   []ChangeState{ChangePlanned, ChangeApproved, ChangeDone},
	Terminal: []ChangeState{ChangeDone},
	Transitions: []aims.Transition[Change, ChangeState, ChangeEvent]{
		{Event: ChangeApprove, From: []ChangeState{ChangePlanned}, To: ChangeApproved,
			Roles: []aims.Role{aims.RoleAIMSManager, aims.RoleTopManagement, aims.RoleApprover},
			Duties: []aims.Duty[Change]{
				aims.NotActor(DutyApproverIsNotRequester, func(c *Change) []string { return []string{c.RequestedBy} }),
				approverRecorded(func(c *Change) string { return c.ApprovedBy }),
			},
			Note: "someone other than the requester approves the plan"},
		{Event: ChangeComplete, From: []ChangeState{ChangeApproved}, To: ChangeDone,
			Roles: []aims.Role{aims.RoleAIMSManager},
			Allow: func(c *Change, actor string) bool { return actor == c.Responsible },
			Guards: []aims.Guard[Change]{{Name: GuardOutcomeRecorded, Check: func(_ context.Context, c *Change) error {
				if strings.TrimSpace(c.Outcome) == "" {
					return errors.New("completing a change must say what was done")
				}
				return nil
			}}},
			Note: "the responsible person records the outcome"},
	},
})

// ChangeWorkflow returns the workflow of [Change]: planned -approve->
// approved -complete-> done. Approving needs the AIMS manager, top
// management or approver role, an approver other than the requester, and
// ApprovedBy set to the approver by the firing's Change ([ApproveChange]
// does it); completing is for the responsible actor or the AIMS manager
// and needs an Outcome ([CompleteChange]).
func ChangeWorkflow() *aims.Machine[Change, ChangeState, ChangeEvent] { return changeMachine }

// approverRecorded is the duty [DutyApproverRecorded]: the record's
// approver, as the firing's Change set it, is the actor firing.
func approverRecorded[T any](approver func(*T) string) aims.Duty[T] {
	return aims.Duty[T]{Name: DutyApproverRecorded, Check: func(rec *T, actor string) error {
		if a := approver(rec); a != actor {
			return fmt.Errorf("approvedBy must name the approving actor %q, got %q", actor, a)
		}
		return nil
	}}
}

// ApproveChange approves the planned change id as actor, recording actor
// as its approver.
func ApproveChange(ctx context.Context, ws *aims.Workspace, actor, id string) (*Change, error) {
	return aims.Fire(ctx, Changes(ws), changeMachine, aims.Firing[Change, ChangeEvent]{ID: id, Actor: actor, Event: ChangeApprove,
		Change: func(c *Change) error { c.ApprovedBy = actor; return nil }})
}

// CompleteChange completes the approved change id as actor, recording
// what was done.
func CompleteChange(ctx context.Context, ws *aims.Workspace, actor, id, outcome string) (*Change, error) {
	return aims.Fire(ctx, Changes(ws), changeMachine, aims.Firing[Change, ChangeEvent]{ID: id, Actor: actor, Event: ChangeComplete,
		Change: func(c *Change) error { c.Outcome = outcome; return nil }})
}
