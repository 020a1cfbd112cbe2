package impact

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// Attribute names of a stored assessment's index beyond "system" and
// "tier" ([Assessment.Attributes]; the kernel adds "state"): the
// inventory's whole-register reads ([Service.InventoryIndex],
// [Service.DueIndex]) take them instead of decoding every assessment.
const (
	// AttrApprovedAt and AttrCreated are the approval and creation times,
	// RFC 3339 in UTC with nanoseconds.
	AttrApprovedAt = "approvedAt"
	AttrCreated    = "created"
	// AttrIndex is [IndexVersion] on assessments written since the set
	// existed; one without it is decoded instead.
	AttrIndex = "ix"
)

// IndexVersion is the value of [AttrIndex] on assessments carrying the
// whole attribute set.
const IndexVersion = "2"

// indexAttrs are the attributes read per assessment, in Select order.
var indexAttrs = []string{AttrIndex, "system", "state", "tier", AttrApprovedAt, AttrCreated}

func indexTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// indexRow is what the index says of one assessment.
type indexRow struct {
	id, system          string
	state               State
	tier                Tier
	approvedAt, created time.Time
}

// readIndex returns every assessment's index row, decoding the ones
// written before the attribute set existed. Callers must not modify the
// result.
func (s *Service) readIndex(ctx context.Context) ([]indexRow, error) {
	return aims.Project(ctx, s.assessments.Workspace(), indexKey{}, aims.Projection[indexRow]{
		Kind: KindAssessment, Attrs: indexAttrs, Row: s.indexRowOf})
}

// indexRowOf reads an assessment's index row from its attributes, or
// decodes it when written before the attribute set existed; ok false when
// it was deleted since row was read.
func (s *Service) indexRowOf(ctx context.Context, row aims.Row) (indexRow, bool, error) {
	if row.Values[0] != IndexVersion {
		a, err := s.assessments.Get(ctx, row.ID)
		if isNotFound(err) {
			return indexRow{}, false, nil
		}
		if err != nil {
			return indexRow{}, false, err
		}
		r := indexRow{id: a.ID, system: a.System, state: State(a.State), approvedAt: a.ApprovedAt, created: a.CreatedAt}
		if a.Screening != nil {
			r.tier = a.Screening.Tier
		}
		return r, true, nil
	}
	r := indexRow{id: row.ID, system: row.Values[1], state: State(row.Values[2]), tier: Tier(row.Values[3])}
	for i, dst := range [...]*time.Time{&r.approvedAt, &r.created} {
		if v := row.Values[4+i]; v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return indexRow{}, false, aims.E("index", KindAssessment, row.ID, aims.Invalid(indexAttrs[4+i], fmt.Sprintf("stored attribute %q is not an RFC 3339 time", v)))
			}
			*dst = t
		}
	}
	return r, true, nil
}

// indexKey is the workspace key of the assessments' projection
// (aims.Project).
type indexKey struct{}

// readSystems returns the inventory from the kernel's projection
// (aims.SystemRows), in natural id order. Callers must not modify the
// result.
func (s *Service) readSystems(ctx context.Context) ([]aims.SystemRow, error) {
	return aims.SystemRows(ctx, s.systems.Workspace())
}

