package soa

import (
	"context"
	"errors"
	"fmt"
	"strconv"
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
	GuardRejectionReason    = aims.GuardRejectionReason
	DutyApproverIsNotAuthor = aims.DutyReviewerIsNotAuthor
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

// Machine is the type of the SoA version workflow.
type Machine = aims.Machine[SoA, State, Event]

// WorkflowOptions adjusts the SoA version workflow; the zero value means
// the defaults.
type WorkflowOptions struct {
	// Approvers may approve, reject and supersede; default
	// aims.RoleApprover and aims.RoleTopManagement.
	Approvers []aims.Role
}

// NewWorkflow returns the SoA version workflow, the approval shape of
// aims.ApprovalSpec: draft -> in-review -> approved -> superseded, with
// reject back to draft. Submitting and approving require [Validate] to
// find no error; approving, rejecting and superseding require an approver
// role; neither the approver nor the rejecter may be the author; a
// rejection says what to change and superseding names the newer version.
func NewWorkflow(opts *WorkflowOptions) (*Machine, error) {
	roles := approvers
	if opts != nil && opts.Approvers != nil {
		roles = opts.Approvers
	}
	return aims.NewMachine(aims.ApprovalSpec[SoA, State, Event](aims.Approval[SoA]{
		Name:            "soa",
		Version:         2,
		Reviewers:       roles,
		Authors:         func(s *SoA) []string { return []string{s.Author, s.CreatedBy} },
		Ready:           []aims.Guard[SoA]{noErrors},
		RejectionReason: func(s *SoA) string { return s.ReviewComment },
		Successor: func(s *SoA) string {
			if s.SupersededBy == 0 {
				return ""
			}
			return strconv.Itoa(s.SupersededBy)
		},
		Notes: [4]string{"author asks for approval", "reviewer sends it back with a comment",
			"approver, not the author, accepts it", "a newer version was approved"},
	}))
}

// Workflow returns the default SoA version workflow (see [NewWorkflow]).
//
// Deprecated: pass a workflow in [ServiceOptions.Workflow], or call
// [NewWorkflow]; [Service.Workflow] returns the one a service uses.
func Workflow() *Machine { return mustDefault() }

func mustDefault() *Machine {
	m, err := NewWorkflow(nil)
	if err != nil {
		panic(err) // the built-in table is tested; it cannot fail
	}
	return m
}
