package impact

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aimsgo/iso42001/aims"
)

// Trigger is why an assessment is due again. Values are append-only.
type Trigger string

// Reassessment triggers.
const (
	// TriggerNoAssessment: an in-scope system has no approved assessment.
	TriggerNoAssessment Trigger = "no-assessment"
	// TriggerModelVersion: the system's model version changed.
	TriggerModelVersion Trigger = "model-version"
	// TriggerDataSources: its data sources changed.
	TriggerDataSources Trigger = "data-sources"
	// TriggerPurpose: its intended purpose changed.
	TriggerPurpose Trigger = "purpose"
	// TriggerDeploymentContext: its deployment context changed.
	TriggerDeploymentContext Trigger = "deployment-context"
	// TriggerIncident: an incident happened after the approval.
	TriggerIncident Trigger = "incident"
	// TriggerReviewPeriod: the review period ended.
	TriggerReviewPeriod Trigger = "review-period"
)

// DueReason is one reason an assessment is due.
type DueReason struct {
	Trigger Trigger `json:"trigger"`
	Detail  string  `json:"detail"`
}

// DueItem is one AI system whose impact assessment is due.
type DueItem struct {
	// System is the AI system's id; Name its name.
	System string `json:"system"`
	Name   string `json:"name"`
	// Assessment is the id of its current (approved) assessment, empty
	// when it has none.
	Assessment string `json:"assessment,omitempty"`
	// Reasons lists every trigger found, in the order of the constants.
	Reasons []DueReason `json:"reasons"`
}

// Due lists the AI systems whose impact assessment is due at now, and
// why: an in-scope system without an approved assessment; a change of the
// system's model version, data sources, purpose or deployment context
// since the current assessment's snapshot; an incident after its approval
// (noted with [Service.NoteIncident] or passed in); or the end of its
// review period. Systems come in natural id order.
func (s *Service) Due(ctx context.Context, now time.Time, incidents ...Incident) ([]DueItem, error) {
	systems, err := s.systemsSorted(ctx)
	if err != nil {
		return nil, err
	}
	var out []DueItem
	for _, sys := range systems {
		item := DueItem{System: sys.ID, Name: sys.Name}
		cur, err := s.Current(ctx, sys.ID)
		switch {
		case err == nil:
		case isNotFound(err):
			if sys.InScope {
				item.Reasons = append(item.Reasons, DueReason{TriggerNoAssessment, "the system is in scope and has no approved impact assessment"})
				out = append(out, item)
			}
			continue
		default:
			return nil, err
		}
		item.Assessment = cur.ID
		item.Reasons = changes(cur.Snapshot, SnapshotOf(sys))
		notes, err := s.incidentsOf(ctx, sys.ID, cur.ApprovedAt, incidents)
		if err != nil {
			return nil, err
		}
		for _, n := range notes {
			item.Reasons = append(item.Reasons, DueReason{TriggerIncident, fmt.Sprintf("incident on %s after approval on %s: %s", day(n.At), day(cur.ApprovedAt), n.Summary)})
		}
		if !cur.NextReview.IsZero() && !now.Before(cur.NextReview) {
			item.Reasons = append(item.Reasons, DueReason{TriggerReviewPeriod, fmt.Sprintf("review was due on %s", day(cur.NextReview))})
		}
		if len(item.Reasons) > 0 {
			out = append(out, item)
		}
	}
	return out, nil
}

func isNotFound(err error) bool { return err != nil && errors.Is(err, aims.ErrNotFound) }

