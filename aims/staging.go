package aims

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Staging is a [Store] that keeps one tenant's writes and journal entries
// in memory over a base store, and carries them all to the base in one
// [Transactor.Apply] on [Staging.Commit], or drops them. Reads see the
// staged writes over the base, so a whole sequence of service calls (a
// manifest's apply, an import) can run on a [Workspace] over a Staging
// with every validation, workflow and authorization of the direct path,
// and land all or nothing.
//
// Commit is optimistic: every staged write names the version it expects
// and the first staged journal entry the Seq after the base's head when
// staging began, so a writer that changed the base meanwhile makes Commit
// fail with [ErrConflict] and nothing is written; run the sequence again.
//
// Staging holds one tenant: other tenants are read and written in the
// base directly. It is safe for concurrent use.
type Staging struct {
	base   Store
	tenant string

	mu      sync.Mutex
	recs    map[stagedKey]*stagedRec
	ids     map[string][]string // staged ids of each kind, in byte order
	writes  []Write
	entries []Entry
}

type stagedKey struct{ kind, id string }

// stagedRec is the staged state of one record: its newest version, or a
// deletion.
type stagedRec struct {
	rec     Record
	deleted bool
}

// NewStaging returns an empty Staging of tenant's records over base.
func NewStaging(base Store, tenant string) (*Staging, error) {
	if base == nil {
		return nil, Invalid("base", "is required")
	}
	if !ValidName(tenant) {
		return nil, Invalid("tenant", fmt.Sprintf("must be 1-%d printable bytes, got %q", maxName, tenant))
	}
	return &Staging{base: base, tenant: tenant, recs: map[stagedKey]*stagedRec{}, ids: map[string][]string{}}, nil
}

// Len returns how many writes and journal entries are staged.
func (s *Staging) Len() (writes, entries int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.writes), len(s.entries)
}

// Commit applies every staged write and entry to the base in one
// [Transactor.Apply], and empties the staging. A base that is not a
// Transactor is refused with [ErrInvalid] before anything is written. A
// conflict with a writer of the base (a record or the journal moved since
// it was staged) is [ErrConflict], and nothing is written.
func (s *Staging) Commit(ctx context.Context) error {
	tx, ok := s.base.(Transactor)
	if !ok {
		return Invalid("base", "must be a Transactor to commit staged writes together")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.writes) == 0 && len(s.entries) == 0 {
		return nil
	}
	if _, err := tx.Apply(ctx, s.tenant, Batch{Writes: s.writes, Entries: s.entries}); err != nil {
		return err
	}
	s.reset()
	return nil
}

// Discard drops every staged write and entry.
func (s *Staging) Discard() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reset()
}

func (s *Staging) reset() {
	s.recs = map[stagedKey]*stagedRec{}
	s.ids = map[string][]string{}
	s.writes, s.entries = nil, nil
}

func (s *Staging) own(tenant string) bool { return tenant == s.tenant }

// Get returns the staged version of the record, else the base's.
func (s *Staging) Get(ctx context.Context, tenant, kind, id string) (Record, error) {
	if err := CheckKey(tenant, kind, id); err != nil {
		return Record{}, err
	}
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	if s.own(tenant) {
		s.mu.Lock()
		r, ok := s.recs[stagedKey{kind, id}]
		var out Record
		if ok && !r.deleted {
			out = copyRecord(r.rec)
		}
		s.mu.Unlock()
		if ok {
			if r.deleted {
				return Record{}, &Error{Op: "get", Kind: kind, ID: id, Err: ErrNotFound}
			}
			return out, nil
		}
	}
	return s.base.Get(ctx, tenant, kind, id)
}

// current returns the version the record has now, staged or in the base
// (0 when it does not exist). Called with s.mu held.
func (s *Staging) current(ctx context.Context, kind, id string) (int64, error) {
	if r, ok := s.recs[stagedKey{kind, id}]; ok {
		if r.deleted {
			return 0, nil
		}
		return r.rec.Version, nil
	}
	rec, err := s.base.Get(ctx, s.tenant, kind, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, err
	}
	return rec.Version, nil
}