// InventoryIndex is [Service.Inventory] read from the records' indexed
// attributes alone, for checks and summaries over a large inventory:
// every AI system in natural id order with System, InScope, Current,
// Tier, ApprovedAt, Pending and PendingState as Inventory fills them;
// Name, Version, Outcome and NextReview are left empty. No document is
// decoded but assessments written before their attribute set existed
// (see [AttrIndex]).
func (s *Service) InventoryIndex(ctx context.Context) ([]InventoryItem, error) {
	out := []InventoryItem{} // an empty inventory is [], not null
	for item, err := range s.InventoryIndexAll(ctx) {
		if err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	return out, nil
}

// InventoryIndexAll yields the items of [Service.InventoryIndex] one at a
// time, so that a summary over a million systems holds none of them. It
// stops after yielding an error.
func (s *Service) InventoryIndexAll(ctx context.Context) iter.Seq2[InventoryItem, error] {
	return func(yield func(InventoryItem, error) bool) {
		systems, err := s.readSystems(ctx)
		if err != nil {
			yield(InventoryItem{}, err)
			return
		}
		rows, err := s.readIndex(ctx)
		if err != nil {
			yield(InventoryItem{}, err)
			return
		}
		type pick struct{ current, pending *indexRow }
		by := make(map[string]*pick, len(rows))
		for i := range rows {
			r := &rows[i]
			p := by[r.system]
			if p == nil {
				p = &pick{}
				by[r.system] = p
			}
			switch r.state {
			case StateApproved:
				// The most recent approval, as latestApproved picks it.
				if p.current == nil || r.approvedAt.After(p.current.approvedAt) {
					p.current = r
				}
			case StateDraft, StateInReview:
				if p.pending == nil || r.created.After(p.pending.created) ||
					(r.created.Equal(p.pending.created) && natsort.Compare(r.id, p.pending.id) > 0) {
					p.pending = r
				}
			}
		}
		for _, sys := range systems {
			item := InventoryItem{System: sys.ID, InScope: sys.InScope}
			if p := by[sys.ID]; p != nil {
				if c := p.current; c != nil {
					item.Current, item.Tier, item.ApprovedAt = c.id, c.tier, c.approvedAt
				}
				if p.pending != nil {
					item.Pending, item.PendingState = p.pending.id, p.pending.state
				}
			}
			if !yield(item, nil) {
				return
			}
		}
	}
}

// DueIndex is [Service.Due] for checks and summaries over a large
// inventory: the same items and reasons, with Name left empty. It reads
// the inventory and the assessments from their indexed attributes and
// decodes only the systems that have an approved assessment and those
// assessments (their snapshot, screening and incidents are compared as
// Due does).
func (s *Service) DueIndex(ctx context.Context, now time.Time, incidents ...Incident) ([]DueItem, error) {
	var out []DueItem
	for item, err := range s.DueIndexAll(ctx, now, incidents...) {
		if err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	return out, nil
}

// DueIndexAll yields the items of [Service.DueIndex] one at a time, in
// natural order of system id, so that a check over a million systems
// counts them without holding them. It stops after yielding an error.
func (s *Service) DueIndexAll(ctx context.Context, now time.Time, incidents ...Incident) iter.Seq2[DueItem, error] {
	return func(yield func(DueItem, error) bool) {
		systems, err := s.readSystems(ctx)
		if err != nil {
			yield(DueItem{}, err)
			return
		}
		rows, err := s.readIndex(ctx)
		if err != nil {
			yield(DueItem{}, err)
			return
		}
		// The current assessment is the latest approval, ties broken by id
		// as Current does.
		current := map[string]*indexRow{}
		for i := range rows {
			r := &rows[i]
			if r.state != StateApproved {
				continue
			}
			if c := current[r.system]; c == nil || cmp.Or(r.approvedAt.Compare(c.approvedAt), natsort.Compare(r.id, c.id)) > 0 {
				current[r.system] = r
			}
		}
		for _, sys := range systems {
			c := current[sys.ID]
			if c == nil {
				if sys.InScope && !yield(DueItem{System: sys.ID, Reasons: []DueReason{{TriggerNoAssessment, "the system is in scope and has no approved impact assessment"}}}, nil) {
					return
				}
				continue
			}
			cur, err := s.assessments.Get(ctx, c.id)
			if err != nil {
				yield(DueItem{}, err)
				return
			}
			full, err := s.systems.Get(ctx, sys.ID)
			if isNotFound(err) {
				continue // deleted since the inventory was read
			}
			if err != nil {
				yield(DueItem{}, err)
				return
			}
			item, err := s.dueOf(ctx, now, full, cur, incidents)
			if err != nil {
				yield(DueItem{}, err)
				return
			}
			if len(item.Reasons) > 0 {
				item.Name = ""
				if !yield(item, nil) {
					return
				}
			}
		}
	}
}
