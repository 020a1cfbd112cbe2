package impact

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aimsgo/iso42001/aims"
)

// State is an assessment's workflow state.
type State string

// States.
const (
	// StateDraft: being written; the only state in which it may change.
	StateDraft State = "draft"
	// StateInReview: submitted; a reviewer approves it or sends it back.
	StateInReview State = "in-review"
	// StateApproved: approved and immutable; the system's current
	// assessment until a newer one is approved.
	StateApproved State = "approved"
	// StateSuperseded: replaced by a newer approved assessment.
	StateSuperseded State = "superseded"
)

// Event is a workflow event.
type Event string

// Events.
const (
	EventSubmit    Event = "submit"
	EventReject    Event = "reject"
	EventApprove   Event = "approve"
	EventSupersede Event = "supersede"
)

// Default roles that may review (approve or reject) an assessment.
//
// Deprecated: the roles are defined once, in the aims package
// (aims.RoleApprover, aims.RoleImpactReviewer); these names remain as
// aliases.
const (
	RoleApprover       = aims.RoleApprover
	RoleImpactReviewer = aims.RoleImpactReviewer
)

// Machine is the assessment workflow.
type Machine = aims.Machine[Assessment, State, Event]

// WorkflowOptions adjusts the workflow.
type WorkflowOptions struct {
	// ReviewerRoles may approve and reject; default [aims.RoleApprover] and
	// [aims.RoleImpactReviewer].
	ReviewerRoles []aims.Role
	// Unlinked lists the ids of harms that are above the risk threshold
	// and link to no risk: the guard that keeps such a harm out of an
	// approval until it reached the risk register (6.1.4). Nil: no such
	// guard.
	Unlinked func(a *Assessment) []string
}

// NewWorkflow returns the assessment workflow: draft -submit-> in-review
// -approve-> approved -supersede-> superseded, and in-review -reject->
// draft. Reviewers hold one of the reviewer roles and are never the
// assessment's author or a contributor (duty "reviewer-is-not-author").
// Guards: submitting needs the questionnaire complete, every harm scored
// and a decision; approving needs every above-threshold harm linked to a
// risk (when opts.Unlinked is set).
func NewWorkflow(opts *WorkflowOptions) (*Machine, error) {
	roles := []aims.Role{aims.RoleApprover, aims.RoleImpactReviewer}
	var unlinked func(a *Assessment) []string
	if opts != nil {
		if opts.ReviewerRoles != nil {
			roles = opts.ReviewerRoles
		}
		unlinked = opts.Unlinked
	}
	notAuthor := aims.NotActor("reviewer-is-not-author", func(a *Assessment) []string {
		return []string{a.CreatedBy}
	})
	approveGuards := []aims.Guard[Assessment]{guardComplete(), guardScored(), guardDecided()}
	if unlinked != nil {
		approveGuards = append(approveGuards, aims.Guard[Assessment]{Name: "impacts-reach-register", Check: func(_ context.Context, a *Assessment) error {
			if ids := unlinked(a); len(ids) > 0 {
				return fmt.Errorf("harms %s are above the risk threshold and link to no risk: link them (Service.Link) first", strings.Join(ids, ", "))
			}
			return nil
		}})
	}
	return aims.NewMachine(aims.Spec[Assessment, State, Event]{
		Name:     "impact-assessment",
		Version:  1,
		Initial:  StateDraft,
		States:   []State{StateDraft, StateInReview, StateApproved, StateSuperseded},
		Terminal: []State{StateSuperseded},
		Transitions: []aims.Transition[Assessment, State, Event]{
			{Event: EventSubmit, From: []State{StateDraft}, To: StateInReview,
				Guards: []aims.Guard[Assessment]{guardComplete(), guardScored(), guardDecided()},
				Note:   "the author submits the assessment for review"},
			{Event: EventReject, From: []State{StateInReview}, To: StateDraft, Roles: roles,
				Duties: []aims.Duty[Assessment]{notAuthor},
				Note:   "a reviewer sends it back with comments"},
			{Event: EventApprove, From: []State{StateInReview}, To: StateApproved, Roles: roles,
				Duties: []aims.Duty[Assessment]{notAuthor}, Guards: approveGuards,
				Note: "a reviewer other than the author approves it"},
			{Event: EventSupersede, From: []State{StateApproved}, To: StateSuperseded, Roles: roles,
				Guards: []aims.Guard[Assessment]{{Name: "successor-named", Check: func(_ context.Context, a *Assessment) error {
					if a.SupersededBy == "" {
						return errors.New("supersededBy must name the assessment that replaces this one")
					}
					return nil
				}}},
				Note: "a newer assessment of the same system was approved"},
		},
	})
}

func guardComplete() aims.Guard[Assessment] {
	return aims.Guard[Assessment]{Name: "questionnaire-complete", Check: func(_ context.Context, a *Assessment) error {
		if a.Questionnaire == "" || a.Result == nil {
			return errors.New("the questionnaire has not been answered")
		}
		if len(a.Result.Missing) > 0 {
			return fmt.Errorf("required questions are unanswered: %s", strings.Join(a.Result.Missing, ", "))
		}
		return nil
	}}
}

func guardScored() aims.Guard[Assessment] {
	return aims.Guard[Assessment]{Name: "harms-scored", Check: func(_ context.Context, a *Assessment) error {
		var bad []string
		for _, h := range a.Harms() {
			if h.Score == nil {
				bad = append(bad, h.ID)
			}
		}
		if len(bad) > 0 {
			return fmt.Errorf("harms %s are not scored", strings.Join(bad, ", "))
		}
		return nil
	}}
}

func guardDecided() aims.Guard[Assessment] {
	return aims.Guard[Assessment]{Name: "decision-made", Check: func(_ context.Context, a *Assessment) error {
		if a.Decision == nil {
			return errors.New("the assessment records no decision")
		}
		return nil
	}}
}
