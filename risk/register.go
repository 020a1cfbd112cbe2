package risk

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// Options is the old name of [RegisterOptions].
//
// Deprecated: use RegisterOptions; "Options" read too much like the
// treatment [Option] beside it.
type Options = RegisterOptions

// RegisterOptions configures a [Register]. The zero value means the
// defaults.
type RegisterOptions struct {
	// Catalog checks treatment controls and names the Annex A controls
	// relevant to a risk; default [controls.ISO42001]. Use [controls.Merge]
	// to add the organisation's own controls.
	Catalog *controls.Catalog
}

// Register is the AI risk register of one workspace: the service that
// validates risks, scores them with the criteria's scorer, moves them
// through the lifecycle workflow (checking authority and guards) and
// journals every change. It is safe for concurrent use; concurrent writes
// to one risk fail with [aims.ErrConflict] rather than overwrite.
type Register struct {
	ws      *aims.Workspace
	crit    *Criteria
	scorer  Scorer
	catalog *controls.Catalog
	risks   *aims.Collection[Risk, *Risk]
	machine *Machine
}

// NewRegister returns the register of ws, scoring with scorer under crit.
// Load the workspace's criteria with [LoadCriteria] and the scorer they
// name with [Builtins]().ForCriteria.
func NewRegister(ws *aims.Workspace, crit *Criteria, scorer Scorer, opts *RegisterOptions) (*Register, error) {
	var p aims.Problems
	if ws == nil {
		p.Add("workspace", "is required")
	}
	if crit == nil {
		p.Add("criteria", "is required")
	}
	if scorer == nil {
		p.Add("scorer", "is required")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	m, err := NewWorkflow(crit)
	if err != nil {
		return nil, err
	}
	r := &Register{ws: ws, crit: crit, scorer: scorer, catalog: controls.ISO42001(), machine: m,
		risks: aims.NewCollection[Risk](ws, Kind, SchemaVersion)}
	if opts != nil && opts.Catalog != nil {
		r.catalog = opts.Catalog
	}
	return r, nil
}

// Criteria returns the register's criteria.
func (r *Register) Criteria() *Criteria { return r.crit }

// Scorer returns the register's scorer.
func (r *Register) Scorer() Scorer { return r.scorer }

// Workflow returns the lifecycle machine (for its Mermaid diagram or the
// events an actor may fire).
func (r *Register) Workflow() *Machine { return r.machine }

// Collection returns the typed collection of risks.
func (r *Register) Collection() *aims.Collection[Risk, *Risk] { return r.risks }

// Add validates a new risk and stores it in the identified state. Its
// sources and objectives must be Annex C values; ratings, treatment and
// acceptance come later through the register, so a new risk carrying them
// is refused. An empty ID gets a fresh one.
func (r *Register) Add(ctx context.Context, actor string, rk *Risk) error {
	if rk == nil {
		return aims.Invalid("risk", "is required")
	}
	var p aims.Problems
	for _, f := range []struct {
		set  bool
		name string
	}{{rk.Inherent != nil, "inherent"}, {rk.Residual != nil, "residual"}, {rk.Treatment != nil, "treatment"},
		{rk.Acceptance != nil, "acceptance"}, {len(rk.Reviews) > 0, "reviews"}, {len(rk.Reopenings) > 0, "reopenings"}} {
		if f.set {
			p.Addf(f.name, "must be empty on a new risk: set it through the register (Assess, Treat, Accept)")
		}
	}
	if rk.State != "" {
		p.Addf("state", "must be empty on a new risk, got %q", rk.State)
	}
	p.Merge("", rk.Validate())
	if err := p.Err(); err != nil {
		return aims.E("add", Kind, rk.ID, err)
	}
	systems := aims.AISystems(r.ws)
	for i, id := range rk.Systems {
		ok, err := systems.Exists(ctx, id)
		if err != nil {
			return aims.E("add", Kind, rk.ID, err)
		}
		if !ok {
			p.Addf(fmt.Sprintf("systems[%d]", i), "%q is not an AI system of the inventory", id)
		}
	}
	if err := p.Err(); err != nil {
		return aims.E("add", Kind, rk.ID, err)
	}
	return aims.Start(ctx, r.risks, r.machine, actor, rk)
}

// Get returns the risk with id, or an error matching [aims.ErrNotFound].
func (r *Register) Get(ctx context.Context, id string) (*Risk, error) { return r.risks.Get(ctx, id) }

// Filter selects risks in [Register.List]; zero fields match everything.
type Filter struct {
	Owner  string
	State  State
	Band   string // the current band (residual when assessed, else inherent)
	System string // an affected AI system id
}

func (f Filter) where() map[string]string {
	w := map[string]string{}
	if f.Owner != "" {
		w["owner"] = f.Owner
	}
	if f.State != "" {
		w["state"] = string(f.State)
	}
	if f.Band != "" {
		w["level"] = f.Band
	}
	if f.System != "" {
		w["system:"+f.System] = "true"
	}
	return w
}

// List yields the risks matching f, in ascending byte order of id (use
// [Register.All] for natural order). It stops after yielding an error.
func (r *Register) List(ctx context.Context, f Filter) iter.Seq2[*Risk, error] {
	return r.risks.List(ctx, f.where())
}

// All returns the risks matching f in natural order of id (risk-2 before
// risk-10).
func (r *Register) All(ctx context.Context, f Filter) ([]*Risk, error) {
	all, err := r.risks.All(ctx, f.where())
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b *Risk) int { return natsort.Compare(a.ID, b.ID) })
	return all, nil
}

