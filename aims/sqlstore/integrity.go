package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
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

// checkPage is the number of records CheckIndex reads at a time.
const checkPage = 1000

// CheckIndex compares the attribute index (aims_record_attrs, which List
// filters on) with the attributes stored beside each record (which Get
// returns and the journal's digests cover); see [aims.IndexChecker]. The
// first record whose index disagrees, in kind and id order, is an
// [*aims.ChainError] naming it; failing that, the first index row with
// no record. It reads the records in pages of 1,000 in key order, each
// with the index rows of the same key range, so its memory does not grow
// with the tenant.
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
	var after indexKey // "" sorts before every kind: the first page
	var orphan *aims.ChainError
	for {
		var recs []indexKey
		var raws []string
		var index map[indexKey]map[string]string
		err := s.retry(ctx, func() error {
			recs, raws = recs[:0], raws[:0]
			rows, err := s.stmts[qRecordAttrs].QueryContext(ctx, tenant, after.kind, after.id, checkPage)
			if err != nil {
				return err
			}
			for rows.Next() {
				var k indexKey
				var raw string
				if err := rows.Scan(&k.kind, &k.id, &raw); err != nil {
					rows.Close()
					return err
				}
				recs, raws = append(recs, k), append(raws, raw)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if err := rows.Err(); err != nil {
				return err
			}
			index = map[indexKey]map[string]string{}
			if len(recs) == 0 {
				// Past the last record: any index row left is an orphan.
				var k indexKey
				var name, value string
				err := s.stmts[qIndexTail].QueryRowContext(ctx, tenant, after.kind, after.id).Scan(&k.kind, &k.id, &name, &value)
				if errors.Is(err, sql.ErrNoRows) {
					return nil
				}
				if err == nil {
					index[k] = map[string]string{name: value}
				}
				return err
			}
			return s.readIndexRows(ctx, tenant, after, recs, index)
		})
		if err != nil {
			return s.fail(ctx, "check index", "", "", err)
		}
		for i, k := range recs {
			attrs, err := decodeAttrs(raws[i])
			if err != nil {
				return &aims.ChainError{Kind: k.kind, ID: k.id, Reason: err.Error()}
			}
			if reason := indexDiff(attrs, index[k]); reason != "" {
				return &aims.ChainError{Kind: k.kind, ID: k.id, Reason: reason}
			}
			delete(index, k)
		}
		if orphan == nil && len(index) > 0 {
			k := slices.MinFunc(slices.Collect(maps.Keys(index)), func(a, b indexKey) int {
				return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.id, b.id))
			})
			orphan = &aims.ChainError{Kind: k.kind, ID: k.id, Reason: "the attribute index has rows for a record that is not stored"}
		}
		if len(recs) == 0 {
			break
		}
		after = recs[len(recs)-1]
	}
	if orphan != nil {
		return orphan
	}
	return nil
}

// readIndexRows adds to index the attribute index rows of the key range
// from after (exclusive) to the last of recs (inclusive), recs being the
// records of that range in key order. For each kind of recs that is not
// the kind of the record before it, that record's kind after it and the
// kinds strictly between the two (which hold no record: any row there is
// an orphan); then the kind's own rows up to its last record of recs.
func (s *Store) readIndexRows(ctx context.Context, tenant string, after indexKey, recs []indexKey, index map[indexKey]map[string]string) error {
	read := func(q queryID, args ...any) error {
		rows, err := s.stmts[q].QueryContext(ctx, args...)
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
	}
	prev := after
	for i := 0; i < len(recs); {
		kind := recs[i].kind
		j := i
		for j < len(recs) && recs[j].kind == kind {
			j++
		}
		from := ""
		if kind == prev.kind {
			from = prev.id
		} else {
			if prev.kind != "" {
				if err := read(qIndexAfter, tenant, prev.kind, prev.id); err != nil {
					return err
				}
			}
			if err := read(qIndexBetween, tenant, prev.kind, kind); err != nil {
				return err
			}
		}
		// ids are never empty, so id > "" is the whole kind from its start.
		if err := read(qIndexRows, tenant, kind, from, recs[j-1].id); err != nil {
			return err
		}
		prev, i = recs[j-1], j
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
