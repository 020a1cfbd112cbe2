package aims

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
)

// Projection defines a read model over one kind: a row of type T per
// record, derived from the record's indexed attributes. [Project] keeps
// it in the [Workspace] and brings it up to date from the journal, so that
// whole-kind reads (the risk checks, the SoA from the register, the life
// cycle checks over the inventory) cost what the writes since the last
// read cost, not a pass over every record.
type Projection[T any] struct {
	// Kind is the kind projected.
	Kind string
	// Attrs are the attributes Row receives in Row.Values, in this order
	// ("" for an attribute a record lacks).
	Attrs []string
	// Row returns the row of one record; ok false leaves the record out
	// of the projection. r.Values is only valid during the call (the
	// strings in it may be kept). It may read the store, to decode a record that
	// lacks the attributes it needs, say. A record deleted since it was
	// listed reads as [ErrNotFound]: Row returns ok false for it.
	Row func(ctx context.Context, r Row) (row T, ok bool, err error)
	// Compare orders the rows by id; nil means ascending byte order. It
	// must be a total order (natsort.Compare, say, for natural order).
	Compare func(a, b string) int
}

// projectionSet holds a workspace's projections, by key, and the records
// their updates re-read as of one journal head, so that the projections
// of one kind (three over the risks, say) read each changed record once.
type projectionSet struct {
	mu sync.Mutex
	m  map[any]any // key -> *projected[T]

	fetchedAt string              // the head hash the fetched records are as of
	fetched   map[fetchKey]Record // without Data; a missing record has Kind ""
}

// fetchKey names a record among the fetched ones.
type fetchKey struct{ kind, id string }

// maxFetched bounds the records kept for the other projections of a kind.
const maxFetched = 1 << 14

// fetch returns the record kind/id as of the journal head hash: from the
// records fetched at that head, else from the store. A missing record is
// returned as a zero Record and no error.
func (ps *projectionSet) fetch(ctx context.Context, ws *Workspace, head, kind, id string) (Record, error) {
	k := fetchKey{kind, id}
	ps.mu.Lock()
	if ps.fetchedAt != head {
		ps.fetchedAt, ps.fetched = head, nil
	}
	rec, ok := ps.fetched[k]
	ps.mu.Unlock()
	if ok {
		return rec, nil
	}
	rec, err := ws.store.Get(ctx, ws.tenant, kind, id)
	switch {
	case errors.Is(err, ErrNotFound):
		rec = Record{}
	case err != nil:
		return Record{}, err
	}
	rec.Data = nil // rows are read from attributes
	ps.mu.Lock()
	if ps.fetchedAt == head && len(ps.fetched) < maxFetched {
		if ps.fetched == nil {
			ps.fetched = map[fetchKey]Record{}
		}
		ps.fetched[k] = rec
	}
	ps.mu.Unlock()
	return rec, nil
}

// DropProjections frees the read models [Project] keeps in the workspace
// and the records fetched for them. Nothing is lost: the next read of each
// builds it again from the store, at the cost of a first read. A product
// holding many tenants' workspaces calls it on those it has not read for
// a while (or drops the workspace itself), since a projection keeps
// about 130 to 250 bytes per record for as long as the workspace lives.
func (ws *Workspace) DropProjections() {
	ws.projections.mu.Lock()
	defer ws.projections.mu.Unlock()
	ws.projections.m = nil
	ws.projections.fetchedAt, ws.projections.fetched = "", nil
}

// projected is one projection's state: its rows in ascending byte order
// of id as of the journal entry at seq (whose hash is hash).
type projected[T any] struct {
	mu     sync.Mutex
	built  bool
	seq    uint64
	hash   string
	ids    []string
	rows   []T
	builds int // full reads, for tests
}

// rebuildAt is how many journal entries since the last read make a full
// read cheaper than replaying them: every entry costs a journal read and,
// when it names the projected kind, a Get.
func rebuildAt(rows int) uint64 { return 4096 + uint64(rows)/4 }

// journalPage is how many entries an update reads from the journal at a
// time.
const journalPage = 1024

// Project returns p's rows over the workspace's records of p.Kind, in
// p.Compare's order of id. The workspace keeps them under key (a
// comparable value of a type unexported by the caller's package, as for
// [Cached]): the first call reads every record through [SelectAll]; a
// later call reads the tenant's journal head and, when it moved, the
// entries written since, and re-reads only the records they name (or
// everything again, when that is cheaper). Writes through any workspace
// or process over the same store are seen, since every change the kernel
// makes is journaled; records written to a store directly without a
// journal entry are not seen until the projection is read again from
// scratch.
//
// The returned slice is shared and must not be modified; later calls
// return new slices and leave it as it was. A key must always be used
// with the same Projection.
func Project[T any](ctx context.Context, ws *Workspace, key any, p Projection[T]) ([]T, error) {
	ws.projections.mu.Lock()
	if ws.projections.m == nil {
		ws.projections.m = map[any]any{}
	}
	st, _ := ws.projections.m[key].(*projected[T])
	if st == nil {
		st = &projected[T]{}
		ws.projections.m[key] = st
	}
	ws.projections.mu.Unlock()

	st.mu.Lock()
	defer st.mu.Unlock()
	head, err := ws.store.Head(ctx, ws.tenant)
	switch {
	case errors.Is(err, ErrNotFound):
		head = Entry{}
	case err != nil:
		return nil, E("project", p.Kind, "", err)
	}
	switch {
	case st.built && head.Seq == st.seq && head.Hash == st.hash:
		return st.rows, nil
	case st.built && head.Seq > st.seq && head.Seq-st.seq < rebuildAt(len(st.rows)):
		ok, err := st.update(ctx, ws, p, head)
		if err != nil {
			return nil, err
		}
		if ok {
			return st.rows, nil
		}
	}
	if err := st.build(ctx, ws, p, head); err != nil {
		return nil, err
	}
	return st.rows, nil
}