// changes compares the snapshot an assessment recorded with the system
// now.
func changes(was, now Snapshot) []DueReason {
	var out []DueReason
	if was.ModelVersion != now.ModelVersion {
		out = append(out, DueReason{TriggerModelVersion, fmt.Sprintf("model version changed from %q to %q", was.ModelVersion, now.ModelVersion)})
	}
	if !slices.Equal(was.DataSources, now.DataSources) {
		out = append(out, DueReason{TriggerDataSources, fmt.Sprintf("data sources changed from [%s] to [%s]", sourceNames(was.DataSources), sourceNames(now.DataSources))})
	}
	if was.Purpose != now.Purpose {
		out = append(out, DueReason{TriggerPurpose, fmt.Sprintf("purpose changed from %q to %q", was.Purpose, now.Purpose)})
	}
	if was.DeploymentContext != now.DeploymentContext {
		out = append(out, DueReason{TriggerDeploymentContext, fmt.Sprintf("deployment context changed from %q to %q", was.DeploymentContext, now.DeploymentContext)})
	}
	return out
}

func sourceNames(ds []aims.DataSource) string {
	s := ""
	for i, d := range ds {
		if i > 0 {
			s += ", "
		}
		s += d.Name + " (" + string(d.Kind) + ")"
	}
	return s
}

// incidentsOf returns the incidents on system after since, stored and
// passed in, oldest first.
func (s *Service) incidentsOf(ctx context.Context, system string, since time.Time, extra []Incident) ([]Incident, error) {
	var out []Incident
	for n, err := range s.incidents.List(ctx, map[string]string{"system": system}) {
		if err != nil {
			return nil, err
		}
		if n.At.After(since) {
			out = append(out, *n)
		}
	}
	for _, n := range extra {
		if n.System == system && n.At.After(since) {
			out = append(out, n)
		}
	}
	slices.SortStableFunc(out, func(a, b Incident) int { return a.At.Compare(b.At) })
	return out, nil
}

// InventoryItem is one AI system with its current assessment and tier.
type InventoryItem struct {
	System string `json:"system"`
	Name   string `json:"name"`
	// InScope mirrors the inventory.
	InScope bool `json:"inScope"`
	// Current is the id of the approved assessment, empty when none.
	Current string `json:"current,omitempty"`
	// Version is the system version it assessed.
	Version string `json:"version,omitempty"`
	// Tier is its EU AI Act tier, when it holds a screening.
	Tier Tier `json:"tier,omitempty"`
	// Outcome is its questionnaire outcome (e.g. "significant").
	Outcome string `json:"outcome,omitempty"`
	// ApprovedAt and NextReview date it.
	ApprovedAt time.Time `json:"approvedAt,omitzero"`
	NextReview time.Time `json:"nextReview,omitzero"`
	// Pending is the newest assessment not yet approved, and its state.
	Pending      string `json:"pending,omitempty"`
	PendingState State  `json:"pendingState,omitempty"`
}

// Inventory lists every AI system of the inventory, in natural id order,
// with its current assessment, tier and any assessment in progress.
func (s *Service) Inventory(ctx context.Context) ([]InventoryItem, error) {
	systems, err := s.systemsSorted(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]InventoryItem, 0, len(systems))
	for _, sys := range systems {
		item := InventoryItem{System: sys.ID, Name: sys.Name, InScope: sys.InScope}
		var open []*Assessment
		var approved []*Assessment
		for a, err := range s.List(ctx, sys.ID) {
			if err != nil {
				return nil, err
			}
			switch State(a.State) {
			case StateDraft, StateInReview:
				open = append(open, a)
			case StateApproved:
				approved = append(approved, a)
			}
		}
		if cur := latestApproved(approved); cur != nil {
			item.Current, item.Version, item.ApprovedAt, item.NextReview = cur.ID, cur.SystemVersion, cur.ApprovedAt, cur.NextReview
			if cur.Screening != nil {
				item.Tier = cur.Screening.Tier
			}
			if cur.Result != nil {
				item.Outcome = cur.Result.Outcome
			}
		}
		if p := latest(open); p != nil {
			item.Pending, item.PendingState = p.ID, State(p.State)
		}
		out = append(out, item)
	}
	return out, nil
}

func latestApproved(list []*Assessment) *Assessment {
	var out *Assessment
	for _, a := range list {
		if out == nil || a.ApprovedAt.After(out.ApprovedAt) {
			out = a
		}
	}
	return out
}
