package soa

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
)

// Record kinds the [Service] stores besides [KindSoA].
const (
	KindDecision       = "soa-decision"
	KindObligation     = "obligation"
	KindImplementation = "soa-implementation"
)

// DecisionRecord is a stored [Decision]; its id is the control id, so a
// control has one current decision and the journal keeps the history.
type DecisionRecord struct {
	aims.Meta
	Decision Decision `json:"decision"`
}

// Validate checks the decision and that the record id is its control.
func (r *DecisionRecord) Validate() error {
	var p aims.Problems
	r.Decision.check(&p, "decision.")
	if r.ID != r.Decision.Control {
		p.Addf("id", "must equal decision.control %q, got %q", r.Decision.Control, r.ID)
	}
	return p.Err()
}

// ObligationRecord is a stored [Obligation]; its id is the obligation id.
type ObligationRecord struct {
	aims.Meta
	Obligation Obligation `json:"obligation"`
}

// Validate checks the obligation and that the record id is its id.
func (r *ObligationRecord) Validate() error {
	var p aims.Problems
	r.Obligation.check(&p, "obligation.")
	if r.ID != r.Obligation.ID {
		p.Addf("id", "must equal obligation.id %q, got %q", r.Obligation.ID, r.ID)
	}
	return p.Err()
}

// ImplementationRecord is a stored [Implementation]; its id is the
// control id.
type ImplementationRecord struct {
	aims.Meta
	Implementation Implementation `json:"implementation"`
}

// Validate checks the implementation and that the record id is its
// control.
func (r *ImplementationRecord) Validate() error {
	var p aims.Problems
	r.Implementation.check(&p, "implementation.")
	if r.ID != r.Implementation.Control {
		p.Addf("id", "must equal implementation.control %q, got %q", r.Implementation.Control, r.ID)
	}
	return p.Err()
}

// ServiceOptions configures a [Service]; the zero value means the
// defaults.
type ServiceOptions struct {
	// Catalog holds the controls; nil means controls.ISO42001(). Use
	// controls.Merge to add the organisation's own.
	Catalog *controls.Catalog
	// Requirers supply risk treatments and impact assessments (a
	// risk.Register, impact assessments) at each generation.
	Requirers []Requirer
	// Title, Organization and Scope are written into each version.
	Title, Organization, Scope string
	// Describe, when set, is asked at each generation for the header of
	// the version, so that a renamed organisation or a changed scope shows
	// in the next draft; its non-empty fields override Title,
	// Organization and Scope.
	Describe func(ctx context.Context) (Header, error)
	// Proposals, when set, is asked at each generation for the controls
	// the organisation already operates (see [Proposal]).
	Proposals func(ctx context.Context) ([]Proposal, error)
	// Workflow moves the versions; default [NewWorkflow](nil).
	Workflow *Machine
}

// Header is the title, organisation and scope written into a version.
type Header struct {
	Title, Organization, Scope string
}

// Service keeps an organisation's Statement of Applicability in a
// workspace: the decisions, obligations and implementation records it is
// generated from, and its numbered versions, moved through [Workflow].
// It is safe for concurrent use; concurrent writers of the same record get
// aims.ErrConflict rather than a lost update.
type Service struct {
	ws        *aims.Workspace
	opts      ServiceOptions
	versions  *aims.Collection[SoA, *SoA]
	decisions *aims.Collection[DecisionRecord, *DecisionRecord]
	obligs    *aims.Collection[ObligationRecord, *ObligationRecord]
	impls     *aims.Collection[ImplementationRecord, *ImplementationRecord]
	machine   *Machine
}

// NewService returns the SoA service of ws.
func NewService(ws *aims.Workspace, opts *ServiceOptions) (*Service, error) {
	if ws == nil {
		return nil, aims.Invalid("ws", "is required")
	}
	s := &Service{ws: ws}
	if opts != nil {
		s.opts = *opts
		s.opts.Requirers = slices.Clone(opts.Requirers)
	}
	if s.opts.Catalog == nil {
		s.opts.Catalog = controls.ISO42001()
	}
	s.machine = s.opts.Workflow
	if s.machine == nil {
		s.machine = mustDefault()
	}
	s.versions = aims.NewCollection[SoA](ws, KindSoA, SoASchemaVersion).Freeze(string(StateApproved), string(StateSuperseded))
	s.decisions = aims.NewCollection[DecisionRecord](ws, KindDecision, 1)
	s.obligs = aims.NewCollection[ObligationRecord](ws, KindObligation, 1)
	s.impls = aims.NewCollection[ImplementationRecord](ws, KindImplementation, 1)
	return s, nil
}