// build reads every record of p.Kind. The head was read before the
// records, so that a write landing during the read is replayed by the
// next update (its entry comes after head).
func (st *projected[T]) build(ctx context.Context, ws *Workspace, p Projection[T], head Entry) error {
	var ids []string
	var rows []T
	for r, err := range SelectAll(ctx, ws.store, ws.tenant, Query{Kind: p.Kind}, p.Attrs) {
		if err != nil {
			return E("project", p.Kind, "", err)
		}
		row, ok, err := p.Row(ctx, r)
		if err != nil {
			return E("project", p.Kind, r.ID, err)
		}
		if ok {
			ids = append(ids, r.ID)
			rows = append(rows, row)
		}
	}
	if p.Compare != nil {
		byID := make([]int, len(ids))
		for i := range byID {
			byID[i] = i
		}
		slices.SortFunc(byID, func(a, b int) int { return p.Compare(ids[a], ids[b]) })
		sortedIDs, sortedRows := make([]string, len(ids)), make([]T, len(rows))
		for i, j := range byID {
			sortedIDs[i], sortedRows[i] = ids[j], rows[j]
		}
		ids, rows = sortedIDs, sortedRows
	}
	st.ids, st.rows = slices.Clip(ids), slices.Clip(rows)
	st.seq, st.hash, st.built = head.Seq, head.Hash, true
	st.builds++
	return nil
}

// update replays the journal entries after st.seq up to head: it re-reads
// each record of p.Kind they name and merges the new rows into fresh
// slices. It reports false, having changed nothing, when the journal no
// longer continues from st's entry (a restored or replaced tenant): the
// caller reads everything again.
func (st *projected[T]) update(ctx context.Context, ws *Workspace, p Projection[T], head Entry) (bool, error) {
	changed := map[string]bool{}
	prev := st.hash
	for from := st.seq + 1; from <= head.Seq; {
		entries, err := ws.store.ReadJournal(ctx, ws.tenant, from, journalPage)
		if err != nil {
			return false, E("project", p.Kind, "", err)
		}
		if len(entries) == 0 {
			return false, nil
		}
		for i := range entries {
			e := &entries[i]
			if e.Seq != from || e.Prev != prev {
				return false, nil
			}
			if e.Kind == p.Kind {
				changed[e.ID] = true
			}
			prev, from = e.Hash, from+1
			if e.Seq == head.Seq {
				break
			}
		}
	}
	if prev != head.Hash {
		return false, nil
	}
	if len(changed) > 0 {
		if err := st.merge(ctx, ws, p, head.Hash, changed); err != nil {
			return false, err
		}
	}
	st.seq, st.hash = head.Seq, head.Hash
	return true, nil
}

// merge re-reads the records named in changed (as of the journal entry
// whose hash is head) and builds the new slices in one ordered pass over
// the old ones.
func (st *projected[T]) merge(ctx context.Context, ws *Workspace, p Projection[T], head string, changed map[string]bool) error {
	type fresh struct {
		id  string
		row T
		ok  bool
	}
	news := make([]fresh, 0, len(changed))
	for id := range changed {
		rec, err := ws.projections.fetch(ctx, ws, head, p.Kind, id)
		if err != nil {
			return E("project", p.Kind, id, err)
		}
		if rec.Kind == "" { // deleted
			news = append(news, fresh{id: id})
			continue
		}
		r := Row{ID: rec.ID, Version: rec.Version, Values: make([]string, len(p.Attrs))}
		for i, a := range p.Attrs {
			r.Values[i] = rec.Attrs[a]
		}
		row, ok, err := p.Row(ctx, r)
		if err != nil {
			return E("project", p.Kind, id, err)
		}
		news = append(news, fresh{id: id, row: row, ok: ok})
	}
	cmp := p.Compare
	if cmp == nil {
		cmp = strings.Compare
	}
	slices.SortFunc(news, func(a, b fresh) int { return cmp(a.id, b.id) })
	ids := make([]string, 0, len(st.ids)+len(news))
	rows := make([]T, 0, len(st.rows)+len(news))
	i := 0
	for _, n := range news {
		j, _ := slices.BinarySearchFunc(st.ids[i:], n.id, cmp)
		ids = append(ids, st.ids[i:i+j]...)
		rows = append(rows, st.rows[i:i+j]...)
		i += j
		if i < len(st.ids) && st.ids[i] == n.id {
			i++ // replaced or deleted
		}
		if n.ok {
			ids = append(ids, n.id)
			rows = append(rows, n.row)
		}
	}
	st.ids = append(ids, st.ids[i:]...)
	st.rows = append(rows, st.rows[i:]...)
	return nil
}
