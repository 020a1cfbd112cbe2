package impact

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/natsort"
	"github.com/aimsgo/iso42001/risk"
)

// DefaultReviewDays is the default review period of an approved
// assessment.
const DefaultReviewDays = 365

// Options configures a [Service]. The zero value means the defaults.
type Options struct {
	// Register is the risk register that above-threshold harms feed
	// (6.1.4) and whose risk ids mitigations cite. Without it, Link is
	// refused and risk ids are checked for form only.
	Register *risk.Register
	// Criteria are the organisation's risk criteria; default the
	// Register's, else the workspace's stored criteria, else
	// [risk.DefaultCriteria].
	Criteria *risk.Criteria
	// Scorer scores impacts; default a [risk.Weighted] scorer over
	// [ImpactFactors] under Criteria. Impacts are scored only by the risk
	// package's scorers.
	Scorer risk.Scorer
	// Threshold is the band level (1-based) from which a harm must reach
	// the risk register; default the first band above the criteria's
	// appetite.
	Threshold int
	// Catalog checks mitigation controls; default [controls.ISO42001].
	Catalog *controls.Catalog
	// Questionnaire is the questionnaire new assessments answer; default
	// the built-in [BaselineID].
	Questionnaire *Form
	// Screening is the EU AI Act screening questionnaire; default the
	// built-in [EUAIActID].
	Screening *Form
	// ReviewerRoles may approve and reject; default [aims.RoleApprover] and
	// [aims.RoleImpactReviewer].
	ReviewerRoles []aims.Role
	// ReviewDays is the review period of new assessments; default
	// [DefaultReviewDays].
	ReviewDays int
	// RiskInput maps a harm that [Service.Link] sends to the register to
	// the assessment the register's scorer rates the new risk with;
	// default [Levels.Assessment] of the harm's levels (likelihood,
	// severity as consequence, and the levels as factors), which the
	// built-in scorers read. Set it when the register scores with a
	// caller's own scorer that reads other inputs, such as a FAIR-like
	// scorer's frequency, vulnerability and loss. It must be a pure
	// function of the impact.
	RiskInput func(im *Impact) risk.Assessment
	// Workflow moves the assessments; default [NewWorkflow] with
	// ReviewerRoles and the guard that keeps unlinked harms out of an
	// approval. A replacement built with NewWorkflow should keep that
	// guard (WorkflowOptions.Unlinked).
	Workflow *Machine
}

// ImpactFactors are the factors of the default impact scorer: severity
// (weight 3, on the criteria's consequence scale), scale and
// reversibility (weight 2 each, 1-5), likelihood (weight 2, on the
// criteria's likelihood scale).
func ImpactFactors(c *risk.Criteria) []risk.Factor {
	return []risk.Factor{
		{Name: "severity", Weight: 3, Levels: c.ConsequenceLevels()},
		{Name: "scale", Weight: 2, Levels: 5},
		{Name: "reversibility", Weight: 2, Levels: 5},
		{Name: "likelihood", Weight: 2, Levels: c.LikelihoodLevels()},
	}
}

// Service is the impact assessment service of one workspace: it starts
// assessments from the AI system inventory, records answers and
// screenings, scores impacts with the risk package, moves assessments
// through their workflow, links above-threshold harms to the risk
// register, finds assessments due again and renders reports. It is safe
// for concurrent use.
type Service struct {
	ws          *aims.Workspace
	crit        *risk.Criteria
	scorer      risk.Scorer
	threshold   int
	reg         *risk.Register
	cat         *controls.Catalog
	form        *Form
	screen      *Form
	reviewDays  int
	riskInput   func(*Impact) risk.Assessment
	machine     *Machine
	assessments *aims.Collection[Assessment, *Assessment]
	incidents   *aims.Collection[Incident, *Incident]
	systems     *aims.Collection[aims.AISystem, *aims.AISystem]
}

