package impact

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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
	// TriggerScreeningRules: the EU AI Act screening was made under other
	// rules (questionnaire or legal schedule) than the service applies
	// now, and the current rules reach another outcome from its answers.
	TriggerScreeningRules Trigger = "screening-rules"
	// TriggerApplicationDate: duties of the EU AI Act screening started to
	// apply after the assessment was approved.
	TriggerApplicationDate Trigger = "application-date"
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
// review period; an EU AI Act screening whose outcome the current rules
// change, or whose duties started to apply since the approval. Systems
// come in natural id order.
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
		item, err = s.dueOf(ctx, now, sys, cur, incidents)
		if err != nil {
			return nil, err
		}
		if len(item.Reasons) > 0 {
			out = append(out, item)
		}
	}
	return out, nil
}

// dueOf is the due item of a system with a current assessment: every
// reason it is due at now (none when it is not).
func (s *Service) dueOf(ctx context.Context, now time.Time, sys *aims.AISystem, cur *Assessment, incidents []Incident) (DueItem, error) {
	item := DueItem{System: sys.ID, Name: sys.Name, Assessment: cur.ID}
	item.Reasons = changes(cur.Snapshot, SnapshotOf(sys))
	notes, err := s.incidentsOf(ctx, sys.ID, cur.ApprovedAt, incidents)
	if err != nil {
		return DueItem{}, err
	}
	for _, n := range notes {
		item.Reasons = append(item.Reasons, DueReason{TriggerIncident, fmt.Sprintf("incident on %s after approval on %s: %s", day(n.At), day(cur.ApprovedAt), n.Summary)})
	}
	if !cur.NextReview.IsZero() && !now.Before(cur.NextReview) {
		item.Reasons = append(item.Reasons, DueReason{TriggerReviewPeriod, fmt.Sprintf("review was due on %s", day(cur.NextReview))})
	}
	if sc := cur.Screening; sc != nil {
		if r, ok := rescreen(s.screen, EUAIActSchedule(), sc); ok {
			item.Reasons = append(item.Reasons, r)
		}
		item.Reasons = append(item.Reasons, starting(sc, cur.ApprovedAt, now)...)
	}
	return item, nil
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

// rescreen screens the answers a screening recorded with the rules the
// service applies now (form and schedule) and reports the difference in
// outcome, when the screening was made under other rules: the tier, the
// decisive references, the duties and, when the screening dated them,
// their days. Answers the current rules refuse are a difference too.
func rescreen(form *Form, sch *Schedule, was *Screening) (DueReason, bool) {
	if form == nil {
		return DueReason{}, false
	}
	wasRules := was.Questionnaire + " (no legal schedule recorded)"
	if r := was.Rules; r != nil {
		if r.Questionnaire == form.Ref() && r.Schedule == sch.Version() {
			return DueReason{}, false
		}
		wasRules = r.Questionnaire + " (schedule " + r.Schedule + ")"
	} else if was.Questionnaire == "" {
		wasRules = "unversioned rules"
	}
	nowRules := form.Ref() + " (schedule " + sch.Version() + ")"
	now, err := screenWith(form, sch, was.Answers)
	if err != nil {
		return DueReason{TriggerScreeningRules, fmt.Sprintf("screened under %s; the answers do not fit the current rules %s: %v", wasRules, nowRules, err)}, true
	}
	var diffs []string
	if was.Tier != now.Tier {
		diffs = append(diffs, fmt.Sprintf("tier %s -> %s", was.Tier, now.Tier))
	}
	if a, b := decisiveRefs(was), decisiveRefs(now); !slices.Equal(a, b) {
		diffs = append(diffs, fmt.Sprintf("basis [%s] -> [%s]", strings.Join(a, "; "), strings.Join(b, "; ")))
	}
	wasIDs, nowIDs := dutyIDs(was), dutyIDs(now)
	if added := minus(nowIDs, wasIDs); len(added) > 0 {
		diffs = append(diffs, "duties added: "+strings.Join(added, ", "))
	}
	if removed := minus(wasIDs, nowIDs); len(removed) > 0 {
		diffs = append(diffs, "duties removed: "+strings.Join(removed, ", "))
	}
	if was.Rules != nil {
		wasFrom := map[string]time.Time{}
		for _, a := range was.Applies {
			wasFrom[a.Obligation] = a.From
		}
		var moved []string
		for _, a := range now.Applies {
			if w, ok := wasFrom[a.Obligation]; ok && !w.Equal(a.From) {
				moved = append(moved, fmt.Sprintf("%s %s -> %s", a.Obligation, day(w), day(a.From)))
			}
		}
		if len(moved) > 0 {
			diffs = append(diffs, "application days: "+strings.Join(moved, ", "))
		}
	}
	if len(diffs) == 0 {
		return DueReason{}, false
	}
	return DueReason{TriggerScreeningRules, fmt.Sprintf("screened under %s; the current rules %s change the outcome: %s", wasRules, nowRules, strings.Join(diffs, "; "))}, true
}

// decisiveRefs lists the references of a screening's decisive reasons,
// "(none)" for one that cites nothing.
func decisiveRefs(s *Screening) []string {
	var out []string
	for _, r := range s.Reasons {
		if r.Decisive {
			ref := r.Reference
			if ref == "" {
				ref = "(none)"
			}
			out = append(out, ref)
		}
	}
	return out
}

func dutyIDs(s *Screening) []string {
	out := make([]string, 0, len(s.Obligations))
	for _, d := range s.Obligations {
		out = append(out, d.ID)
	}
	return out
}

// minus returns the elements of a not in b, in a's order.
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// starting reports the duties of a screening that started to apply after
// since (the approval) and no later than now, one reason per day.
func starting(sc *Screening, since, now time.Time) []DueReason {
	var out []DueReason
	list := sc.Starting(since, now)
	slices.SortStableFunc(list, func(a, b Applicability) int { return a.From.Compare(b.From) })
	for len(list) > 0 {
		from, basis := list[0].From, list[0].Basis
		var ids []string
		rest := list[:0:0]
		for _, a := range list {
			if a.From.Equal(from) {
				ids = append(ids, a.Obligation)
			} else {
				rest = append(rest, a)
			}
		}
		out = append(out, DueReason{TriggerApplicationDate, fmt.Sprintf("duties %s apply from %s (%s), after the approval on %s", strings.Join(ids, ", "), day(from), basis, day(since))})
		list = rest
	}
	return out
}