// Workflow returns the workflow that moves the versions.
func (s *Service) Workflow() *Machine { return s.machine }

// Catalog returns the catalog the service generates from.
func (s *Service) Catalog() *controls.Catalog { return s.opts.Catalog }

func (s *Service) known(op, kind, id string) error {
	if _, err := s.opts.Catalog.Control(id); err != nil {
		return aims.E(op, kind, id, &aims.ValidationError{Problems: []aims.Problem{{Path: "control", Rule: fmt.Sprintf("%q is not a control of catalog %s", id, s.opts.Catalog.ID())}}})
	}
	return nil
}

// upsert creates v, or updates the stored record of the same id.
func upsert[T any, P aims.Doc[T]](ctx context.Context, c *aims.Collection[T, P], actor string, v P) error {
	cur, err := c.Get(ctx, v.Header().ID)
	switch {
	case errors.Is(err, aims.ErrNotFound):
		return c.Create(ctx, actor, v)
	case err != nil:
		return err
	}
	h := *cur.Header()
	*v.Header() = h
	return c.Update(ctx, actor, v)
}

// Decide records actor's decision to include or exclude a control,
// replacing any earlier one (the journal keeps it). By and At are set to
// actor and the workspace clock. The control must be in the catalog and
// the reason must not be empty.
func (s *Service) Decide(ctx context.Context, actor string, d Decision) (*DecisionRecord, error) {
	if err := s.known("decide", KindDecision, d.Control); err != nil {
		return nil, err
	}
	d.By, d.At = actor, s.ws.Now()
	rec := &DecisionRecord{Meta: aims.Meta{ID: d.Control}, Decision: d}
	if err := upsert(ctx, s.decisions, actor, rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// Revoke deletes the decision on control, so requirements alone decide.
func (s *Service) Revoke(ctx context.Context, actor, control string) error {
	cur, err := s.decisions.Get(ctx, control)
	if err != nil {
		return err
	}
	return s.decisions.Delete(ctx, actor, control, cur.Version)
}

// PutObligation creates or replaces an obligation. Every control it names
// must be in the catalog.
func (s *Service) PutObligation(ctx context.Context, actor string, o Obligation) (*ObligationRecord, error) {
	o.Controls = slices.Clone(o.Controls)
	for i, c := range o.Controls {
		if _, err := s.opts.Catalog.Control(c); err != nil {
			return nil, aims.E("put", KindObligation, o.ID, aims.Invalid(fmt.Sprintf("obligation.controls[%d]", i), fmt.Sprintf("%q is not a control of catalog %s", c, s.opts.Catalog.ID())))
		}
	}
	rec := &ObligationRecord{Meta: aims.Meta{ID: o.ID}, Obligation: o}
	if err := upsert(ctx, s.obligs, actor, rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// DeleteObligation deletes an obligation.
func (s *Service) DeleteObligation(ctx context.Context, actor, id string) error {
	cur, err := s.obligs.Get(ctx, id)
	if err != nil {
		return err
	}
	return s.obligs.Delete(ctx, actor, id, cur.Version)
}

// PutImplementation creates or replaces the implementation record of a
// control (status, owner, evidence, last review).
func (s *Service) PutImplementation(ctx context.Context, actor string, im Implementation) (*ImplementationRecord, error) {
	if err := s.known("put", KindImplementation, im.Control); err != nil {
		return nil, err
	}
	im.Evidence = slices.Clone(im.Evidence)
	rec := &ImplementationRecord{Meta: aims.Meta{ID: im.Control}, Implementation: im}
	if err := upsert(ctx, s.impls, actor, rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// Inputs gathers the stored decisions, obligations and implementation
// records, the configured requirers and the workspace clock's time into
// the [Inputs] of the next version.
func (s *Service) Inputs(ctx context.Context) (Inputs, error) {
	in := Inputs{
		Catalog:      s.opts.Catalog,
		Requirers:    slices.Clone(s.opts.Requirers),
		Title:        s.opts.Title,
		Organization: s.opts.Organization,
		Scope:        s.opts.Scope,
		GeneratedAt:  s.ws.Now(),
	}
	if s.opts.Describe != nil {
		h, err := s.opts.Describe(ctx)
		if err != nil {
			return Inputs{}, err
		}
		in.Title = cmp.Or(h.Title, in.Title)
		in.Organization = cmp.Or(h.Organization, in.Organization)
		in.Scope = cmp.Or(h.Scope, in.Scope)
	}
	if s.opts.Proposals != nil {
		props, err := s.opts.Proposals(ctx)
		if err != nil {
			return Inputs{}, err
		}
		in.Proposals = props
	}
	for r, err := range s.decisions.List(ctx, nil) {
		if err != nil {
			return Inputs{}, err
		}
		in.Decisions = append(in.Decisions, r.Decision)
	}
	for r, err := range s.obligs.List(ctx, nil) {
		if err != nil {
			return Inputs{}, err
		}
		in.Obligations = append(in.Obligations, r.Obligation)
	}
	for r, err := range s.impls.List(ctx, nil) {
		if err != nil {
			return Inputs{}, err
		}
		in.Implementations = append(in.Implementations, r.Implementation)
	}
	return in, nil
}

// Preview generates the SoA the next version would hold, without storing
// it.
func (s *Service) Preview(ctx context.Context) (*SoA, error) {
	in, err := s.Inputs(ctx)
	if err != nil {
		return nil, err
	}
	latest, err := s.Latest(ctx)
	switch {
	case errors.Is(err, aims.ErrNotFound):
		in.Number = 1
	case err != nil:
		return nil, err
	case latest.State == string(StateDraft):
		in.Number = latest.Number
	default:
		in.Number = latest.Number + 1
	}
	return Generate(ctx, in)
}

// Draft generates the SoA from the stored inputs and saves it as a draft
// authored by actor: it regenerates the open draft if the latest version
// is one, or starts the next version (1, 2, 3...). A version in review
// must be approved or rejected first (aims.ErrConflict). Only drafts are
// ever rewritten; approved versions stay as they were approved.
func (s *Service) Draft(ctx context.Context, actor string) (*SoA, error) {
	in, err := s.Inputs(ctx)
	if err != nil {
		return nil, err
	}
	latest, err := s.Latest(ctx)
	if err != nil && !errors.Is(err, aims.ErrNotFound) {
		return nil, err
	}
	in.Number = 1
	if latest != nil {
		in.Number = latest.Number + 1
		switch State(latest.State) {
		case StateDraft:
			in.Number = latest.Number
		case StateInReview:
			return nil, aims.E("draft", KindSoA, latest.ID, fmt.Errorf("%w: version %d is in review; approve or reject it first", aims.ErrConflict, latest.Number))
		}
	}
	doc, err := Generate(ctx, in)
	if err != nil {
		return nil, err
	}
	doc.Author = actor
	doc.ID = versionID(doc.Number)
	if latest != nil && latest.Number == doc.Number {
		doc.Meta = latest.Meta
		if err := s.versions.Update(ctx, actor, doc); err != nil {
			return nil, err
		}
		return doc, nil
	}
	if err := aims.Start(ctx, s.versions, s.machine, actor, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

func versionID(n int) string { return "soa-" + strconv.Itoa(n) }

// Version returns version n, or an error matching aims.ErrNotFound.
func (s *Service) Version(ctx context.Context, n int) (*SoA, error) {
	return s.versions.Get(ctx, versionID(n))
}

// Versions returns every version, oldest first.
func (s *Service) Versions(ctx context.Context) ([]*SoA, error) {
	return s.collect(ctx, nil)
}

func (s *Service) collect(ctx context.Context, where map[string]string) ([]*SoA, error) {
	var out []*SoA
	for v, err := range s.versions.List(ctx, where) {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b *SoA) int { return a.Number - b.Number })
	return out, nil
}

// Latest returns the highest-numbered version, whatever its state, or an
// error matching aims.ErrNotFound when there is none.
func (s *Service) Latest(ctx context.Context) (*SoA, error) {
	all, err := s.Versions(ctx)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, aims.E("latest", KindSoA, "", fmt.Errorf("no SoA version: %w", aims.ErrNotFound))
	}
	return all[len(all)-1], nil
}

// Approved returns the current approved version (the highest-numbered one
// in state approved), or an error matching aims.ErrNotFound.
func (s *Service) Approved(ctx context.Context) (*SoA, error) {
	all, err := s.collect(ctx, map[string]string{"state": string(StateApproved)})
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, aims.E("approved", KindSoA, "", fmt.Errorf("no approved SoA version: %w", aims.ErrNotFound))
	}
	return all[len(all)-1], nil
}

// Submit sends draft version n for review. [Validate] must find no error.
func (s *Service) Submit(ctx context.Context, actor string, n int) (*SoA, error) {
	return aims.Fire(ctx, s.versions, s.machine, aims.Firing[SoA, Event]{ID: versionID(n), Actor: actor, Event: EventSubmit,
		Change: func(v *SoA) error { v.ReviewComment = ""; return nil }})
}

// Reject sends version n back to draft with the reviewer's comment.
func (s *Service) Reject(ctx context.Context, actor string, n int, comment string) (*SoA, error) {
	return aims.Fire(ctx, s.versions, s.machine, aims.Firing[SoA, Event]{ID: versionID(n), Actor: actor, Event: EventReject,
		Change: func(v *SoA) error { v.ReviewComment = comment; return nil }})
}

// Approve approves version n and supersedes the previously approved
// version, as one step (aims.Tx): all or nothing on a Transactor, and
// every transition checked before the first write elsewhere. actor needs
// the role approver or top-management and must not be the author.
func (s *Service) Approve(ctx context.Context, actor string, n int) (*SoA, error) {
	older, err := s.collect(ctx, map[string]string{"state": string(StateApproved)})
	if err != nil {
		return nil, err
	}
	tx := s.ws.Begin()
	doc, err := aims.FireIn(ctx, tx, s.versions, s.machine, aims.Firing[SoA, Event]{ID: versionID(n), Actor: actor, Event: EventApprove,
		Change: func(v *SoA) error { v.ApprovedBy, v.ApprovedAt = actor, s.ws.Now(); return nil }})
	if err != nil {
		return nil, err
	}
	for _, o := range older {
		if o.Number >= n {
			continue
		}
		if _, err := aims.FireIn(ctx, tx, s.versions, s.machine, aims.Firing[SoA, Event]{ID: o.ID, Version: o.Version, Actor: actor, Event: EventSupersede,
			Change: func(v *SoA) error { v.SupersededBy = n; return nil }}); err != nil {
			return nil, fmt.Errorf("soa: approving version %d would supersede version %d, which is refused: %w", n, o.Number, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	return doc, nil
}

// Actions returns the events actor may fire now on version n, for a UI's
// buttons.
func (s *Service) Actions(ctx context.Context, actor string, n int) ([]Event, error) {
	return aims.Actions(ctx, s.versions, s.machine, actor, versionID(n))
}

// Diff compares version a with version b.
func (s *Service) Diff(ctx context.Context, a, b int) (Delta, error) {
	va, err := s.Version(ctx, a)
	if err != nil {
		return Delta{}, err
	}
	vb, err := s.Version(ctx, b)
	if err != nil {
		return Delta{}, err
	}
	return Diff(va, vb), nil
}

// Decisions yields the stored decisions in byte order of control id.
func (s *Service) Decisions(ctx context.Context) iter.Seq2[*DecisionRecord, error] {
	return s.decisions.List(ctx, nil)
}

// Obligations yields the stored obligations in byte order of id.
func (s *Service) Obligations(ctx context.Context) iter.Seq2[*ObligationRecord, error] {
	return s.obligs.List(ctx, nil)
}

// Implementations yields the stored implementation records in byte order
// of control id.
func (s *Service) Implementations(ctx context.Context) iter.Seq2[*ImplementationRecord, error] {
	return s.impls.List(ctx, nil)
}
