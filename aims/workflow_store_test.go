package aims

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"
)

// wfStore is a minimal in-memory Store and Transactor for the workflow
// tests of package aims, which cannot import aims/memstore (import cycle).
// It follows the Store contract closely enough for the kernel: versions,
// journal sequencing, copies in and out, atomic batches.
type wfStore struct {
	mu      sync.Mutex
	recs    map[string]map[string]Record // tenant -> kind/id -> record
	journal map[string][]Entry
	puts    int // successful record writes, for "nothing written" checks
}

func newWFStore() *wfStore {
	return &wfStore{recs: map[string]map[string]Record{}, journal: map[string][]Entry{}}
}

func copyWFRecord(r Record) Record {
	r.Attrs = maps.Clone(r.Attrs)
	r.Data = slices.Clone(r.Data)
	return r
}

func (s *wfStore) Get(ctx context.Context, tenant, kind, id string) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	if err := CheckKey(tenant, kind, id); err != nil {
		return Record{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.recs[tenant][kind+"/"+id]
	if !ok {
		return Record{}, fmt.Errorf("%s/%s: %w", kind, id, ErrNotFound)
	}
	return copyWFRecord(r), nil
}

// check verifies one write against the current state without applying it.
func (s *wfStore) check(tenant string, w Write) error {
	if err := CheckKey(tenant, w.Record.Kind, w.Record.ID); err != nil {
		return err
	}
	cur, ok := s.recs[tenant][w.Record.Kind+"/"+w.Record.ID]
	switch {
	case !ok && (w.Expected > 0 || w.Delete):
		return ErrNotFound
	case ok && cur.Version != w.Expected:
		return fmt.Errorf("stored version %d, expected %d: %w", cur.Version, w.Expected, ErrConflict)
	}
	return nil
}

func (s *wfStore) apply(tenant string, w Write) int64 {
	key := w.Record.Kind + "/" + w.Record.ID
	if w.Delete {
		delete(s.recs[tenant], key)
		return 0
	}
	if s.recs[tenant] == nil {
		s.recs[tenant] = map[string]Record{}
	}
	r := copyWFRecord(w.Record)
	r.Version = w.Expected + 1
	s.recs[tenant][key] = r
	s.puts++
	return r.Version
}

func (s *wfStore) checkEntries(tenant string, entries []Entry) error {
	next := uint64(len(s.journal[tenant])) + 1
	for i, e := range entries {
		if e.Seq != next+uint64(i) {
			return fmt.Errorf("entry seq %d, want %d: %w", e.Seq, next+uint64(i), ErrConflict)
		}
	}
	return nil
}

func (s *wfStore) Put(ctx context.Context, tenant string, rec Record, expected int64) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w := Write{Record: rec, Expected: expected}
	if err := s.check(tenant, w); err != nil {
		return 0, err
	}
	return s.apply(tenant, w), nil
}

func (s *wfStore) Delete(ctx context.Context, tenant, kind, id string, expected int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w := Write{Record: Record{Kind: kind, ID: id}, Expected: expected, Delete: true}
	if err := s.check(tenant, w); err != nil {
		return err
	}
	s.apply(tenant, w)
	return nil
}

func (s *wfStore) List(ctx context.Context, tenant string, q Query) (Page, error) {
	if err := ctx.Err(); err != nil {
		return Page{}, err
	}
	if !ValidName(tenant) || !ValidName(q.Kind) {
		return Page{}, Invalid("kind", "is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, r := range s.recs[tenant] {
		if r.Kind != q.Kind || r.ID <= q.After {
			continue
		}
		match := true
		for k, v := range q.Where {
			if r.Attrs[k] != v {
				match = false
			}
		}
		if match {
			ids = append(ids, r.ID)
		}
	}
	sort.Strings(ids)
	var p Page
	limit := PageLimit(q.Limit)
	for i, id := range ids {
		if i == limit {
			p.Next = ids[i-1]
			break
		}
		p.Records = append(p.Records, copyWFRecord(s.recs[tenant][q.Kind+"/"+id]))
	}
	return p, nil
}

func (s *wfStore) Append(ctx context.Context, tenant string, entries ...Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkEntries(tenant, entries); err != nil {
		return err
	}
	s.journal[tenant] = append(s.journal[tenant], entries...)
	return nil
}

func (s *wfStore) ReadJournal(ctx context.Context, tenant string, from uint64, limit int) ([]Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.journal[tenant]
	if from == 0 {
		from = 1
	}
	if from > uint64(len(j)) {
		return nil, nil
	}
	end := min(uint64(len(j)), from-1+uint64(PageLimit(limit)))
	return slices.Clone(j[from-1 : end]), nil
}

func (s *wfStore) Head(ctx context.Context, tenant string) (Entry, error) {
	if err := ctx.Err(); err != nil {
		return Entry{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.journal[tenant]
	if len(j) == 0 {
		return Entry{}, ErrNotFound
	}
	return j[len(j)-1], nil
}

func (s *wfStore) Apply(ctx context.Context, tenant string, b Batch) ([]int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range b.Writes {
		if err := s.check(tenant, w); err != nil {
			return nil, err
		}
	}
	if err := s.checkEntries(tenant, b.Entries); err != nil {
		return nil, err
	}
	versions := make([]int64, len(b.Writes))
	for i, w := range b.Writes {
		versions[i] = s.apply(tenant, w)
	}
	s.journal[tenant] = append(s.journal[tenant], b.Entries...)
	return versions, nil
}

// writes returns the number of successful record writes and journal
// entries of tenant so far.
func (s *wfStore) writes(tenant string) (puts, entries int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.puts, len(s.journal[tenant])
}
