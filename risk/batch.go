package risk

import (
	"context"
	"fmt"

	"github.com/aimsgo/iso42001/aims"
)

// Import is one risk of [Register.Import]: a new risk as [Register.Add]
// takes it and, optionally, its inherent assessment.
type Import struct {
	Risk *Risk
	// Inherent, when set, is scored by the register's scorer under its
	// criteria (as [Register.Assess] scores it) and stored as the risk's
	// inherent rating from its creation, with Note as the assessor's note.
	Inherent *Assessment
	Note     string
}

// systemSetThreshold is the number of distinct AI systems past which an
// import reads the inventory's ids in pages rather than asking for each
// system.
const systemSetThreshold = 1000

// AddMany adds every risk as [Register.Add] would, through one
// [aims.Bulk] of opts; see [Register.Import].
func (r *Register) AddMany(ctx context.Context, actor string, risks []*Risk, opts *aims.BulkOptions) (int, error) {
	items := make([]Import, len(risks))
	for i, rk := range risks {
		items[i].Risk = rk
	}
	return r.Import(ctx, actor, items, opts)
}

// Import adds many risks at once, for a register moved from a spreadsheet
// or another tool, or kept per model by an ML platform. Every risk is
// checked before the first write, as Add checks it (no ratings,
// treatment, acceptance, reviews or state of its own; Annex C sources and
// objectives; affected AI systems of the inventory), ids must be distinct,
// and every Inherent assessment is scored under the criteria: all the
// problems come back at once as one error matching [aims.ErrInvalid],
// each under its path ("risks[3].systems[0]"), and nothing is written.
//
// The risks are then created in the workflow's initial state through
// [aims.StartIn], committed with their journal entries (one create entry
// per risk) in chunks of opts.Chunk risks; opts nil or a zero Chunk makes
// the whole import one all-or-nothing commit. When a chunk fails (an id
// already stored, the store failing), the chunks before it stay committed;
// Import returns how many risks were, and the risks not committed are
// given back as they were passed. Risks without an id get a fresh one.
func (r *Register) Import(ctx context.Context, actor string, items []Import, opts *aims.BulkOptions) (int, error) {
	ratings, err := r.checkImport(ctx, actor, items)
	if err != nil {
		return 0, aims.E("import", Kind, "", err)
	}
	b, err := r.ws.Bulk(opts)
	if err != nil {
		return 0, err
	}
	giveBack := func() {
		for _, it := range items[b.Committed():] {
			it.Risk.Inherent = nil
		}
	}
	for i, it := range items {
		err := b.Stage(ctx, func(tx *aims.Tx) error {
			it.Risk.Inherent = ratings[i]
			if err := aims.StartIn(ctx, tx, r.risks, r.machine, actor, it.Risk); err != nil {
				it.Risk.Inherent = nil
				return err
			}
			return nil
		})
		if err != nil {
			b.Discard()
			giveBack()
			return b.Committed(), fmt.Errorf("risks[%d]: %w", i, err)
		}
	}
	if err := b.Flush(ctx); err != nil {
		giveBack()
		return b.Committed(), err
	}
	return b.Committed(), nil
}

// checkImport validates every item and returns the inherent ratings (nil
// where none was given), or a *aims.ValidationError listing the problems.
func (r *Register) checkImport(ctx context.Context, actor string, items []Import) ([]*Rating, error) {
	var p aims.Problems
	if !aims.ValidName(actor) {
		p.Add("actor", "is required")
	}
	ratings := make([]*Rating, len(items))
	ids := make(map[string]int, len(items))
	refs := map[string]bool{}
	for i, it := range items {
		path := fmt.Sprintf("risks[%d]", i)
		rk := it.Risk
		if rk == nil {
			p.Add(path, "is required")
			continue
		}
		for _, f := range []struct {
			set  bool
			name string
		}{{rk.Inherent != nil, "inherent"}, {rk.Residual != nil, "residual"}, {rk.Treatment != nil, "treatment"},
			{rk.Acceptance != nil, "acceptance"}, {len(rk.Reviews) > 0, "reviews"}, {len(rk.Reopenings) > 0, "reopenings"}} {
			if f.set {
				p.Addf(path+"."+f.name, "must be empty on a new risk: set it through the register (Import's Inherent, Assess, Treat, Accept)")
			}
		}
		if rk.State != "" {
			p.Addf(path+".state", "must be empty on a new risk, got %q", rk.State)
		}
		if rk.ID != "" {
			if j, dup := ids[rk.ID]; dup {
				p.Addf(path+".id", "%q is also the id of risks[%d]", rk.ID, j)
			}
			ids[rk.ID] = i
		}
		p.Merge(path, rk.Validate())
		for _, s := range rk.Systems {
			refs[s] = true
		}
		if it.Inherent != nil {
			rating, err := r.Rate(actor, *it.Inherent, it.Note)
			if err != nil {
				p.Merge(path+".inherent", err)
				continue
			}
			ratings[i] = rating
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	known, err := r.knownSystems(ctx, refs)
	if err != nil {
		return nil, err
	}
	for i, it := range items {
		for j, s := range it.Risk.Systems {
			if !known[s] {
				p.Addf(fmt.Sprintf("risks[%d].systems[%d]", i, j), "%q is not an AI system of the inventory", s)
			}
		}
	}
	return ratings, p.Err()
}

// knownSystems returns which of the ids in refs are AI systems of the
// inventory: by asking for each, or, past systemSetThreshold of them, by
// reading the inventory's ids in pages (no document is decoded).
func (r *Register) knownSystems(ctx context.Context, refs map[string]bool) (map[string]bool, error) {
	known := make(map[string]bool, len(refs))
	if len(refs) <= systemSetThreshold {
		systems := aims.AISystems(r.ws)
		for id := range refs {
			ok, err := systems.Exists(ctx, id)
			if err != nil {
				return nil, err
			}
			known[id] = ok
		}
		return known, nil
	}
	// Ids only: the index says which systems exist without reading a
	// document.
	for row, err := range aims.SelectAll(ctx, r.ws.Store(), r.ws.Tenant(), aims.Query{Kind: aims.KindAISystem}, nil) {
		if err != nil {
			return nil, err
		}
		if refs[row.ID] {
			known[row.ID] = true
		}
	}
	return known, nil
}
