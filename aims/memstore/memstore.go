package memstore

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/aimsgo/iso42001/aims"
)

// Store is an in-memory [aims.Store] and [aims.Transactor]. The zero value
// is not usable; call [New]. It is safe for concurrent use.
type Store struct {
	mu      sync.RWMutex
	tenants map[string]*space
}

type space struct {
	kinds   map[string]*kindIndex
	journal journal // entry i has Seq i+1
}

// kindIndex holds one kind's records of a tenant: by id, and the ids in
// ascending byte order for key-set pagination, and how many records hold
// each attribute value (kept on write, so that a count over one attribute
// reads no record).
type kindIndex struct {
	recs   map[string]*aims.Record
	ids    idIndex
	counts map[string]map[string]int // attr -> value -> records
}

// count adds d to the count of each of attrs' values.
func (k *kindIndex) count(attrs map[string]string, d int) {
	for a, v := range attrs {
		byValue := k.counts[a]
		if byValue == nil {
			byValue = map[string]int{}
			k.counts[a] = byValue
		}
		if byValue[v] += d; byValue[v] == 0 {
			delete(byValue, v)
		}
	}
}

// New returns an empty store.
func New() *Store {
	return &Store{tenants: map[string]*space{}}
}

var (
	_ aims.Store        = (*Store)(nil)
	_ aims.Transactor   = (*Store)(nil)
	_ aims.ChainApplier = (*Store)(nil)
	_ aims.KindLister   = (*Store)(nil)
)

func checkTenant(tenant string) error {
	if !aims.ValidName(tenant) {
		return aims.Invalid("tenant", fmt.Sprintf("must be 1-200 printable bytes, got %q", tenant))
	}
	return nil
}

// checkRecord validates a record's key and attribute keys.
func checkRecord(tenant string, rec *aims.Record) error {
	if err := aims.CheckKey(tenant, rec.Kind, rec.ID); err != nil {
		return err
	}
	for k := range rec.Attrs {
		if !aims.ValidName(k) {
			return aims.Invalid("attrs", fmt.Sprintf("key %q must be 1-200 printable bytes", k))
		}
	}
	return nil
}

func (s *Store) kind(tenant, kind string) *kindIndex {
	t := s.tenants[tenant]
	if t == nil {
		return nil
	}
	return t.kinds[kind]
}

// lookup returns the stored record, or nil.
func (s *Store) lookup(tenant, kind, id string) *aims.Record {
	if k := s.kind(tenant, kind); k != nil {
		return k.recs[id]
	}
	return nil
}

func clone(r *aims.Record) aims.Record {
	return aims.Record{Kind: r.Kind, ID: r.ID, Version: r.Version, Attrs: maps.Clone(r.Attrs), Data: bytes.Clone(r.Data)}
}

