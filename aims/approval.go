package aims

import (
	"context"
	"errors"
	"strings"
)

// The approval shape: draft -submit-> in-review -approve-> approved
// -supersede-> superseded, with in-review -reject-> draft. The SoA's
// versions and the impact assessments move through it (documents add
// publication and withdrawal, see [DocumentWorkflow]).
const (
	ApprovalDraft      = "draft"
	ApprovalInReview   = "in-review"
	ApprovalApproved   = "approved"
	ApprovalSuperseded = "superseded"

	ApprovalSubmit    = "submit"
	ApprovalReject    = "reject"
	ApprovalApprove   = "approve"
	ApprovalSupersede = "supersede"
)

// Names of the guards and duties [ApprovalSpec] adds, as they appear in
// [Unmet].
const (
	DutyReviewerIsNotAuthor = "reviewer-is-not-author"
	GuardRejectionReason    = "rejection-has-reason"
	GuardSuccessorNamed     = "successor-named"
)

// Approval describes one record kind's approval workflow for
// [ApprovalSpec]: the rules every approved record kind shares are built
// in, the kind's own conditions are given here.
type Approval[T any] struct {
	// Name and Version identify the workflow ("soa", 2).
	Name    string
	Version int
	// Reviewers are the roles that may approve, reject and supersede.
	Reviewers []Role
	// Authors returns who wrote the record: none of them may approve or
	// reject it (duty reviewer-is-not-author).
	Authors func(rec *T) []string
	// Ready are the conditions of submitting and of approving (a complete
	// questionnaire, no validation error...).
	Ready []Guard[T]
	// ApproveOnly are further conditions of approving alone.
	ApproveOnly []Guard[T]
	// RejectionReason returns the reviewer's reason, which a rejection
	// must give (guard rejection-has-reason).
	RejectionReason func(rec *T) string
	// Successor returns what replaced an approved record, which
	// superseding must name (guard successor-named).
	Successor func(rec *T) string
	// Notes describe the four transitions for documentation and diagrams:
	// submit, reject, approve, supersede; empty ones get a default.
	Notes [4]string
}

// ApprovalSpec returns the workflow spec of the approval shape for a, with
// the rules every kind shares: reviewers hold one of a.Reviewers and are
// never an author, for approval and rejection alike; a rejection says why;
// superseding names the successor; a.Ready guards both submitting and
// approving. S and E are the kind's own state and event types, whose
// values are the Approval* constants.
func ApprovalSpec[T any, S, E ~string](a Approval[T]) Spec[T, S, E] {
	notes := a.Notes
	for i, d := range [4]string{"the author asks for approval", "a reviewer sends it back, saying why",
		"a reviewer other than the author approves it", "a newer approved version replaced it"} {
		if notes[i] == "" {
			notes[i] = d
		}
	}
	var duties []Duty[T]
	if a.Authors != nil {
		duties = []Duty[T]{NotActor(DutyReviewerIsNotAuthor, a.Authors)}
	}
	var rejectGuards, supersedeGuards []Guard[T]
	if a.RejectionReason != nil {
		rejectGuards = []Guard[T]{{Name: GuardRejectionReason, Check: func(_ context.Context, rec *T) error {
			if strings.TrimSpace(a.RejectionReason(rec)) == "" {
				return errors.New("a rejection must say what to change")
			}
			return nil
		}}}
	}
	if a.Successor != nil {
		supersedeGuards = []Guard[T]{{Name: GuardSuccessorNamed, Check: func(_ context.Context, rec *T) error {
			if strings.TrimSpace(a.Successor(rec)) == "" {
				return errors.New("superseding must name the version that replaces this one")
			}
			return nil
		}}}
	}
	approve := append(append([]Guard[T](nil), a.Ready...), a.ApproveOnly...)
	return Spec[T, S, E]{
		Name:     a.Name,
		Version:  a.Version,
		Initial:  S(ApprovalDraft),
		States:   []S{S(ApprovalDraft), S(ApprovalInReview), S(ApprovalApproved), S(ApprovalSuperseded)},
		Terminal: []S{S(ApprovalSuperseded)},
		Transitions: []Transition[T, S, E]{
			{Event: E(ApprovalSubmit), From: []S{S(ApprovalDraft)}, To: S(ApprovalInReview),
				Guards: append([]Guard[T](nil), a.Ready...), Note: notes[0]},
			{Event: E(ApprovalReject), From: []S{S(ApprovalInReview)}, To: S(ApprovalDraft), Roles: a.Reviewers,
				Duties: duties, Guards: rejectGuards, Note: notes[1]},
			{Event: E(ApprovalApprove), From: []S{S(ApprovalInReview)}, To: S(ApprovalApproved), Roles: a.Reviewers,
				Duties: duties, Guards: approve, Note: notes[2]},
			{Event: E(ApprovalSupersede), From: []S{S(ApprovalApproved)}, To: S(ApprovalSuperseded), Roles: a.Reviewers,
				Guards: supersedeGuards, Note: notes[3]},
		},
	}
}
