package memstore

import (
	"context"
	"fmt"
	"maps"

	"github.com/aimsgo/iso42001/aims"
)

var _ aims.Querier = (*Store)(nil)

// checkQuery validates what List validates: tenant, kind and Where keys.
func checkQuery(tenant string, q aims.Query) error {
	if err := checkTenant(tenant); err != nil {
		return err
	}
	if !aims.ValidName(q.Kind) {
		return aims.Invalid("kind", fmt.Sprintf("must be 1-200 printable bytes, got %q", q.Kind))
	}
	for k := range q.Where {
		if !aims.ValidName(k) {
			return aims.Invalid("where", fmt.Sprintf("key %q must be 1-200 printable bytes", k))
		}
	}
	return nil
}

// scan calls fn, under the read lock, with every stored record of q.Kind
// matching q.Where after q.After in ascending byte order of id, until fn
// returns false. fn must not keep or modify the record.
func (s *Store) scan(ctx context.Context, tenant string, q aims.Query, fn func(r *aims.Record) bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkQuery(tenant, q); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	k := s.kind(tenant, q.Kind)
	if k == nil {
		return nil
	}
	k.ids.After(q.After, func(id string) bool {
		r := k.recs[id]
		if !q.Matches(r.Attrs) {
			return true
		}
		return fn(r)
	})
	return nil
}

// Count returns how many of q.Kind's records match q.Where; see
// [aims.Querier]. It walks the kind's records without copying them.
func (s *Store) Count(ctx context.Context, tenant string, q aims.Query) (int, error) {
	q.After = ""
	n := 0
	if len(q.Where) <= 1 {
		// Every record matches, or those holding one value: the index
		// knows how many there are.
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if err := checkQuery(tenant, q); err != nil {
			return 0, err
		}
		s.mu.RLock()
		defer s.mu.RUnlock()
		k := s.kind(tenant, q.Kind)
		switch {
		case k == nil:
		case len(q.Where) == 0:
			n = k.ids.Len()
		default:
			for a, v := range q.Where {
				n = k.counts[a][v]
			}
		}
		return n, nil
	}
	err := s.scan(ctx, tenant, q, func(*aims.Record) bool { n++; return true })
	return n, err
}

// GroupCount returns how many of the records matching q hold each value
// of attr; see [aims.Querier].
func (s *Store) GroupCount(ctx context.Context, tenant string, q aims.Query, attr string) (map[string]int, error) {
	if err := aims.CheckSelect(attr); err != nil {
		return nil, err
	}
	q.After = ""
	out := map[string]int{}
	if len(q.Where) == 0 {
		// The counts kept on write answer without reading a record.
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := checkQuery(tenant, q); err != nil {
			return nil, err
		}
		s.mu.RLock()
		defer s.mu.RUnlock()
		if k := s.kind(tenant, q.Kind); k != nil {
			maps.Copy(out, k.counts[attr])
		}
		return out, nil
	}
	err := s.scan(ctx, tenant, q, func(r *aims.Record) bool {
		if v, ok := r.Attrs[attr]; ok {
			out[v]++
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Select returns one page of the records matching q with the values of
// attrs instead of their documents; see [aims.Querier]. Values are the
// stored strings (immutable), so nothing but the page itself is copied.
func (s *Store) Select(ctx context.Context, tenant string, q aims.Query, attrs []string) (aims.Rows, error) {
	if err := aims.CheckSelect(attrs...); err != nil {
		return aims.Rows{}, err
	}
	limit := aims.PageLimit(q.Limit)
	var out aims.Rows
	var vals []string
	err := s.scan(ctx, tenant, q, func(r *aims.Record) bool {
		if len(out.Rows) == limit {
			out.Next = out.Rows[limit-1].ID
			return false
		}
		if out.Rows == nil {
			out.Rows = make([]aims.Row, 0, min(limit, 64))
		}
		if len(vals) < len(attrs) {
			// One slab of values for many rows.
			vals = make([]string, len(attrs)*min(limit-len(out.Rows), 256))
		}
		row := vals[:len(attrs):len(attrs)]
		vals = vals[len(attrs):]
		for j, a := range attrs {
			row[j] = r.Attrs[a]
		}
		out.Rows = append(out.Rows, aims.Row{ID: r.ID, Version: r.Version, Values: row})
		return true
	})
	if err != nil {
		return aims.Rows{}, err
	}
	return out, nil
}