// Get returns the record, or an error matching [aims.ErrNotFound].
func (s *Store) Get(ctx context.Context, tenant, kind, id string) (aims.Record, error) {
	if err := ctx.Err(); err != nil {
		return aims.Record{}, err
	}
	if err := aims.CheckKey(tenant, kind, id); err != nil {
		return aims.Record{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.lookup(tenant, kind, id)
	if r == nil {
		return aims.Record{}, aims.E("get", kind, id, aims.ErrNotFound)
	}
	return clone(r), nil
}

// checkVersion applies the optimistic version rule of [aims.Store.Put] and
// [aims.Store.Delete] to the stored record cur (nil when missing).
func checkVersion(op string, cur *aims.Record, kind, id string, expected int64) error {
	switch {
	case expected < 0:
		return aims.E(op, kind, id, aims.Invalid("expected", fmt.Sprintf("must be 0 (create) or a stored version, got %d", expected)))
	case cur == nil && expected > 0:
		return aims.E(op, kind, id, fmt.Errorf("expected version %d of a missing record: %w", expected, aims.ErrNotFound))
	case cur == nil:
		return nil
	case expected == 0:
		return aims.E(op, kind, id, fmt.Errorf("record exists at version %d: %w", cur.Version, aims.ErrConflict))
	case cur.Version != expected:
		return aims.E(op, kind, id, fmt.Errorf("expected version %d, stored %d: %w", expected, cur.Version, aims.ErrConflict))
	}
	return nil
}

// Put writes rec if the stored version equals expected and returns the new
// version; see [aims.Store.Put].
func (s *Store) Put(ctx context.Context, tenant string, rec aims.Record, expected int64) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := checkRecord(tenant, &rec); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil { // cancelled while waiting for the lock
		return 0, err
	}
	if err := checkVersion("put", s.lookup(tenant, rec.Kind, rec.ID), rec.Kind, rec.ID, expected); err != nil {
		return 0, err
	}
	s.put(tenant, &rec, expected+1)
	return expected + 1, nil
}

// put stores a copy of rec at version; the caller holds the write lock and
// has checked the version.
func (s *Store) put(tenant string, rec *aims.Record, version int64) {
	t := s.tenants[tenant]
	if t == nil {
		t = &space{kinds: map[string]*kindIndex{}}
		s.tenants[tenant] = t
	}
	k := t.kinds[rec.Kind]
	if k == nil {
		k = &kindIndex{recs: map[string]*aims.Record{}, counts: map[string]map[string]int{}}
		t.kinds[rec.Kind] = k
	}
	stored := clone(rec)
	stored.Version = version
	if old, ok := k.recs[rec.ID]; ok {
		k.count(old.Attrs, -1)
	} else {
		k.ids.Insert(rec.ID)
	}
	k.count(stored.Attrs, 1)
	k.recs[rec.ID] = &stored
}

// Delete removes the record if its version equals expected; see
// [aims.Store.Delete].
func (s *Store) Delete(ctx context.Context, tenant, kind, id string, expected int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := aims.CheckKey(tenant, kind, id); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	cur := s.lookup(tenant, kind, id)
	if cur == nil {
		return aims.E("delete", kind, id, aims.ErrNotFound)
	}
	if err := checkVersion("delete", cur, kind, id, expected); err != nil {
		return err
	}
	s.delete(tenant, kind, id)
	return nil
}

// delete removes an existing record; the caller holds the write lock.
func (s *Store) delete(tenant, kind, id string) {
	k := s.kind(tenant, kind)
	k.count(k.recs[id].Attrs, -1)
	delete(k.recs, id)
	k.ids.Delete(id)
}

// List returns one page of q.Kind's records whose Attrs hold every pair of
// q.Where, in ascending byte order of ID after q.After; see
// [aims.Store.List].
func (s *Store) List(ctx context.Context, tenant string, q aims.Query) (aims.Page, error) {
	if err := ctx.Err(); err != nil {
		return aims.Page{}, err
	}
	if err := checkTenant(tenant); err != nil {
		return aims.Page{}, err
	}
	if !aims.ValidName(q.Kind) {
		return aims.Page{}, aims.Invalid("kind", fmt.Sprintf("must be 1-200 printable bytes, got %q", q.Kind))
	}
	for k := range q.Where {
		if !aims.ValidName(k) {
			return aims.Page{}, aims.Invalid("where", fmt.Sprintf("key %q must be 1-200 printable bytes", k))
		}
	}
	limit := aims.PageLimit(q.Limit)
	s.mu.RLock()
	defer s.mu.RUnlock()
	k := s.kind(tenant, q.Kind)
	if k == nil {
		return aims.Page{}, nil
	}
	var page aims.Page
	k.ids.After(q.After, func(id string) bool {
		r := k.recs[id]
		if !q.Matches(r.Attrs) {
			return true
		}
		if len(page.Records) == limit {
			// Another match follows, so this page is not the last.
			page.Next = page.Records[limit-1].ID
			return false
		}
		page.Records = append(page.Records, clone(r))
		return true
	})
	return page, nil
}

// checkSeqs reports whether entries may follow a journal of n entries.
func checkSeqs(n int, entries []aims.Entry) error {
	want := uint64(n) + 1
	for i := range entries {
		if entries[i].Seq != want {
			return fmt.Errorf("append: entry %d of %d has seq %d where %d belongs (another writer appended first, or the entries do not follow each other): %w",
				i+1, len(entries), entries[i].Seq, want, aims.ErrConflict)
		}
		want++
	}
	return nil
}

// Append adds entries to the tenant's journal, all or none; see
// [aims.Store.Append].
func (s *Store) Append(ctx context.Context, tenant string, entries ...aims.Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkTenant(tenant); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkSeqs(s.journalLen(tenant), entries); err != nil {
		return err
	}
	s.append(tenant, entries)
	return nil
}

func (s *Store) journalLen(tenant string) int {
	if t := s.tenants[tenant]; t != nil {
		return t.journal.Len()
	}
	return 0
}

// append adds checked entries; the caller holds the write lock.
func (s *Store) append(tenant string, entries []aims.Entry) {
	if len(entries) == 0 {
		return
	}
	t := s.tenants[tenant]
	if t == nil {
		t = &space{kinds: map[string]*kindIndex{}}
		s.tenants[tenant] = t
	}
	t.journal.Append(entries)
}

// ReadJournal returns up to limit entries with Seq >= from, in Seq order;
// see [aims.Store.ReadJournal].
func (s *Store) ReadJournal(ctx context.Context, tenant string, from uint64, limit int) ([]aims.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkTenant(tenant); err != nil {
		return nil, err
	}
	limit = aims.PageLimit(limit)
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.tenants[tenant]
	if t == nil {
		return nil, nil
	}
	start := uint64(0)
	if from > 1 {
		start = from - 1
	}
	n := uint64(t.journal.Len())
	if start >= n {
		return nil, nil
	}
	end := min(n, start+uint64(limit))
	return t.journal.Copy(int(start), int(end)), nil
}

// Head returns the tenant's last journal entry, or an error matching
// [aims.ErrNotFound] when the journal is empty.
func (s *Store) Head(ctx context.Context, tenant string) (aims.Entry, error) {
	if err := ctx.Err(); err != nil {
		return aims.Entry{}, err
	}
	if err := checkTenant(tenant); err != nil {
		return aims.Entry{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.tenants[tenant]
	if t == nil || t.journal.Len() == 0 {
		return aims.Entry{}, fmt.Errorf("head of tenant %q: journal is empty: %w", tenant, aims.ErrNotFound)
	}
	return *t.journal.At(t.journal.Len() - 1), nil
}

// Apply makes every write of b and appends its entries atomically, or
// changes nothing; see [aims.Transactor]. Writes apply in order, so a batch
// may create a record and update it again.
func (s *Store) Apply(ctx context.Context, tenant string, b aims.Batch) ([]int64, error) {
	return s.apply(ctx, tenant, b, nil)
}

// ApplyChained is Apply with the entries sealed under the store's lock
// after the tenant's current head; see [aims.ChainApplier]. Writers of
// distinct records never fail each other, and the store never returns
// [aims.ErrContention]: they queue on the lock.
func (s *Store) ApplyChained(ctx context.Context, tenant string, b aims.Batch, seal func(seq uint64, hash string) error) ([]int64, error) {
	if seal == nil {
		return nil, aims.Invalid("seal", "is required")
	}
	return s.apply(ctx, tenant, b, seal)
}

// Kinds returns the kinds the tenant has records of, in ascending byte
// order; see [aims.KindLister].
func (s *Store) Kinds(ctx context.Context, tenant string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkTenant(tenant); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.tenants[tenant]
	if t == nil {
		return nil, nil
	}
	var out []string
	for kind, k := range t.kinds {
		if k.ids.Len() > 0 {
			out = append(out, kind)
		}
	}
	slices.Sort(out)
	return out, nil
}

func (s *Store) apply(ctx context.Context, tenant string, b aims.Batch, seal func(seq uint64, hash string) error) ([]int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkTenant(tenant); err != nil {
		return nil, err
	}
	for i := range b.Writes {
		if err := checkRecord(tenant, &b.Writes[i].Record); err != nil {
			return nil, fmt.Errorf("write %d: %w", i, err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Check every write against the store as the earlier writes of the
	// batch leave it, without touching the store yet.
	type key struct{ kind, id string }
	staged := map[key]*aims.Record{} // nil value: deleted in this batch
	versions := make([]int64, len(b.Writes))
	for i := range b.Writes {
		w := &b.Writes[i]
		kk := key{w.Record.Kind, w.Record.ID}
		cur, ok := staged[kk]
		if !ok {
			cur = s.lookup(tenant, kk.kind, kk.id)
		}
		op := "put"
		if w.Delete {
			op = "delete"
			if cur == nil {
				return nil, aims.E(op, kk.kind, kk.id, aims.ErrNotFound)
			}
		}
		if err := checkVersion(op, cur, kk.kind, kk.id, w.Expected); err != nil {
			return nil, err
		}
		if w.Delete {
			staged[kk] = nil
			continue
		}
		versions[i] = w.Expected + 1
		staged[kk] = &aims.Record{Version: versions[i]}
	}
	if seal != nil && len(b.Entries) > 0 {
		seq, hash := uint64(0), aims.GenesisHash
		if t := s.tenants[tenant]; t != nil && t.journal.Len() > 0 {
			h := t.journal.At(t.journal.Len() - 1)
			seq, hash = h.Seq, h.Hash
		}
		if err := seal(seq, hash); err != nil {
			return nil, err
		}
	}
	if err := checkSeqs(s.journalLen(tenant), b.Entries); err != nil {
		return nil, err
	}
	for i := range b.Writes {
		w := &b.Writes[i]
		if w.Delete {
			s.delete(tenant, w.Record.Kind, w.Record.ID)
		} else {
			s.put(tenant, &w.Record, versions[i])
		}
	}
	s.append(tenant, b.Entries)
	return versions, nil
}
