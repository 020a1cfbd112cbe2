package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/aimsgo/iso42001/aims"
)

var _ aims.Querier = (*Store)(nil)

// filter validates q as List does and returns the WHERE clause that
// selects q.Kind's records of the tenant matching q.Where, for the
// records table aliased r, with its arguments (tenant and kind first).
// Each pair is an EXISTS on the attribute table's (tenant, kind, name,
// value) index, keys in sorted order so the same filter set always makes
// the same statement.
func (s *Store) filter(tenant string, q aims.Query, alias string) (string, []any, error) {
	if err := checkTenant(tenant); err != nil {
		return "", nil, err
	}
	var p aims.Problems
	if !aims.ValidName(q.Kind) {
		p.Addf("kind", "must be 1-200 printable bytes, got %q", q.Kind)
	}
	if !storable(q.After) {
		p.Addf("after", "must be valid UTF-8 without NUL bytes, got %q", q.After)
	}
	keys := make([]string, 0, len(q.Where))
	for k, v := range q.Where {
		if !aims.ValidName(k) {
			p.Addf("where", "key %q must be 1-200 printable bytes", k)
		} else if !storable(v) {
			p.Addf("where["+k+"]", "value must be valid UTF-8 without NUL bytes, got %q", v)
		}
		keys = append(keys, k)
	}
	if err := p.Err(); err != nil {
		return "", nil, err
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString(alias + `.tenant = ? AND ` + alias + `.kind = ?`)
	args := make([]any, 0, 3+2*len(keys))
	args = append(args, tenant, q.Kind)
	for _, k := range keys {
		b.WriteString(` AND EXISTS (SELECT 1 FROM ` + tableAttrs + ` w WHERE w.tenant = ` + alias + `.tenant AND w.kind = ` +
			alias + `.kind AND w.id = ` + alias + `.id AND w.name = ? AND w.value = ?)`)
		args = append(args, k, q.Where[k])
	}
	return b.String(), args, nil
}

// query runs a read statement, prepared and kept like List's (at most
// maxListStmts distinct texts), retried on lock contention; scan reads
// the rows and is called again on a retry.
func (s *Store) query(ctx context.Context, text string, args []any, scan func(*sql.Rows) error) error {
	text = s.dialect.rebind(text)
	st := s.listStmt(ctx, text)
	return s.retry(ctx, func() error {
		var rows *sql.Rows
		var err error
		if st != nil {
			rows, err = st.QueryContext(ctx, args...)
		} else {
			rows, err = s.db.QueryContext(ctx, text, args...)
		}
		if err != nil {
			return err
		}
		defer rows.Close()
		if err := scan(rows); err != nil {
			return err
		}
		return rows.Err()
	})
}

// Count returns how many of q.Kind's records match q.Where, counted by
// the database; see [aims.Querier].
func (s *Store) Count(ctx context.Context, tenant string, q aims.Query) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	q.After = ""
	where, args, err := s.filter(tenant, q, "r")
	if err != nil {
		return 0, err
	}
	if err := s.ready(ctx); err != nil {
		return 0, err
	}
	var n int64
	err = s.query(ctx, `SELECT COUNT(*) FROM `+tableRecords+` r WHERE `+where, args, func(rows *sql.Rows) error {
		n = 0
		for rows.Next() {
			if err := rows.Scan(&n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, s.fail(ctx, "count", q.Kind, "", err)
	}
	return int(n), nil
}

// GroupCount returns how many of the records matching q hold each value
// of attr, grouped by the database on the attribute index; see
// [aims.Querier].
func (s *Store) GroupCount(ctx context.Context, tenant string, q aims.Query, attr string) (map[string]int, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := aims.CheckSelect(attr); err != nil {
		return nil, err
	}
	q.After = ""
	where, args, err := s.filter(tenant, q, "a")
	if err != nil {
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	args = append(args, attr)
	var out map[string]int
	err = s.query(ctx, `SELECT a.value, COUNT(*) FROM `+tableAttrs+` a WHERE `+where+` AND a.name = ? GROUP BY a.value`, args,
		func(rows *sql.Rows) error {
			out = map[string]int{}
			for rows.Next() {
				var v string
				var n int64
				if err := rows.Scan(&v, &n); err != nil {
					return err
				}
				out[v] = int(n)
			}
			return nil
		})
	if err != nil {
		return nil, s.fail(ctx, "group count", q.Kind, "", err)
	}
	return out, nil
}

// Select returns one page of the records matching q with the values of
// attrs, read from the records' attribute column without their data; see
// [aims.Querier].
func (s *Store) Select(ctx context.Context, tenant string, q aims.Query, attrs []string) (aims.Rows, error) {
	if err := ctx.Err(); err != nil {
		return aims.Rows{}, err
	}
	if err := aims.CheckSelect(attrs...); err != nil {
		return aims.Rows{}, err
	}
	where, args, err := s.filter(tenant, q, "r")
	if err != nil {
		return aims.Rows{}, err
	}
	if err := s.ready(ctx); err != nil {
		return aims.Rows{}, err
	}
	limit := aims.PageLimit(q.Limit)
	// One row more than the page tells whether another page follows.
	args = append(args, q.After, limit+1)
	var out aims.Rows
	err = s.query(ctx, `SELECT r.id, r.version, r.attrs FROM `+tableRecords+` r WHERE `+where+` AND r.id > ? ORDER BY r.id LIMIT ?`, args,
		func(rows *sql.Rows) error {
			out = aims.Rows{Rows: make([]aims.Row, 0, min(limit+1, 64))}
			var vals []string
			for rows.Next() {
				var row aims.Row
				var raw string
				if err := rows.Scan(&row.ID, &row.Version, &raw); err != nil {
					return err
				}
				m, err := decodeAttrs(raw)
				if err != nil {
					return fmt.Errorf("record %s/%s: %w", q.Kind, row.ID, err)
				}
				if len(vals) < len(attrs) {
					vals = make([]string, len(attrs)*min(limit+1, 256))
				}
				row.Values = vals[:len(attrs):len(attrs)]
				vals = vals[len(attrs):]
				for j, a := range attrs {
					row.Values[j] = m[a]
				}
				out.Rows = append(out.Rows, row)
			}
			return nil
		})
	if err != nil {
		return aims.Rows{}, s.fail(ctx, "select", q.Kind, "", err)
	}
	if len(out.Rows) > limit {
		out.Rows = out.Rows[:limit]
		out.Next = out.Rows[limit-1].ID
	}
	return out, nil
}