// Rate scores a with the register's scorer into a rating by actor now,
// with the assessor's note.
func (r *Register) Rate(actor string, a Assessment, note string) (*Rating, error) {
	s, err := r.scorer.Score(a)
	if err != nil {
		return nil, err
	}
	if err := r.crit.checkScore(s); err != nil {
		return nil, err
	}
	return &Rating{Assessment: a, Score: s, Note: note, AssessedAt: r.ws.Now(), AssessedBy: actor}, nil
}

// Journal events of register changes that are not workflow transitions.
const (
	JournalAssessInherent  = "assess-inherent"
	JournalAssessResidual  = "assess-residual"
	JournalReviseTreatment = "revise-treatment"
	JournalCompleteAction  = "complete-action"
)

// Assess scores a and records it, with the assessor's note, as the risk's
// inherent or residual rating. Inherent ratings are set while the risk is identified or
// analysed (reopen an evaluated risk to re-assess it); residual ratings
// while treatment is planned or done. A bad assessment matches
// [aims.ErrInvalid] naming the field; a risk in the wrong state matches
// [aims.ErrTransitionDenied].
func (r *Register) Assess(ctx context.Context, actor, id string, stage Stage, a Assessment, note string) (*Risk, error) {
	var allowed []State
	event := JournalAssessInherent
	switch stage {
	case StageInherent:
		allowed = []State{StateIdentified, StateAnalysed}
	case StageResidual:
		allowed = []State{StateTreatmentPlanned, StateTreated}
		event = JournalAssessResidual
	default:
		return nil, aims.E("assess", Kind, id, aims.Invalid("stage", fmt.Sprintf("must be %q or %q, got %q", StageInherent, StageResidual, stage)))
	}
	rating, err := r.Rate(actor, a, note)
	if err != nil {
		return nil, aims.E("assess", Kind, id, err)
	}
	return r.update(ctx, id, actor, event, allowed, func(rk *Risk) error {
		if stage == StageInherent {
			rk.Inherent = rating
		} else {
			rk.Residual = rating
		}
		return nil
	})
}

