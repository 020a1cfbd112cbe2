package risk

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aimsgo/iso42001/aims"
)

// State is a risk's lifecycle state.
type State string

// The lifecycle states, in order.
const (
	StateIdentified       State = "identified"
	StateAnalysed         State = "analysed"
	StateEvaluated        State = "evaluated"
	StateTreatmentPlanned State = "treatment-planned"
	StateTreated          State = "treated"
	StateAccepted         State = "accepted"
	StateMonitoring       State = "monitoring"
	StateClosed           State = "closed"
)

// Event is a lifecycle event.
type Event string

// The lifecycle events.
const (
	// EventAnalyse: causes and consequences are known (8.2).
	EventAnalyse Event = "analyse"
	// EventEvaluate: the inherent score is compared with the criteria.
	EventEvaluate Event = "evaluate"
	// EventPlanTreatment: a treatment plan is chosen (6.1.3, 8.3).
	EventPlanTreatment Event = "plan-treatment"
	// EventCompleteTreatment: every action is done and the residual risk
	// assessed.
	EventCompleteTreatment Event = "complete-treatment"
	// EventAccept: the risk owner or the band's authority accepts the
	// current risk.
	EventAccept Event = "accept"
	// EventMonitor: the accepted risk enters monitoring.
	EventMonitor Event = "monitor"
	// EventReview: a periodic review under monitoring.
	EventReview Event = "review"
	// EventClose: the risk no longer exists.
	EventClose Event = "close"
	// EventReopen: a review or an incident sends the risk back to
	// identification.
	EventReopen Event = "reopen"
)

// WorkflowName and WorkflowVersion identify the lifecycle definition in
// Meta.Workflow ("risk@1").
const (
	WorkflowName    = "risk"
	WorkflowVersion = 1
)

// Machine is the type of the risk lifecycle workflow.
type Machine = aims.Machine[Risk, State, Event]

// NewWorkflow returns the risk lifecycle for criteria c: identified ->
// analysed -> evaluated -> treatment-planned -> treated -> accepted ->
// monitoring -> closed, with acceptance straight from evaluated (retain),
// periodic reviews under monitoring, and reopening on review or incident.
// Acceptance is allowed to the risk's owner, or to an actor holding one of
// the roles the criteria give the current band; it needs a basis and a
// level within the criteria's tolerance.
func NewWorkflow(c *Criteria) (*Machine, error) {
	if c == nil {
		return nil, aims.Invalid("criteria", "is required")
	}
	owner := func(r *Risk, actor string) bool { return r.Owner != "" && r.Owner == actor }
	return aims.NewMachine(aims.Spec[Risk, State, Event]{
		Name:    WorkflowName,
		Version: WorkflowVersion,
		Initial: StateIdentified,
		States: []State{StateIdentified, StateAnalysed, StateEvaluated, StateTreatmentPlanned,
			StateTreated, StateAccepted, StateMonitoring, StateClosed},
		Transitions: []aims.Transition[Risk, State, Event]{
			{Event: EventAnalyse, From: []State{StateIdentified}, To: StateAnalysed,
				Guards: []aims.Guard[Risk]{guardCauses, guardConsequences}, Note: "causes and consequences known"},
			{Event: EventEvaluate, From: []State{StateAnalysed}, To: StateEvaluated,
				Guards: []aims.Guard[Risk]{guardInherent}, Note: "inherent score compared with criteria"},
			{Event: EventPlanTreatment, From: []State{StateEvaluated}, To: StateTreatmentPlanned,
				Guards: []aims.Guard[Risk]{guardTreatmentOption, guardTreatmentMeasures}, Note: "treatment chosen"},
			{Event: EventCompleteTreatment, From: []State{StateTreatmentPlanned}, To: StateTreated,
				Guards: []aims.Guard[Risk]{guardActionsDone, guardResidual}, Note: "actions done, residual assessed"},
			{Event: EventAccept, From: []State{StateEvaluated, StateTreated}, To: StateAccepted,
				RolesFor: func(r *Risk) []aims.Role {
					if cur, _ := r.Current(); cur != nil {
						return c.AcceptanceRoles(c.Level(cur.Score.Band))
					}
					return nil
				},
				Allow:  owner,
				Guards: []aims.Guard[Risk]{guardAcceptanceBasis, guardTolerance(c)}, Note: "owner or band authority"},
			{Event: EventMonitor, From: []State{StateAccepted}, To: StateMonitoring,
				Guards: []aims.Guard[Risk]{guardNextReview}},
			{Event: EventReview, From: []State{StateMonitoring}, To: StateMonitoring,
				Guards: []aims.Guard[Risk]{guardReviewed}},
			{Event: EventClose, From: []State{StateMonitoring}, To: StateClosed,
				Guards: []aims.Guard[Risk]{guardClosedReason}},
			{Event: EventReopen, From: []State{StateTreatmentPlanned, StateTreated, StateAccepted, StateMonitoring, StateClosed}, To: StateIdentified,
				Guards: []aims.Guard[Risk]{guardReopenReason}, Note: "review or incident"},
		},
	})
}