// NewService returns the impact assessment service of ws. It reads the
// workspace's risk criteria when none are given.
func NewService(ctx context.Context, ws *aims.Workspace, opts *Options) (*Service, error) {
	if ws == nil {
		return nil, aims.Invalid("workspace", "is required")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	s := &Service{ws: ws, reg: o.Register, cat: o.Catalog, form: o.Questionnaire, screen: o.Screening,
		reviewDays: o.ReviewDays, scorer: o.Scorer, threshold: o.Threshold, riskInput: o.RiskInput,
		assessments: Assessments(ws), incidents: Incidents(ws), systems: aims.AISystems(ws)}
	switch {
	case o.Criteria != nil:
		s.crit = o.Criteria
	case o.Register != nil:
		s.crit = o.Register.Criteria()
	default:
		c, err := risk.LoadCriteria(ctx, ws)
		switch {
		case errors.Is(err, aims.ErrNotFound):
			c = risk.DefaultCriteria()
		case err != nil:
			return nil, err
		}
		s.crit = c
	}
	if s.scorer == nil {
		w, err := risk.NewWeighted(s.crit, ImpactFactors(s.crit))
		if err != nil {
			return nil, err
		}
		s.scorer = w
	}
	if s.riskInput == nil {
		s.riskInput = func(im *Impact) risk.Assessment { return im.Levels.Assessment() }
	}
	if s.threshold == 0 {
		s.threshold = min(s.crit.Appetite()+1, s.crit.Bands())
	}
	if s.threshold < 1 || s.threshold > s.crit.Bands() {
		return nil, aims.Invalid("threshold", fmt.Sprintf("must be a band level between 1 and %d, got %d", s.crit.Bands(), s.threshold))
	}
	if s.cat == nil {
		s.cat = controls.ISO42001()
	}
	var err error
	if s.form == nil {
		if s.form, err = Builtin(BaselineID); err != nil {
			return nil, err
		}
	}
	if s.screen == nil {
		if s.screen, err = Builtin(EUAIActID); err != nil {
			return nil, err
		}
	}
	if s.reviewDays == 0 {
		s.reviewDays = DefaultReviewDays
	}
	if o.Workflow != nil {
		s.machine = o.Workflow
	} else {
		s.machine, err = NewWorkflow(&WorkflowOptions{ReviewerRoles: o.ReviewerRoles, Unlinked: s.Unlinked})
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Workflow returns the assessment workflow (for its Mermaid diagram).
func (s *Service) Workflow() *Machine { return s.machine }

// Criteria returns the risk criteria impacts are scored under.
func (s *Service) Criteria() *risk.Criteria { return s.crit }

// Threshold returns the band level from which a harm must reach the risk
// register.
func (s *Service) Threshold() int { return s.threshold }

// Questionnaire returns the questionnaire new assessments answer.
func (s *Service) Questionnaire() *Form { return s.form }

// Collection returns the typed collection of assessments.
func (s *Service) Collection() *aims.Collection[Assessment, *Assessment] { return s.assessments }

// New starts a draft assessment of the AI system systemID at its current
// version, with a snapshot of its inventory record (the baseline that
// reassessment compares with). The system must exist.
func (s *Service) New(ctx context.Context, actor, systemID string) (*Assessment, error) {
	sys, err := s.systems.Get(ctx, systemID)
	if err != nil {
		return nil, err
	}
	a := &Assessment{
		System: sys.ID, SystemVersion: sys.ModelVersion, Snapshot: SnapshotOf(sys),
		Title:             "Impact assessment of " + sys.Name,
		DeploymentContext: sys.DeploymentContext,
		Questionnaire:     s.form.Ref(),
		ReviewDays:        s.reviewDays,
	}
	if sys.ModelVersion != "" {
		a.Title += " " + sys.ModelVersion
	}
	if sys.Purpose != "" {
		a.IntendedUses = []string{sys.Purpose}
	}
	if err := aims.Start(ctx, s.assessments, s.machine, actor, a); err != nil {
		return nil, err
	}
	return a, nil
}

// Get returns the assessment with id.
func (s *Service) Get(ctx context.Context, id string) (*Assessment, error) {
	return s.assessments.Get(ctx, id)
}

// List yields the assessments of system (every system when empty) in id
// order; it stops after yielding an error.
func (s *Service) List(ctx context.Context, system string) iter.Seq2[*Assessment, error] {
	var where map[string]string
	if system != "" {
		where = map[string]string{"system": system}
	}
	return s.assessments.List(ctx, where)
}

// errImmutable refuses a change to an assessment that left the draft.
func errImmutable(op, id string, st string) error {
	return aims.E(op, KindAssessment, id, fmt.Errorf("%w: the assessment is %s; only a draft may change (an approved assessment is immutable: start a new one)", aims.ErrTransitionDenied, st))
}

// Update stores the caller's changes to a draft: uses, misuse, context,
// stakeholders, impacts, consultation, decision. It checks mitigation
// controls against the catalog and risk ids against the register, scores
// every judged impact with the risk scorer, and re-evaluates the answers.
// What the workflow and the service own (state, author, approval,
// screening, succession, comments) is kept as stored. a's version must be
// the stored one ([aims.ErrConflict] otherwise).
func (s *Service) Update(ctx context.Context, actor string, a *Assessment) (*Assessment, error) {
	stored, err := s.assessments.Get(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	if State(stored.State) != StateDraft {
		return nil, errImmutable("update", a.ID, stored.State)
	}
	next := *a
	version := a.Version
	next.Meta = stored.Meta
	next.Version = version
	next.Questionnaire, next.Screening = stored.Questionnaire, stored.Screening
	next.ApprovedBy, next.ApprovedAt, next.NextReview = stored.ApprovedBy, stored.ApprovedAt, stored.NextReview
	next.Supersedes, next.SupersededBy, next.Comments = stored.Supersedes, stored.SupersededBy, stored.Comments
	next.Snapshot, next.System = stored.Snapshot, stored.System
	if err := s.prepare(ctx, &next); err != nil {
		return nil, aims.E("update", KindAssessment, a.ID, err)
	}
	if err := s.assessments.Update(ctx, actor, &next); err != nil {
		return nil, err
	}
	return &next, nil
}

// prepare checks references, scores impacts and evaluates answers.
func (s *Service) prepare(ctx context.Context, a *Assessment) error {
	var p aims.Problems
	p.Merge("", a.Validate())
	if p.Len() > 0 {
		return p.Err()
	}
	for i := range a.Impacts {
		im := &a.Impacts[i]
		path := fmt.Sprintf("impacts[%d]", i)
		im.Score, im.ResidualScore = nil, nil
		if !im.Levels.IsZero() {
			sc, err := s.scorer.Score(im.Levels.Assessment())
			if err != nil {
				p.Merge(path+".levels", levelPaths(err))
			} else {
				im.Score = &sc
			}
		}
		if !im.Residual.IsZero() {
			sc, err := s.scorer.Score(im.Residual.Assessment())
			if err != nil {
				p.Merge(path+".residual", levelPaths(err))
			} else {
				im.ResidualScore = &sc
			}
		}
		for j, m := range im.Mitigations {
			mpath := fmt.Sprintf("%s.mitigations[%d]", path, j)
			for k, c := range m.Controls {
				if _, err := s.cat.Control(c); err != nil {
					p.Addf(fmt.Sprintf("%s.controls[%d]", mpath, k), "unknown control %q: not in catalog %s", c, s.cat.ID())
				}
			}
			for k, r := range m.Risks {
				if err := s.riskExists(ctx, r); err != nil {
					p.Merge(fmt.Sprintf("%s.risks[%d]", mpath, k), err)
				}
			}
		}
		if im.Risk != "" {
			if err := s.riskExists(ctx, im.Risk); err != nil {
				p.Merge(path+".risk", err)
			}
		}
	}
	if a.Answers != nil {
		f, err := s.formFor(a.Questionnaire)
		if err != nil {
			p.Merge("questionnaire", err)
		} else if res, err := f.EvaluatePartial(a.Answers); err != nil {
			p.Merge("", err)
		} else {
			a.Result = res
		}
	} else {
		a.Result = nil
	}
	return p.Err()
}

// levelPaths renames the paths of a scorer's validation error to the
// fields of [Levels]: the scorer's "consequence" is the impact's
// severity, and factors Levels holds as fields lose their "factors."
// prefix.
func levelPaths(err error) error {
	var ve *aims.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	out := &aims.ValidationError{Problems: slices.Clone(ve.Problems)}
	for i, p := range out.Problems {
		switch p.Path {
		case "consequence":
			out.Problems[i].Path = "severity"
		case "factors.severity", "factors.scale", "factors.reversibility", "factors.likelihood":
			out.Problems[i].Path = strings.TrimPrefix(p.Path, "factors.")
		}
	}
	return out
}

func (s *Service) riskExists(ctx context.Context, id string) error {
	if s.reg == nil {
		return nil
	}
	ok, err := s.reg.Collection().Exists(ctx, id)
	switch {
	case err != nil:
		return err
	case !ok:
		return aims.Invalid("", fmt.Sprintf("no risk %q in the register", id))
	}
	return nil
}

func (s *Service) formFor(ref string) (*Form, error) {
	if ref == "" || ref == s.form.Ref() {
		return s.form, nil
	}
	return nil, aims.Invalid("", fmt.Sprintf("the assessment was started with questionnaire %s; this service has %s", ref, s.form.Ref()))
}

// Answer records the questionnaire answers of a draft, replacing earlier
// ones. Answers may be incomplete while the draft is written (the missing
// required questions are listed in Result.Missing and block submission),
// but an unknown question, a wrong type or an answer to a hidden question
// is an error naming the question.
func (s *Service) Answer(ctx context.Context, actor, id string, answers Answers) (*Assessment, error) {
	a, err := s.assessments.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	a.Answers = answers
	return s.Update(ctx, actor, a)
}

// Screen screens answers with the EU AI Act questionnaire for the AI
// system systemID. When the system has a draft assessment, the screening
// is recorded on the newest one. Invalid answers are an error naming each
// question.
func (s *Service) Screen(ctx context.Context, actor, systemID string, answers Answers) (*Screening, error) {
	if _, err := s.systems.Get(ctx, systemID); err != nil {
		return nil, err
	}
	sc, err := ScreenWith(s.screen, answers)
	if err != nil {
		return nil, err
	}
	var draft *Assessment
	for a, err := range s.List(ctx, systemID) {
		if err != nil {
			return nil, err
		}
		if State(a.State) == StateDraft && (draft == nil || a.CreatedAt.After(draft.CreatedAt)) {
			draft = a
		}
	}
	if draft != nil {
		draft.Screening = sc
		if err := s.assessments.Update(ctx, actor, draft); err != nil {
			return nil, err
		}
	}
	return sc, nil
}

// ScreenAssessment screens answers and records the screening on the draft
// assessment id.
func (s *Service) ScreenAssessment(ctx context.Context, actor, id string, answers Answers) (*Assessment, error) {
	a, err := s.assessments.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if State(a.State) != StateDraft {
		return nil, errImmutable("screen", id, a.State)
	}
	sc, err := ScreenWith(s.screen, answers)
	if err != nil {
		return nil, aims.E("screen", KindAssessment, id, err)
	}
	a.Screening = sc
	if err := s.assessments.Update(ctx, actor, a); err != nil {
		return nil, err
	}
	return a, nil
}

// Submit sends a draft for review.
func (s *Service) Submit(ctx context.Context, actor, id string) (*Assessment, error) {
	return aims.Fire(ctx, s.assessments, s.machine, aims.Firing[Assessment, Event]{ID: id, Actor: actor, Event: EventSubmit})
}

// Reject sends an assessment in review back to its author with the
// reviewer's reason.
func (s *Service) Reject(ctx context.Context, actor, id, reason string) (*Assessment, error) {
	if reason == "" {
		return nil, aims.E("reject", KindAssessment, id, aims.Invalid("reason", "is required"))
	}
	return aims.Fire(ctx, s.assessments, s.machine, aims.Firing[Assessment, Event]{ID: id, Actor: actor, Event: EventReject,
		Change: func(a *Assessment) error {
			a.Comments = append(a.Comments, Comment{By: actor, At: s.ws.Now(), Text: reason})
			return nil
		}})
}

// Approve approves an assessment in review: the reviewer holds a reviewer
// role and is not its author. It sets the next review date and moves the
// system's previously approved assessments to superseded, as one step
// (aims.Tx): on a Transactor all or nothing, elsewhere every transition is
// checked before the first write.
func (s *Service) Approve(ctx context.Context, actor, id string) (*Assessment, error) {
	cur, err := s.assessments.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	older, err := s.approvedOf(ctx, cur.System)
	if err != nil {
		return nil, err
	}
	now := s.ws.Now()
	// The approval and the superseding of the system's older assessments
	// are one step: one transaction on a Transactor, every transition
	// checked before the first write.
	tx := s.ws.Begin()
	a, err := aims.FireIn(ctx, tx, s.assessments, s.machine, aims.Firing[Assessment, Event]{ID: id, Version: cur.Version, Actor: actor, Event: EventApprove,
		Change: func(a *Assessment) error {
			a.ApprovedBy, a.ApprovedAt = actor, now
			days := a.ReviewDays
			if days == 0 {
				days = s.reviewDays
			}
			a.NextReview = now.AddDate(0, 0, days)
			if len(older) > 0 {
				a.Supersedes = older[len(older)-1].ID
			}
			return nil
		}})
	if err != nil {
		return nil, err
	}
	for _, o := range older {
		if _, err := aims.FireIn(ctx, tx, s.assessments, s.machine, aims.Firing[Assessment, Event]{ID: o.ID, Version: o.Version, Actor: actor, Event: EventSupersede,
			Change: func(x *Assessment) error { x.SupersededBy = id; return nil }}); err != nil {
			return nil, fmt.Errorf("approving %s would supersede %s, which is refused: %w", id, o.ID, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// Supersede moves the approved assessment id to superseded, naming its
// successor. [Service.Approve] calls it.
func (s *Service) Supersede(ctx context.Context, actor, id, successor string) error {
	_, err := aims.Fire(ctx, s.assessments, s.machine, aims.Firing[Assessment, Event]{ID: id, Actor: actor, Event: EventSupersede,
		Change: func(a *Assessment) error {
			a.SupersededBy = successor
			return nil
		}})
	return err
}

// approvedOf returns system's approved assessments, oldest approval first.
func (s *Service) approvedOf(ctx context.Context, system string) ([]*Assessment, error) {
	var out []*Assessment
	for a, err := range s.assessments.List(ctx, map[string]string{"system": system, "state": string(StateApproved)}) {
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *Assessment) int {
		return cmp.Or(a.ApprovedAt.Compare(b.ApprovedAt), natsort.Compare(a.ID, b.ID))
	})
	return out, nil
}

// Current returns the system's current assessment: the most recently
// approved one. [aims.ErrNotFound] when none is approved.
func (s *Service) Current(ctx context.Context, system string) (*Assessment, error) {
	all, err := s.approvedOf(ctx, system)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, aims.E("current", KindAssessment, "", fmt.Errorf("%w: no approved impact assessment of system %q", aims.ErrNotFound, system))
	}
	return all[len(all)-1], nil
}

// Actions lists the events actor may fire on the assessment now.
func (s *Service) Actions(ctx context.Context, actor, id string) ([]Event, error) {
	return aims.Actions(ctx, s.assessments, s.machine, actor, id)
}

// AboveThreshold reports whether a scored harm is at or above the band
// level from which it must reach the risk register.
func (s *Service) AboveThreshold(im *Impact) bool {
	return im.Effect == Harm && im.Score != nil && im.Score.Level() >= s.threshold
}

// Unlinked lists the ids of a's harms that are above the threshold and
// link to no risk.
func (s *Service) Unlinked(a *Assessment) []string {
	var out []string
	for _, h := range a.Harms() {
		if s.AboveThreshold(h) && h.Risk == "" {
			out = append(out, h.ID)
		}
	}
	return out
}

// RiskLink is what [Service.Link] did for one harm.
type RiskLink struct {
	// Impact is the harm's id.
	Impact string `json:"impact"`
	// Risk is the risk's id.
	Risk string `json:"risk"`
	// Created is set when the risk was opened by this call.
	Created bool `json:"created"`
	// Band is the harm's band.
	Band string `json:"band"`
}

// Link feeds the assessment's results into the risk assessment (6.1.4):
// every harm at or above the threshold that links to no risk opens one in
// the register, with the assessment's system, the harm's Annex C sources,
// the objectives its dimension threatens and an inherent rating scored by
// the register's scorer from [Options.RiskInput] of the harm; an already
// linked harm keeps its risk. The assessment records the links. Allowed
// while the assessment is a draft or in review; running it again is
// harmless.
//
// Link builds, validates and rates every new risk before it writes
// anything: an input the register's scorer refuses is an error matching
// [aims.ErrInvalid] under "impacts[i].risk" (such as
// "impacts[0].risk.likelihood: must be between 1 and 5, got 0"), and
// nothing is written. Each new risk is stored already rated, in the
// register's initial state, journaled as created and assessed. On a store
// that applies batches atomically ([aims.Transactor] or
// [aims.ChainApplier]) the new risks and the assessment's update are one
// commit: all or nothing. On another store they are written one by one,
// risks first; a store failure part way leaves only complete, rated,
// journaled risks, and running Link again links them.
func (s *Service) Link(ctx context.Context, actor, id string) ([]RiskLink, error) {
	if s.reg == nil {
		return nil, aims.E("link", KindAssessment, id, aims.Invalid("register", "no risk register is configured (Options.Register)"))
	}
	a, err := s.assessments.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if st := State(a.State); st != StateDraft && st != StateInReview {
		return nil, errImmutable("link", id, a.State)
	}
	owner := actor
	if sys, err := s.systems.Get(ctx, a.System); err == nil && sys.Owner != "" {
		owner = sys.Owner
	}
	var (
		links []RiskLink
		news  []*risk.Risk
		p     aims.Problems
	)
	changed := false
	for i := range a.Impacts {
		im := &a.Impacts[i]
		if !s.AboveThreshold(im) {
			continue
		}
		if im.Risk != "" {
			links = append(links, RiskLink{Impact: im.ID, Risk: im.Risk, Band: im.Score.Band})
			continue
		}
		rid := a.ID + "-" + im.ID
		// A risk of that id exists when an earlier Link on a store
		// without batches stopped before updating the assessment.
		exists, err := s.reg.Collection().Exists(ctx, rid)
		if err != nil {
			return nil, aims.E("link", KindAssessment, id, fmt.Errorf("impacts[%d]: %w", i, err))
		}
		if !exists {
			rk, err := s.newRisk(actor, owner, rid, a, im)
			if err != nil {
				p.Merge(fmt.Sprintf("impacts[%d].risk", i), err)
				continue
			}
			news = append(news, rk)
		}
		im.Risk, changed = rid, true
		links = append(links, RiskLink{Impact: im.ID, Risk: rid, Created: !exists, Band: im.Score.Band})
	}
	if err := p.Err(); err != nil {
		return nil, aims.E("link", KindAssessment, id, err)
	}
	if !changed {
		return links, nil
	}
	if err := s.commitLinks(ctx, actor, a, news); err != nil {
		return nil, aims.E("link", KindAssessment, id, err)
	}
	return links, nil
}

// newRisk builds the risk for harm im, rated by the register and valid,
// without writing it.
func (s *Service) newRisk(actor, owner, rid string, a *Assessment, im *Impact) (*risk.Risk, error) {
	desc := im.Description
	if desc == "" {
		desc = im.Title
	}
	rk := &risk.Risk{
		Meta:         aims.Meta{ID: rid},
		Title:        "Impact: " + im.Title,
		Description:  fmt.Sprintf("Harm %s (%s) found by impact assessment %s of system %s.", im.ID, im.Dimension, a.ID, a.System),
		Systems:      []string{a.System},
		Sources:      slices.Clone(im.Sources),
		Objectives:   im.Dimension.Objectives(),
		Owner:        owner,
		Consequences: []string{desc},
	}
	rating, err := s.reg.Rate(actor, s.riskInput(im), "rated from impact "+im.ID+" of impact assessment "+a.ID)
	if err != nil {
		return nil, err
	}
	rk.Inherent = rating
	now := s.ws.Now()
	rk.Meta = aims.Meta{Kind: risk.Kind, SchemaVersion: risk.SchemaVersion, ID: rid, Version: 1,
		State: string(s.reg.Workflow().Initial()), Workflow: s.reg.Workflow().ID(),
		CreatedAt: now, CreatedBy: actor, UpdatedAt: now, UpdatedBy: actor}
	if err := rk.Validate(); err != nil {
		return nil, err
	}
	return rk, nil
}

// commitLinks stores the new risks, each with a "create" and an
// "assess-inherent" journal entry, and the assessment's update: in one
// commit on a store that applies batches atomically, else risk by risk
// and the assessment last.
func (s *Service) commitLinks(ctx context.Context, actor string, a *Assessment, news []*risk.Risk) error {
	var writes []aims.Write
	var entries []aims.Entry
	for _, rk := range news {
		rec, err := record(rk)
		if err != nil {
			return fmt.Errorf("risk %s: %w", rk.ID, err)
		}
		writes = append(writes, aims.Write{Record: rec})
		h := rk.Meta
		entries = append(entries,
			aims.Entry{Time: h.CreatedAt, Actor: actor, Kind: risk.Kind, ID: h.ID, Event: aims.EventCreate, To: h.State, Version: 1},
			aims.Entry{Time: h.CreatedAt, Actor: actor, Kind: risk.Kind, ID: h.ID, Event: risk.JournalAssessInherent, From: h.State, To: h.State, Version: 1})
	}
	next := *a
	expected := a.Version
	next.Kind, next.Version, next.UpdatedAt, next.UpdatedBy = KindAssessment, expected+1, s.ws.Now(), actor
	rec, err := record(&next)
	if err != nil {
		return err
	}
	writes = append(writes, aims.Write{Record: rec, Expected: expected})
	entries = append(entries, aims.Entry{Time: next.UpdatedAt, Actor: actor, Kind: KindAssessment, ID: a.ID,
		Event: aims.EventUpdate, From: a.State, To: a.State, Version: expected + 1})

	same := s.reg.Collection().Workspace() == s.ws
	switch s.ws.Store().(type) {
	case aims.ChainApplier, aims.Transactor:
		if same {
			_, err := s.ws.Commit(ctx, writes, entries)
			return err
		}
	}
	for i, rk := range news {
		if _, err := s.reg.Collection().Workspace().Commit(ctx, writes[i:i+1], entries[2*i:2*i+2]); err != nil {
			return fmt.Errorf("risk %s: %w", rk.ID, err)
		}
	}
	_, err = s.ws.Commit(ctx, writes[len(news):], entries[2*len(news):])
	return err
}

// record encodes a document as the kernel's collections do: validated,
// its JSON, and its index attributes with its workflow state.
func record(v aims.Document) (aims.Record, error) {
	if err := v.Validate(); err != nil {
		return aims.Record{}, err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return aims.Record{}, err
	}
	h := v.Header()
	attrs := map[string]string{}
	if ix, ok := v.(aims.Indexed); ok {
		maps.Copy(attrs, ix.Attributes())
	}
	if h.State != "" {
		attrs["state"] = h.State
	}
	return aims.Record{Kind: h.Kind, ID: h.ID, Attrs: attrs, Data: data}, nil
}

// NoteIncident records an incident note on an AI system; it makes the
// system's current assessment due again.
func (s *Service) NoteIncident(ctx context.Context, actor string, n *Incident) error {
	if _, err := s.systems.Get(ctx, n.System); err != nil {
		return err
	}
	return s.incidents.Create(ctx, actor, n)
}

// latest returns the newest record of a list by creation time.
func latest(list []*Assessment) *Assessment {
	var out *Assessment
	for _, a := range list {
		if out == nil || a.CreatedAt.After(out.CreatedAt) || (a.CreatedAt.Equal(out.CreatedAt) && natsort.Compare(a.ID, out.ID) > 0) {
			out = a
		}
	}
	return out
}

// systemsSorted returns the inventory in natural id order.
func (s *Service) systemsSorted(ctx context.Context) ([]*aims.AISystem, error) {
	all, err := s.systems.All(ctx, nil)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b *aims.AISystem) int { return natsort.Compare(a.ID, b.ID) })
	return all, nil
}

// day formats t as a UTC date for reports and reasons; empty for zero.
func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}
