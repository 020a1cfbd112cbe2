package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aimsgo/iso42001/aims"
)

// Kinds returns the kinds the tenant has records of, in ascending byte
// order; see [aims.KindLister].
func (s *Store) Kinds(ctx context.Context, tenant string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkTenant(tenant); err != nil {
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	var out []string
	err := s.retry(ctx, func() error {
		out = nil
		rows, err := s.stmts[qKinds].QueryContext(ctx, tenant)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				return err
			}
			out = append(out, k)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, s.fail(ctx, "kinds", "", "", err)
	}
	return out, nil
}

type indexKey struct{ kind, id string }

// CheckIndex compares the attribute index (aims_record_attrs, which List
// filters on) with the attributes stored beside each record (which Get
// returns and the journal's digests cover); see [aims.IndexChecker]. The
// first disagreement, in kind and id order, is an [*aims.ChainError]
// naming the record. It reads the tenant's index into memory, then
// streams its records.
func (s *Store) CheckIndex(ctx context.Context, tenant string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkTenant(tenant); err != nil {
		return err
	}
	if err := s.ready(ctx); err != nil {
		return err
	}
	var index map[indexKey]map[string]string
	err := s.retry(ctx, func() error {
		index = map[indexKey]map[string]string{}
		rows, err := s.stmts[qIndexRows].QueryContext(ctx, tenant)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k indexKey
			var name, value string
			if err := rows.Scan(&k.kind, &k.id, &name, &value); err != nil {
				return err
			}
			if index[k] == nil {
				index[k] = map[string]string{}
			}
			index[k][name] = value
		}
		return rows.Err()
	})
	if err != nil {
		return s.fail(ctx, "check index", "", "", err)
	}
	var bad *aims.ChainError
	err = s.retry(ctx, func() error {
		bad = nil
		rows, err := s.stmts[qRecordAttrs].QueryContext(ctx, tenant)
		if err != nil {
			return err
		}
		defer rows.Close()
		seen := map[indexKey]bool{}
		for rows.Next() {
			var k indexKey
			var raw string
			if err := rows.Scan(&k.kind, &k.id, &raw); err != nil {
				return err
			}
			seen[k] = true
			attrs, err := decodeAttrs(raw)
			if err != nil {
				bad = &aims.ChainError{Kind: k.kind, ID: k.id, Reason: err.Error()}
				return nil
			}
			if reason := indexDiff(attrs, index[k]); reason != "" {
				bad = &aims.ChainError{Kind: k.kind, ID: k.id, Reason: reason}
				return nil
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		orphans := slices.SortedFunc(maps.Keys(index), func(a, b indexKey) int {
			return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.id, b.id))
		})
		for _, k := range orphans {
			if !seen[k] {
				bad = &aims.ChainError{Kind: k.kind, ID: k.id, Reason: "the attribute index has rows for a record that is not stored"}
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return s.fail(ctx, "check index", "", "", err)
	}
	if bad != nil {
		return bad
	}
	return nil
}

// indexDiff explains the first difference between a record's attributes
// and its index rows, in name order, or returns "".
func indexDiff(attrs, index map[string]string) string {
	names := slices.Sorted(maps.Keys(attrs))
	for _, n := range names {
		v, ok := index[n]
		switch {
		case !ok:
			return fmt.Sprintf("attribute %q is stored with the record but missing from the attribute index that List filters on", n)
		case v != attrs[n]:
			return fmt.Sprintf("attribute %q is %q in the record but %q in the attribute index that List filters on", n, attrs[n], v)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(index)) {
		if _, ok := attrs[n]; !ok {
			return fmt.Sprintf("the attribute index that List filters on has %q = %q, which the record does not", n, index[n])
		}
	}
	return ""
}