// update changes a stored risk outside a workflow transition, in one of
// the allowed states, and journals event.
func (r *Register) update(ctx context.Context, id, actor, event string, allowed []State, change func(*Risk) error) (*Risk, error) {
	rk, err := r.risks.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	state := State(rk.State)
	if !slices.Contains(allowed, state) {
		names := make([]string, len(allowed))
		for i, s := range allowed {
			names[i] = string(s)
		}
		return nil, aims.E(event, Kind, id, &aims.TransitionError{Workflow: r.machine.ID(), Event: event, From: string(state),
			Unmet: []aims.Unmet{{Rule: "state", Reason: fmt.Sprintf("only allowed in states %s", strings.Join(names, ", "))}}})
	}
	h := rk.Meta
	if err := change(rk); err != nil {
		return nil, aims.E(event, Kind, id, err)
	}
	rk.Meta = h
	if err := r.risks.Save(ctx, event, actor, rk, h, h.Version, aims.Entry{Event: event, From: h.State, To: h.State}); err != nil {
		return nil, err
	}
	return rk, nil
}

// Treat records the treatment plan t. Every chosen or rejected control
// must be in the register's catalog (an unknown id is an error naming it);
// the expected residual assessment, if any, is scored. On an evaluated risk
// it fires plan-treatment; on a risk whose treatment is already planned it
// revises the plan.
func (r *Register) Treat(ctx context.Context, actor, id string, t Treatment) (*Risk, error) {
	t = cloneTreatment(t)
	var p aims.Problems
	for i, c := range t.Controls {
		if _, err := r.catalog.Control(c.ID); err != nil {
			p.Addf(fmt.Sprintf("treatment.controls[%d].id", i), "unknown control %q in catalog %s", c.ID, r.catalog.ID())
		}
	}
	for i, c := range t.Rejected {
		if _, err := r.catalog.Control(c.ID); err != nil {
			p.Addf(fmt.Sprintf("treatment.rejected[%d].id", i), "unknown control %q in catalog %s", c.ID, r.catalog.ID())
		}
	}
	if t.Expected != nil {
		rating, err := r.Rate(actor, t.Expected.Assessment, t.Expected.Note)
		if err != nil {
			p.Merge("treatment.expected.assessment", err)
		} else {
			t.Expected = rating
		}
	}
	if err := p.Err(); err != nil {
		return nil, aims.E("treat", Kind, id, err)
	}
	rk, err := r.risks.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	set := func(rk *Risk) error { rk.Treatment = &t; return nil }
	if State(rk.State) == StateTreatmentPlanned {
		return r.update(ctx, id, actor, JournalReviseTreatment, []State{StateTreatmentPlanned}, set)
	}
	return r.Fire(ctx, actor, id, EventPlanTreatment, set)
}

func cloneTreatment(t Treatment) Treatment {
	t.Options = slices.Clone(t.Options)
	t.Controls = slices.Clone(t.Controls)
	t.Rejected = slices.Clone(t.Rejected)
	t.Actions = slices.Clone(t.Actions)
	if t.Expected != nil {
		e := *t.Expected
		t.Expected = &e
	}
	return t
}

// CompleteAction marks action actionID of the risk's treatment plan done
// now.
func (r *Register) CompleteAction(ctx context.Context, actor, id, actionID string) (*Risk, error) {
	now := r.ws.Now()
	return r.update(ctx, id, actor, JournalCompleteAction, []State{StateTreatmentPlanned}, func(rk *Risk) error {
		if rk.Treatment != nil {
			for i := range rk.Treatment.Actions {
				a := &rk.Treatment.Actions[i]
				if a.ID == actionID {
					if !a.Open() {
						return aims.Invalid("actionID", fmt.Sprintf("action %q is already done", actionID))
					}
					a.Done = now
					return nil
				}
			}
		}
		return fmt.Errorf("action %q: %w", actionID, aims.ErrNotFound)
	})
}

