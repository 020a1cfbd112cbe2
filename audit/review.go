package audit

import (
	"context"
	"fmt"
	"github.com/aimsgo/iso42001/internal/mdtext"
	"slices"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
)

// ReviewState is a state of the management review workflow. Values are
// append-only.
type ReviewState string

// Review states.
const (
	ReviewPrepared ReviewState = "prepared"
	ReviewHeld     ReviewState = "held"
)

// ReviewEvent is an event of the management review workflow.
type ReviewEvent string

// EventRecord records a held review with its decisions.
const EventRecord ReviewEvent = "record"

// ReviewAction is an action decided by a review (9.3.3), whose status the
// next review considers.
type ReviewAction struct {
	Title string    `json:"title"`
	Owner string    `json:"owner"`
	Due   time.Time `json:"due,omitzero"`
	Done  time.Time `json:"done,omitzero"`
}

// ActionStatus is the status of an earlier review's action.
type ActionStatus struct {
	Review string       `json:"review"`
	Action ReviewAction `json:"action"`
	Open   bool         `json:"open"`
}

// Change is a changed context issue or interested party since the last
// review.
type Change struct {
	Kind  string `json:"kind"`
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Inputs are the management review inputs (9.3.2), gathered from the
// store when the review is prepared.
type Inputs struct {
	// Since is when the previous held review was held (zero: none).
	Since           time.Time      `json:"since,omitzero"`
	PreviousActions []ActionStatus `json:"previousActions,omitempty"`
	// IssueChanges lists external and internal issues changed since.
	IssueChanges []Change `json:"issueChanges,omitempty"`
	// PartyChanges lists interested parties whose needs changed since.
	PartyChanges []Change `json:"partyChanges,omitempty"`
	// Nonconformities counts nonconformities by state; OverdueActions
	// counts corrective actions past due.
	Nonconformities map[string]int `json:"nonconformities,omitempty"`
	OverdueActions  int            `json:"overdueActions"`
	// Monitoring summarises the metrics' status.
	Monitoring string `json:"monitoring"`
	// Audits lists the audits completed since, and Findings counts their
	// findings by type.
	Audits   []string       `json:"audits,omitempty"`
	Findings map[string]int `json:"findings,omitempty"`
	// Improvements lists the open improvement opportunities.
	Improvements []string `json:"improvements,omitempty"`
	// Risks summarises the state of risks and impacts, from the
	// [RiskInput] the caller passed; empty when none was.
	Risks []string `json:"risks,omitempty"`
}

// Review is a management review (9.3): its inputs, gathered when prepared,
// and the decisions, changes and actions recorded when held.
type Review struct {
	aims.Meta
	Title     string    `json:"title"`
	Planned   time.Time `json:"planned"`
	Inputs    Inputs    `json:"inputs"`
	Held      time.Time `json:"held,omitzero"`
	Attendees []string  `json:"attendees,omitempty"`
	// Decisions on continual improvement opportunities (9.3.3).
	Decisions []string `json:"decisions,omitempty"`
	// Changes needed to the AIMS (9.3.3).
	Changes []string       `json:"changes,omitempty"`
	Actions []ReviewAction `json:"actions,omitempty"`
}

// Validate checks the review.
func (r *Review) Validate() error {
	var p aims.Problems
	checkKind(&p, &r.Meta, KindReview)
	p.Require("title", r.Title)
	if r.Planned.IsZero() {
		p.Add("planned", "is required")
	}
	for i, a := range r.Attendees {
		checkActor(&p, fmt.Sprintf("attendees[%d]", i), a, true)
	}
	checkTexts(&p, "decisions", r.Decisions)
	checkTexts(&p, "changes", r.Changes)
	for i, a := range r.Actions {
		ap := fmt.Sprintf("actions[%d]", i)
		p.Require(ap+".title", a.Title)
		checkActor(&p, ap+".owner", a.Owner, true)
		if a.Due.IsZero() {
			p.Add(ap+".due", "is required")
		}
	}
	return p.Err()
}

var reviewWorkflow = aims.MustMachine(aims.Spec[Review, ReviewState, ReviewEvent]{
	Name: "management-review", Version: 1, Initial: ReviewPrepared,
	States: []ReviewState{ReviewPrepared, ReviewHeld}, Terminal: []ReviewState{ReviewHeld},
	Transitions: []aims.Transition[Review, ReviewState, ReviewEvent]{{
		Event: EventRecord, From: []ReviewState{ReviewPrepared}, To: ReviewHeld, Roles: []aims.Role{aims.RoleTopManagement},
		Guards: []aims.Guard[Review]{
			{Name: "top-management-attended", Check: func(_ context.Context, r *Review) error {
				if len(r.Attendees) == 0 {
					return fmt.Errorf("the attendees must be recorded")
				}
				return nil
			}},
			{Name: "decisions-recorded", Check: func(_ context.Context, r *Review) error {
				if len(r.Decisions) == 0 {
					return fmt.Errorf("a review records at least one decision (9.3.3)")
				}
				return nil
			}},
		},
	}},
})

// ReviewWorkflow returns the management review workflow: prepared -> held.
func ReviewWorkflow() *aims.Machine[Review, ReviewState, ReviewEvent] { return reviewWorkflow }

// RiskInput supplies the state of risks and impacts to a review; the risk
// package's register can be adapted to it without audit importing it.
type RiskInput interface {
	RiskSummary(ctx context.Context, ws *aims.Workspace) ([]string, error)
}

// RiskInputFunc adapts a function to [RiskInput].
type RiskInputFunc func(ctx context.Context, ws *aims.Workspace) ([]string, error)

// RiskSummary calls f.
func (f RiskInputFunc) RiskSummary(ctx context.Context, ws *aims.Workspace) ([]string, error) {
	return f(ctx, ws)
}

// Reviews prepares and records management reviews. It is safe for
// concurrent use.
type Reviews struct {
	ws    *aims.Workspace
	c     *aims.Collection[Review, *Review]
	risks RiskInput
}

// NewReviews returns the reviews of ws; risks may be nil.
func NewReviews(ws *aims.Workspace, risks RiskInput) *Reviews {
	return &Reviews{ws: ws, c: aims.NewCollection[Review](ws, KindReview, 1), risks: risks}
}

// Collection returns the reviews' collection.
func (rs *Reviews) Collection() *aims.Collection[Review, *Review] { return rs.c }

// Get returns the review with id.
func (rs *Reviews) Get(ctx context.Context, id string) (*Review, error) { return rs.c.Get(ctx, id) }

// Last returns the most recently held review, or an error matching
// [aims.ErrNotFound].
func (rs *Reviews) Last(ctx context.Context) (*Review, error) {
	held, err := rs.c.All(ctx, map[string]string{"state": string(ReviewHeld)})
	if err != nil {
		return nil, err
	}
	if len(held) == 0 {
		return nil, aims.E("last", KindReview, "", fmt.Errorf("%w: no management review has been held", aims.ErrNotFound))
	}
	return slices.MaxFunc(held, func(a, b *Review) int { return a.Held.Compare(b.Held) }), nil
}

// Prepare creates a review in state prepared with its inputs gathered
// from the store (9.3.2).
func (rs *Reviews) Prepare(ctx context.Context, actor, id, title string, planned time.Time) (*Review, error) {
	in, err := rs.Gather(ctx)
	if err != nil {
		return nil, err
	}
	r := &Review{Meta: aims.Meta{ID: id}, Title: title, Planned: planned, Inputs: in}
	if err := aims.Start(ctx, rs.c, reviewWorkflow, actor, r); err != nil {
		return nil, err
	}
	return r, nil
}

// Gather collects the review inputs as of now without writing.
func (rs *Reviews) Gather(ctx context.Context) (Inputs, error) {
	var in Inputs
	held, err := rs.c.All(ctx, map[string]string{"state": string(ReviewHeld)})
	if err != nil {
		return in, err
	}
	for _, r := range held {
		if r.Held.After(in.Since) {
			in.Since = r.Held
		}
		for _, a := range r.Actions {
			in.PreviousActions = append(in.PreviousActions, ActionStatus{Review: r.ID, Action: a, Open: a.Done.IsZero()})
		}
	}
	for c, err := range aims.ContextIssues(rs.ws).List(ctx, nil) {
		if err != nil {
			return in, err
		}
		if c.UpdatedAt.After(in.Since) {
			in.IssueChanges = append(in.IssueChanges, Change{Kind: string(c.Type), ID: c.ID, Title: c.Title})
		}
	}
	for ip, err := range aims.InterestedParties(rs.ws).List(ctx, nil) {
		if err != nil {
			return in, err
		}
		if ip.UpdatedAt.After(in.Since) {
			in.PartyChanges = append(in.PartyChanges, Change{Kind: string(ip.Category), ID: ip.ID, Title: ip.Name})
		}
	}
	ncs := NewNonconformities(rs.ws)
	now := rs.ws.Now()
	for n, err := range ncs.c.List(ctx, nil) {
		if err != nil {
			return in, err
		}
		if n.Type == TypeImprovement {
			if n.Open() {
				in.Improvements = append(in.Improvements, n.ID+": "+n.Title)
			}
			continue
		}
		if in.Nonconformities == nil {
			in.Nonconformities = map[string]int{}
		}
		in.Nonconformities[n.State]++
		in.OverdueActions += len(n.Overdue(now))
	}
	st, err := NewMetrics(rs.ws).Status(ctx)
	if err != nil {
		return in, err
	}
	in.Monitoring = metricSummary(st)
	au := NewAudits(rs.ws, nil)
	for a, err := range au.c.List(ctx, map[string]string{"state": string(AuditCompleted)}) {
		if err != nil {
			return in, err
		}
		if !a.Completed.After(in.Since) {
			continue
		}
		in.Audits = append(in.Audits, a.ID)
		fs, err := au.FindingsOf(ctx, a.ID)
		if err != nil {
			return in, err
		}
		for _, f := range fs {
			if in.Findings == nil {
				in.Findings = map[string]int{}
			}
			in.Findings[string(f.Type)]++
		}
	}
	if rs.risks != nil {
		r, err := rs.risks.RiskSummary(ctx, rs.ws)
		if err != nil {
			return in, fmt.Errorf("risk input: %w", err)
		}
		in.Risks = r
	}
	return in, nil
}

// Outcome is what a held review decided (9.3.3).
type Outcome struct {
	Attendees []string
	Decisions []string
	Changes   []string
	Actions   []ReviewAction
	// Completed lists the titles of earlier reviews' actions now done;
	// they are marked done at the workspace clock's time.
	Completed []string
}

// Record records review id as held by actor (top management) with its
// outcome, and marks earlier reviews' completed actions done.
func (rs *Reviews) Record(ctx context.Context, actor, id string, o Outcome) (*Review, error) {
	now := rs.ws.Now()
	r, err := aims.Fire(ctx, rs.c, reviewWorkflow, aims.Firing[Review, ReviewEvent]{ID: id, Actor: actor, Event: EventRecord,
		Change: func(r *Review) error {
			r.Held, r.Attendees, r.Decisions, r.Changes, r.Actions = now, slices.Clone(o.Attendees), slices.Clone(o.Decisions), slices.Clone(o.Changes), slices.Clone(o.Actions)
			return r.Validate()
		}})
	if err != nil || len(o.Completed) == 0 {
		return r, err
	}
	held, err := rs.c.All(ctx, map[string]string{"state": string(ReviewHeld)})
	if err != nil {
		return r, err
	}
	for _, prev := range held {
		if prev.ID == id {
			continue
		}
		changed := false
		for i, a := range prev.Actions {
			if a.Done.IsZero() && slices.Contains(o.Completed, a.Title) {
				prev.Actions[i].Done, changed = now, true
			}
		}
		if changed {
			if err := rs.c.Save(ctx, "complete-actions", actor, prev, prev.Meta, prev.Version, aims.Entry{Event: "complete-actions"}); err != nil {
				return r, err
			}
		}
	}
	return r, nil
}

// Markdown renders the review's inputs and outcome for people.
func (r *Review) Markdown() string {
	b := &strings.Builder{}
	fmt.Fprintf(b, "# Management review: %s\n\n- State: %s; planned %s; held %s\n", mdtext.Escape(r.Title), r.State, date(r.Planned), date(r.Held))
	in := r.Inputs
	fmt.Fprintf(b, "\n## Inputs\n\n- Since: %s\n- Monitoring: %s\n- Overdue corrective actions: %d\n", date(in.Since), in.Monitoring, in.OverdueActions)
	fmt.Fprintf(b, "- Audits completed: %s\n- Changed issues: %d; changed interested parties: %d\n", joinRefs(in.Audits), len(in.IssueChanges), len(in.PartyChanges))
	for _, s := range in.Risks {
		fmt.Fprintf(b, "- Risk: %s\n", mdtext.Escape(s))
	}
	b.WriteString("\n## Decisions\n\n")
	for _, d := range r.Decisions {
		fmt.Fprintf(b, "- %s\n", mdtext.Escape(d))
	}
	return b.String()
}