var (
	guardCauses = aims.Guard[Risk]{Name: "causes", Check: func(_ context.Context, r *Risk) error {
		if len(r.Causes) == 0 {
			return errors.New("analysis needs at least one cause")
		}
		return nil
	}}
	guardConsequences = aims.Guard[Risk]{Name: "consequences", Check: func(_ context.Context, r *Risk) error {
		if len(r.Consequences) == 0 {
			return errors.New("analysis needs at least one consequence")
		}
		return nil
	}}
	guardInherent = aims.Guard[Risk]{Name: "inherent-score", Check: func(_ context.Context, r *Risk) error {
		if r.Inherent == nil {
			return errors.New("evaluation needs an inherent score: assess the risk first")
		}
		return nil
	}}
	guardTreatmentOption = aims.Guard[Risk]{Name: "treatment-option", Check: func(_ context.Context, r *Risk) error {
		if r.Treatment == nil || len(r.Treatment.Options) == 0 {
			return errors.New("a treatment plan with at least one option is needed")
		}
		return nil
	}}
	guardTreatmentMeasures = aims.Guard[Risk]{Name: "treatment-measures", Check: func(_ context.Context, r *Risk) error {
		t := r.Treatment
		if t == nil {
			return nil // reported by treatment-option
		}
		onlyRetain := true
		for _, o := range t.Options {
			onlyRetain = onlyRetain && o == OptionRetain
		}
		if !onlyRetain && len(t.Controls) == 0 && len(t.Actions) == 0 {
			return errors.New("options other than retain need at least one control or action")
		}
		return nil
	}}
	guardActionsDone = aims.Guard[Risk]{Name: "actions-done", Check: func(_ context.Context, r *Risk) error {
		if r.Treatment == nil {
			return errors.New("no treatment plan")
		}
		var open []string
		for _, a := range r.Treatment.Actions {
			if a.Open() {
				open = append(open, a.ID)
			}
		}
		if len(open) > 0 {
			return fmt.Errorf("actions still open: %s", strings.Join(open, ", "))
		}
		return nil
	}}
	guardResidual = aims.Guard[Risk]{Name: "residual-score", Check: func(_ context.Context, r *Risk) error {
		if r.Residual == nil {
			return errors.New("the residual risk must be assessed")
		}
		return nil
	}}
	guardAcceptanceBasis = aims.Guard[Risk]{Name: "acceptance-basis", Check: func(_ context.Context, r *Risk) error {
		if r.Acceptance == nil || strings.TrimSpace(r.Acceptance.Basis) == "" {
			return errors.New("acceptance needs a basis: say why the risk may be accepted")
		}
		return nil
	}}
	guardNextReview = aims.Guard[Risk]{Name: "next-review", Check: func(_ context.Context, r *Risk) error {
		if r.NextReview.IsZero() {
			return errors.New("monitoring needs a next review date")
		}
		return nil
	}}
	guardReviewed = aims.Guard[Risk]{Name: "review-recorded", Check: func(_ context.Context, r *Risk) error {
		if len(r.Reviews) == 0 {
			return errors.New("no review recorded")
		}
		last := r.Reviews[len(r.Reviews)-1]
		if !r.NextReview.After(last.At) {
			return fmt.Errorf("the next review (%s) must come after this one (%s)", day(r.NextReview), day(last.At))
		}
		return nil
	}}
	guardClosedReason = aims.Guard[Risk]{Name: "closed-reason", Check: func(_ context.Context, r *Risk) error {
		if strings.TrimSpace(r.ClosedReason) == "" {
			return errors.New("closing needs a reason")
		}
		return nil
	}}
	guardReopenReason = aims.Guard[Risk]{Name: "reopen-reason", Check: func(_ context.Context, r *Risk) error {
		if len(r.Reopenings) == 0 {
			return errors.New("reopening needs a trigger and a reason")
		}
		last := r.Reopenings[len(r.Reopenings)-1]
		if !last.Trigger.Valid() || strings.TrimSpace(last.Reason) == "" {
			return errors.New("reopening needs a trigger (review or incident) and a reason")
		}
		return nil
	}}
)

// guardTolerance refuses acceptance of a risk that is unrated or above the
// criteria's tolerance.
func guardTolerance(c *Criteria) aims.Guard[Risk] {
	return aims.Guard[Risk]{Name: "within-tolerance", Check: func(_ context.Context, r *Risk) error {
		cur, stage := r.Current()
		if cur == nil {
			return errors.New("the risk has no score to accept")
		}
		lvl := c.Level(cur.Score.Band)
		switch {
		case lvl == 0:
			return fmt.Errorf("the %s band %q is not in the criteria: re-assess", stage, cur.Score.Band)
		case !c.Acceptable(lvl):
			return fmt.Errorf("the %s level %q is above the tolerance %q: treat it further", stage, cur.Score.Band, c.Band(c.Tolerance()).Name)
		}
		return nil
	}}
}