// Accept records that actor accepts the risk's current rating (residual
// when assessed, else inherent) on basis, and fires accept. Only the risk
// owner or a holder of a role the criteria give that band may accept
// (otherwise [aims.ErrForbidden]), and only within the tolerance. The next
// review is set to nextReview, or the criteria's review interval from now
// when zero.
func (r *Register) Accept(ctx context.Context, actor, id, basis string, nextReview time.Time) (*Risk, error) {
	now := r.ws.Now()
	return r.Fire(ctx, actor, id, EventAccept, func(rk *Risk) error {
		cur, stage := rk.Current()
		a := &Acceptance{By: actor, At: now, Basis: strings.TrimSpace(basis), Stage: stage}
		if cur != nil {
			a.Band, a.Level = cur.Score.Band, cur.Score.Level()
		}
		rk.Acceptance = a
		rk.NextReview = cmp.Or(nextReview, now.Add(r.crit.ReviewInterval()))
		return nil
	})
}

// Review records a periodic review of a monitored risk, with the next
// review date (zero: the criteria's interval from now).
func (r *Register) Review(ctx context.Context, actor, id, note string, next time.Time) (*Risk, error) {
	now := r.ws.Now()
	return r.Fire(ctx, actor, id, EventReview, func(rk *Risk) error {
		rk.Reviews = append(rk.Reviews, Review{At: now, By: actor, Note: note})
		rk.NextReview = cmp.Or(next, now.Add(r.crit.ReviewInterval()))
		return nil
	})
}

// Reopen sends the risk back to identified after a review or an incident:
// the acceptance no longer holds (it is kept in the reopening record) and
// the residual rating is cleared, so the risk is assessed again.
func (r *Register) Reopen(ctx context.Context, actor, id string, trigger Trigger, reason string) (*Risk, error) {
	now := r.ws.Now()
	return r.Fire(ctx, actor, id, EventReopen, func(rk *Risk) error {
		if !trigger.Valid() {
			return aims.Invalid("trigger", fmt.Sprintf("must be %q or %q, got %q", TriggerReview, TriggerIncident, trigger))
		}
		rk.Reopenings = append(rk.Reopenings, Reopening{At: now, By: actor, Trigger: trigger, Reason: strings.TrimSpace(reason),
			From: rk.State, Superseded: rk.Acceptance})
		rk.Acceptance, rk.Residual, rk.ClosedReason = nil, nil, ""
		return nil
	})
}

// Close closes a monitored risk for reason.
func (r *Register) Close(ctx context.Context, actor, id, reason string) (*Risk, error) {
	return r.Fire(ctx, actor, id, EventClose, func(rk *Risk) error {
		rk.ClosedReason = strings.TrimSpace(reason)
		return nil
	})
}

// Fire fires a lifecycle event on the risk, applying change (optional) to
// the record first; see [aims.Fire] for the checks and errors.
func (r *Register) Fire(ctx context.Context, actor, id string, ev Event, change func(*Risk) error) (*Risk, error) {
	return aims.Fire(ctx, r.risks, r.machine, aims.Firing[Risk, Event]{ID: id, Actor: actor, Event: ev, Change: change})
}

// Actions returns the events actor may fire now on the risk (a UI's
// buttons).
func (r *Register) Actions(ctx context.Context, actor, id string) ([]Event, error) {
	return aims.Actions(ctx, r.risks, r.machine, actor, id)
}

// Unconsidered returns the Annex A controls the catalog deems commonly
// relevant to the risk's sources and objectives that its treatment neither
// chose nor rejected with a reason, in natural order: the comparison with
// Annex A that ISO/IEC 42001 6.1.3 c asks for, so that no necessary
// control is overlooked. It is nil when every relevant control was
// considered.
func (r *Register) Unconsidered(rk *Risk) []string {
	return Unconsidered(r.catalog, rk)
}

// Unconsidered is [Register.Unconsidered] with an explicit catalog.
func Unconsidered(cat *controls.Catalog, rk *Risk) []string {
	if cat == nil || rk == nil {
		return nil
	}
	considered := map[string]bool{}
	if t := rk.Treatment; t != nil {
		for _, c := range t.Controls {
			considered[c.ID] = true
		}
		for _, c := range t.Rejected {
			if strings.TrimSpace(c.Reason) != "" {
				considered[c.ID] = true
			}
		}
	}
	var out []string
	for _, id := range cat.RelevantControls(rk.Sources, rk.Objectives) {
		if !considered[id] {
			out = append(out, id)
		}
	}
	return out
}

