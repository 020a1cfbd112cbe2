package soa

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aimsgo/iso42001/aims"
)

// State is the workflow state of an SoA version.
type State string

// SoA version states.
const (
	// StateDraft: being prepared; the only state whose content may change.
	StateDraft State = "draft"
	// StateInReview: submitted, waiting for approval or rejection.
	StateInReview State = "in-review"
	// StateApproved: the organisation's current SoA; immutable.
	StateApproved State = "approved"
	// StateSuperseded: an approved version replaced by a newer approval.
	StateSuperseded State = "superseded"
)

// Event moves an SoA version between states.
type Event string

// SoA workflow events.
const (
	EventSubmit    Event = "submit"
	EventReject    Event = "reject"
	EventApprove   Event = "approve"
	EventSupersede Event = "supersede"
)

// Roles that may approve, reject and supersede SoA versions. The SoA is a
// top-level commitment of the AIMS (6.1.3), so approval rests with an
// appointed approver or top management (5.1).
//
// Deprecated: the roles are defined once, in the aims package; these names
// remain as aliases.
const (
	RoleApprover      = aims.RoleApprover
	RoleTopManagement = aims.RoleTopManagement
)

// Names of the workflow's guards and duties, as they appear in
// [aims.Unmet].
const (
	GuardNoErrors           = "no-validation-errors"
	GuardRejectionReason    = "rejection-has-reason"
	DutyApproverIsNotAuthor = "approver-is-not-author"
)

var approvers = []aims.Role{aims.RoleApprover, aims.RoleTopManagement}

// noErrors refuses an SoA that [Validate] finds errors in: an auditor
// would raise them, so they must not be submitted or approved. The refusal
// names every control concerned: the undecided ones in one list, the
// others each with its reason.
var noErrors = aims.Guard[SoA]{Name: GuardNoErrors, Check: func(_ context.Context, s *SoA) error {
	errs := Validate(s).Errors()
	if len(errs) == 0 {
		return nil
	}
	return errors.New(refusal(errs))
}}

// refusal words the errors of a refused SoA.
func refusal(errs []Finding) string {
	var undecided, others []string
	for _, f := range errs {
		if f.Rule == RuleUndecided {
			undecided = append(undecided, f.Control)
			continue
		}
		others = append(others, f.Control+": "+f.Message)
	}
	var parts []string
	if len(undecided) > 0 {
		noun := "controls"
		if len(undecided) == 1 {
			noun = "control"
		}
		parts = append(parts, fmt.Sprintf("%d %s undecided (include each, or exclude it with a reason): %s", len(undecided), noun, strings.Join(undecided, ", ")))
	}
	return strings.Join(append(parts, others...), "; ")
}

var workflow = aims.MustMachine(aims.Spec[SoA, State, Event]{
	Name:     "soa",
	Version:  1,
	Initial:  StateDraft,
	States:   []State{StateDraft, StateInReview, StateApproved, StateSuperseded},
	Terminal: []State{StateSuperseded},
	Transitions: []aims.Transition[SoA, State, Event]{
		{Event: EventSubmit, From: []State{StateDraft}, To: StateInReview,
			Guards: []aims.Guard[SoA]{noErrors},
			Note:   "author asks for approval"},
		{Event: EventReject, From: []State{StateInReview}, To: StateDraft, Roles: approvers,
			Guards: []aims.Guard[SoA]{{Name: GuardRejectionReason, Check: func(_ context.Context, s *SoA) error {
				if strings.TrimSpace(s.ReviewComment) == "" {
					return errors.New("a rejection must say what to change")
				}
				return nil
			}}},
			Note: "reviewer sends it back with a comment"},
		{Event: EventApprove, From: []State{StateInReview}, To: StateApproved, Roles: approvers,
			Duties: []aims.Duty[SoA]{aims.NotActor(DutyApproverIsNotAuthor, func(s *SoA) []string {
				return []string{s.Author, s.CreatedBy}
			})},
			Guards: []aims.Guard[SoA]{noErrors},
			Note:   "approver, not the author, accepts it"},
		{Event: EventSupersede, From: []State{StateApproved}, To: StateSuperseded, Roles: approvers,
			Note: "a newer version was approved"},
	},
})

// Workflow returns the SoA version workflow: draft -> in-review ->
// approved -> superseded, with reject back to draft. Submitting and
// approving require [Validate] to find no error; approving, rejecting and
// superseding require the role approver or top-management; the approver
// may not be the author.
func Workflow() *aims.Machine[SoA, State, Event] { return workflow }