// Put stages rec under the version rules of [Store.Put].
func (s *Staging) Put(ctx context.Context, tenant string, rec Record, expected int64) (int64, error) {
	if err := CheckKey(tenant, rec.Kind, rec.ID); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if !s.own(tenant) {
		return s.base.Put(ctx, tenant, rec, expected)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.put(ctx, rec, expected)
}

func (s *Staging) put(ctx context.Context, rec Record, expected int64) (int64, error) {
	have, err := s.current(ctx, rec.Kind, rec.ID)
	if err != nil {
		return 0, err
	}
	switch {
	case have == 0 && expected > 0:
		return 0, &Error{Op: "put", Kind: rec.Kind, ID: rec.ID, Err: ErrNotFound}
	case have != expected:
		return 0, &Error{Op: "put", Kind: rec.Kind, ID: rec.ID, Err: fmt.Errorf("stored version %d, expected %d: %w", have, expected, ErrConflict)}
	}
	c := copyRecord(rec)
	c.Version = expected + 1
	s.stage(stagedKey{rec.Kind, rec.ID}, &stagedRec{rec: c})
	s.writes = append(s.writes, Write{Record: copyRecord(c), Expected: expected})
	return c.Version, nil
}

// Delete stages a deletion under the version rules of [Store.Delete].
func (s *Staging) Delete(ctx context.Context, tenant, kind, id string, expected int64) error {
	if err := CheckKey(tenant, kind, id); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !s.own(tenant) {
		return s.base.Delete(ctx, tenant, kind, id, expected)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delete(ctx, kind, id, expected)
}

func (s *Staging) delete(ctx context.Context, kind, id string, expected int64) error {
	have, err := s.current(ctx, kind, id)
	if err != nil {
		return err
	}
	switch {
	case have == 0:
		return &Error{Op: "delete", Kind: kind, ID: id, Err: ErrNotFound}
	case have != expected:
		return &Error{Op: "delete", Kind: kind, ID: id, Err: fmt.Errorf("stored version %d, expected %d: %w", have, expected, ErrConflict)}
	}
	s.stage(stagedKey{kind, id}, &stagedRec{deleted: true})
	s.writes = append(s.writes, Write{Record: Record{Kind: kind, ID: id}, Expected: expected, Delete: true})
	return nil
}

// List returns one page of the base's records with the staged writes laid
// over them: staged records replace or remove the base's, and staged
// creations join in ID order. Pages may be shorter than the limit.
func (s *Staging) List(ctx context.Context, tenant string, q Query) (Page, error) {
	if !s.own(tenant) {
		return s.base.List(ctx, tenant, q)
	}
	limit := PageLimit(q.Limit)
	bq := q
	bq.Limit = limit
	base, err := s.base.List(ctx, tenant, bq)
	if err != nil {
		return Page{}, err
	}
	// bound is the last ID the base page covers; staged records past it
	// belong to later pages unless the base has no more.
	bound := ""
	if base.Next != "" && len(base.Records) > 0 {
		bound = base.Records[len(base.Records)-1].ID
	}
	s.mu.Lock()
	var out []Record
	for _, r := range base.Records {
		if _, staged := s.recs[stagedKey{q.Kind, r.ID}]; !staged {
			out = append(out, r)
		}
	}
	// The staged records after the cursor, in order, at most limit+1 of
	// them: more cannot reach this page.
	ids := s.ids[q.Kind]
	i, _ := slices.BinarySearch(ids, q.After)
	for n := 0; i < len(ids) && n <= limit; i++ {
		id := ids[i]
		if id == q.After {
			continue
		}
		if bound != "" && id > bound {
			break
		}
		r := s.recs[stagedKey{q.Kind, id}]
		if r.deleted || !q.Matches(r.rec.Attrs) {
			continue
		}
		out = append(out, copyRecord(r.rec))
		n++
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b Record) int { return strings.Compare(a.ID, b.ID) })
	page := Page{Records: out, Next: base.Next}
	if len(out) > limit {
		page.Records = out[:limit]
		page.Next = out[limit-1].ID
	} else if base.Next != "" && bound != "" {
		page.Next = bound
	}
	return page, nil
}

// head returns the Seq of the newest entry, staged or in the base. Called
// with s.mu held.
func (s *Staging) head(ctx context.Context) (Entry, bool, error) {
	if n := len(s.entries); n > 0 {
		return s.entries[n-1], true, nil
	}
	h, err := s.base.Head(ctx, s.tenant)
	switch {
	case errors.Is(err, ErrNotFound):
		return Entry{}, false, nil
	case err != nil:
		return Entry{}, false, err
	}
	return h, true, nil
}

// Append stages entries under the rules of [Store.Append].
func (s *Staging) Append(ctx context.Context, tenant string, entries ...Entry) error {
	if !ValidName(tenant) {
		return Invalid("tenant", fmt.Sprintf("must be 1-%d printable bytes, got %q", maxName, tenant))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !s.own(tenant) {
		return s.base.Append(ctx, tenant, entries...)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.append(ctx, entries)
}

func (s *Staging) append(ctx context.Context, entries []Entry) error {
	h, ok, err := s.head(ctx)
	if err != nil {
		return err
	}
	next := uint64(1)
	if ok {
		next = h.Seq + 1
	}
	for i, e := range entries {
		if e.Seq != next+uint64(i) {
			return fmt.Errorf("staging: append: entry %d has seq %d, want %d: %w", i, e.Seq, next+uint64(i), ErrConflict)
		}
	}
	s.entries = append(s.entries, entries...)
	return nil
}

// ReadJournal reads the base's entries, then the staged ones.
func (s *Staging) ReadJournal(ctx context.Context, tenant string, from uint64, limit int) ([]Entry, error) {
	if !s.own(tenant) {
		return s.base.ReadJournal(ctx, tenant, from, limit)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	limit = PageLimit(limit)
	s.mu.Lock()
	staged := slices.Clone(s.entries)
	s.mu.Unlock()
	var out []Entry
	if len(staged) == 0 || from < staged[0].Seq {
		got, err := s.base.ReadJournal(ctx, tenant, from, limit)
		if err != nil {
			return nil, err
		}
		out = got
		if len(staged) > 0 {
			// Entries of the base up to the first staged one only.
			out = slices.DeleteFunc(out, func(e Entry) bool { return e.Seq >= staged[0].Seq })
		}
	}
	for _, e := range staged {
		if len(out) >= limit {
			break
		}
		if e.Seq >= from && (len(out) == 0 || e.Seq == out[len(out)-1].Seq+1) {
			out = append(out, e)
		}
	}
	return out, nil
}

// Head returns the newest staged entry, else the base's head.
func (s *Staging) Head(ctx context.Context, tenant string) (Entry, error) {
	if !s.own(tenant) {
		return s.base.Head(ctx, tenant)
	}
	if err := ctx.Err(); err != nil {
		return Entry{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok, err := s.head(ctx)
	if err != nil {
		return Entry{}, err
	}
	if !ok {
		return Entry{}, fmt.Errorf("staging: head of %s: %w", tenant, ErrNotFound)
	}
	return h, nil
}

// Apply stages every write and entry of b, all or none, under the rules
// of [Transactor.Apply].
func (s *Staging) Apply(ctx context.Context, tenant string, b Batch) ([]int64, error) {
	if !ValidName(tenant) {
		return nil, Invalid("tenant", fmt.Sprintf("must be 1-%d printable bytes, got %q", maxName, tenant))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !s.own(tenant) {
		tx, ok := s.base.(Transactor)
		if !ok {
			return nil, Invalid("base", "is not a Transactor")
		}
		return tx.Apply(ctx, tenant, b)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Undo state: the staged records this batch touches, and the lengths.
	saved := map[stagedKey]*stagedRec{}
	nw, ne := len(s.writes), len(s.entries)
	undo := func() {
		for k, r := range saved {
			if r == nil {
				s.unstage(k)
			} else {
				s.recs[k] = r
			}
		}
		s.writes, s.entries = s.writes[:nw], s.entries[:ne]
	}
	versions := make([]int64, len(b.Writes))
	for i, w := range b.Writes {
		if err := CheckKey(tenant, w.Record.Kind, w.Record.ID); err != nil {
			undo()
			return nil, err
		}
		k := stagedKey{w.Record.Kind, w.Record.ID}
		if _, seen := saved[k]; !seen {
			saved[k] = s.recs[k]
		}
		var err error
		if w.Delete {
			err = s.delete(ctx, w.Record.Kind, w.Record.ID, w.Expected)
		} else {
			versions[i], err = s.put(ctx, w.Record, w.Expected)
		}
		if err != nil {
			undo()
			return nil, err
		}
	}
	if len(b.Entries) > 0 {
		if err := s.append(ctx, b.Entries); err != nil {
			undo()
			return nil, err
		}
	}
	return versions, nil
}

// stage sets the staged state of k, indexing a key staged for the first
// time. Called with s.mu held.
func (s *Staging) stage(k stagedKey, r *stagedRec) {
	if _, ok := s.recs[k]; !ok {
		ids := s.ids[k.kind]
		i, _ := slices.BinarySearch(ids, k.id)
		s.ids[k.kind] = slices.Insert(ids, i, k.id)
	}
	s.recs[k] = r
}

// unstage forgets k entirely (the undo of a first staging).
func (s *Staging) unstage(k stagedKey) {
	delete(s.recs, k)
	ids := s.ids[k.kind]
	if i, ok := slices.BinarySearch(ids, k.id); ok {
		s.ids[k.kind] = slices.Delete(ids, i, i+1)
	}
}

func copyRecord(r Record) Record {
	r.Data = slices.Clone(r.Data)
	r.Attrs = maps.Clone(r.Attrs)
	return r
}