// OverdueItem is a review or action past its date.
type OverdueItem struct {
	RiskID string `json:"riskId"`
	Title  string `json:"title"`
	Owner  string `json:"owner"`
	// What is "review" or "action".
	What string `json:"what"`
	// ActionID names the action when What is "action".
	ActionID string    `json:"actionId,omitempty"`
	Due      time.Time `json:"due"`
	// Why explains the item in a sentence.
	Why string `json:"why"`
}

// Overdue lists, as of now, the risks whose next review date has passed
// and the open treatment actions past their due date, in natural order of
// risk id, reviews before actions, actions in plan order. Closed risks are
// skipped.
//
// It reads the risks' review and due dates from the register's open-risk
// projection (see [aims.Project]) and decodes only the risks with
// something overdue.
func (r *Register) Overdue(ctx context.Context, now time.Time) ([]OverdueItem, error) {
	open, err := openRisks(ctx, r.ws)
	if err != nil {
		return nil, err
	}
	var late []string // in natural order, as the projection keeps them
	for i := range open {
		if o := &open[i]; (!o.review.IsZero() && o.review.Before(now)) || (!o.due.IsZero() && o.due.Before(now)) {
			late = append(late, o.id)
		}
	}
	var out []OverdueItem
	for _, id := range late {
		rk, err := r.Get(ctx, id)
		if errors.Is(err, aims.ErrNotFound) {
			continue // deleted since the view was read
		}
		if err != nil {
			return nil, err
		}
		if State(rk.State) == StateClosed {
			continue
		}
		if !rk.NextReview.IsZero() && rk.NextReview.Before(now) {
			out = append(out, OverdueItem{RiskID: rk.ID, Title: rk.Title, Owner: rk.Owner, What: "review", Due: rk.NextReview,
				Why: fmt.Sprintf("review was due %s (%d days ago); owner %s", day(rk.NextReview), daysBetween(rk.NextReview, now), rk.Owner)})
		}
		if rk.Treatment == nil {
			continue
		}
		for _, a := range rk.Treatment.Actions {
			if a.Open() && a.Due.Before(now) {
				out = append(out, OverdueItem{RiskID: rk.ID, Title: rk.Title, Owner: a.Owner, What: "action", ActionID: a.ID, Due: a.Due,
					Why: fmt.Sprintf("action %q (%s) was due %s (%d days ago) and is not done; owner %s", a.ID, a.Title, day(a.Due), daysBetween(a.Due, now), a.Owner)})
			}
		}
	}
	return out, nil
}

func daysBetween(from, to time.Time) int { return int(to.Sub(from).Hours() / 24) }

// day formats a date for people and reports.
func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// Evaluation is the result of comparing a score with the criteria.
type Evaluation struct {
	Level int     `json:"level"`
	Band  string  `json:"band"`
	Value float64 `json:"value"`
	// WithinAppetite: no treatment needed.
	WithinAppetite bool `json:"withinAppetite"`
	// Acceptable: within the tolerance, so it may be accepted.
	Acceptable bool `json:"acceptable"`
}

