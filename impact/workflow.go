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

// NewWorkflow returns the assessment workflow, the approval shape of
// aims.ApprovalSpec shared with the SoA: draft -submit-> in-review
// -approve-> approved -supersede-> superseded, and in-review -reject->
// draft (with a comment saying why). Reviewers hold one of the reviewer roles and are never the
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
	var approveOnly []aims.Guard[Assessment]
	if unlinked != nil {
		approveOnly = append(approveOnly, aims.Guard[Assessment]{Name: "impacts-reach-register", Check: func(_ context.Context, a *Assessment) error {
			if ids := unlinked(a); len(ids) > 0 {
				return fmt.Errorf("harms %s are above the risk threshold and link to no risk: link them (Service.Link) first", strings.Join(ids, ", "))
			}
			return nil
		}})
	}
	return aims.NewMachine(aims.ApprovalSpec[Assessment, State, Event](aims.Approval[Assessment]{
		Name:        "impact-assessment",
		Version:     2,
		Reviewers:   roles,
		Authors:     func(a *Assessment) []string { return []string{a.CreatedBy} },
		Ready:       []aims.Guard[Assessment]{guardComplete(), guardScored(), guardDecided()},
		ApproveOnly: approveOnly,
		RejectionReason: func(a *Assessment) string {
			if len(a.Comments) == 0 {
				return ""
			}
			return a.Comments[len(a.Comments)-1].Text
		},
		Successor: func(a *Assessment) string { return a.SupersededBy },
		Notes: [4]string{"the author submits the assessment for review", "a reviewer sends it back with comments",
			"a reviewer other than the author approves it", "a newer assessment of the same system was approved"},
	}))
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