// Evaluate scores each assessment of as with s and compares it with the
// criteria c, appending the evaluations to dst (pass a slice with enough
// capacity to avoid allocating). Any [Scorer] works; a score that does
// not name a band of c at its level (see [Scorer]) is an error, as in
// [Register.Rate]. It stops at the first error, naming the assessment's
// index ("[3].likelihood: ..."). The table scorers ([Matrix], [LxC]) take
// a direct path that avoids an interface call per assessment and gives
// the same evaluations.
func Evaluate(c *Criteria, s Scorer, as []Assessment, dst []Evaluation) ([]Evaluation, error) {
	var t *Matrix
	switch x := s.(type) {
	case *Matrix:
		t = x
	case *LxC:
		t = &x.Matrix
	}
	if t != nil && t.crit == c {
		// Every cell of a table built for c names a band of c at its
		// level, so the check of the generic path cannot fail here.
		for i := range as {
			sc, err := t.Score(as[i])
			if err != nil {
				return dst, indexed(i, err)
			}
			dst = append(dst, c.Evaluate(sc))
		}
		return dst, nil
	}
	for i := range as {
		sc, err := s.Score(as[i])
		if err == nil {
			err = c.checkScore(sc)
		}
		if err != nil {
			return dst, indexed(i, err)
		}
		dst = append(dst, c.Evaluate(sc))
	}
	return dst, nil
}

// checkScore reports a score that breaks the [Scorer] contract under c:
// no rationale, or a band that is not c's band of the score's level.
func (c *Criteria) checkScore(s Score) error {
	// Band names are unique, so comparing the level's name is the same
	// test as c.Level(s.Band) == level without a map lookup.
	if lvl := s.Level(); lvl < 1 || lvl > len(c.spec.Bands) || c.spec.Bands[lvl-1].Name != s.Band {
		return fmt.Errorf("scorer returned band %q at level %d, which is not a band of the criteria (a Score needs a Rationale with its Level)", s.Band, s.Level())
	}
	return nil
}

// indexed places err's problems under "[i]".
func indexed(i int, err error) error {
	var p aims.Problems
	p.Merge(fmt.Sprintf("[%d]", i), err)
	return p.Err()
}

// Evaluate compares a score with the criteria.
func (c *Criteria) Evaluate(s Score) Evaluation {
	lvl := s.Level()
	return Evaluation{Level: lvl, Band: s.Band, Value: s.Value,
		WithinAppetite: c.WithinAppetite(lvl), Acceptable: c.Acceptable(lvl)}
}

// RiskEvaluation is one risk of [Register.EvaluateAll].
type RiskEvaluation struct {
	ID    string `json:"id"`
	State State  `json:"state"`
	// Stage is the rating evaluated (residual when assessed).
	Stage Stage `json:"stage,omitempty"`
	// Evaluation is the current rating re-scored under today's criteria
	// and scorer; zero when the risk is not assessed.
	Evaluation Evaluation `json:"evaluation"`
	// Changed reports that the stored band differs from the re-scored one
	// (the criteria or scorer changed since the assessment).
	Changed bool `json:"changed"`
	// NeedsTreatment: above appetite with no treatment plan nor acceptance.
	NeedsTreatment bool `json:"needsTreatment"`
	// Error is why the stored assessment no longer scores, if it does not.
	Error string `json:"error,omitempty"`
}

// EvaluateAll re-scores every risk's current assessment with the
// register's scorer and criteria and compares it with the appetite,
// without writing anything: a report of where the register stands and
// which stored scores changed. Results are in natural order of id.
func (r *Register) EvaluateAll(ctx context.Context) ([]RiskEvaluation, error) {
	all, err := r.All(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	out := make([]RiskEvaluation, 0, len(all))
	for _, rk := range all {
		e := RiskEvaluation{ID: rk.ID, State: State(rk.State)}
		cur, stage := rk.Current()
		if cur != nil {
			e.Stage = stage
			sc, err := r.scorer.Score(cur.Assessment)
			if err == nil {
				err = r.crit.checkScore(sc)
			}
			if err != nil {
				e.Error = err.Error()
			} else {
				e.Evaluation = r.crit.Evaluate(sc)
				e.Changed = sc.Band != cur.Score.Band
				e.NeedsTreatment = !e.Evaluation.WithinAppetite && rk.Treatment == nil && rk.Acceptance == nil
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// errNoCriteria is why a check fails before criteria are saved.
var errNoCriteria = errors.New("no risk criteria saved in the workspace")
