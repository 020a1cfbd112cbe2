package aims

import (
	"context"
	"fmt"
	"iter"
	"strings"
)

// Querier is an optional [Store] capability: reads over a whole kind that
// the store answers from its attribute index, without fetching or
// returning the documents. A SQL store pushes the filter, the count and
// the grouping into one statement; an in-memory store walks its index
// without copying records. Callers use the package functions [Count],
// [GroupCount], [Select] and [SelectAll], which fall back on paging
// [Store.List] for stores without it, with the same results.
//
// Every method takes a [Query] whose Kind and Where select the records
// exactly as [Store.List] does; Count and GroupCount ignore After and
// Limit, Select pages like List (After is the cursor, Limit the page
// size, at most [MaxPageSize]). Errors are those of List: [ErrInvalid]
// for an empty tenant or kind, an invalid Where key or attribute name.
type Querier interface {
	// Count returns how many of q.Kind's records match q.Where.
	Count(ctx context.Context, tenant string, q Query) (int, error)
	// GroupCount returns, for q.Kind's records matching q.Where, how many
	// hold each value of the attribute attr. Records without attr are not
	// counted; a value no record holds is absent from the map.
	GroupCount(ctx context.Context, tenant string, q Query, attr string) (map[string]int, error)
	// Select returns one page of the records matching q, in ascending byte
	// order of ID as List does, each with its version and the values of
	// attrs (in that order; "" for an attribute the record lacks) instead
	// of its document.
	Select(ctx context.Context, tenant string, q Query, attrs []string) (Rows, error)
}

// Row is one record of a [Querier.Select]: its id, version and the values
// of the selected attributes, in the order they were asked for ("" when the
// record lacks one).
type Row struct {
	ID      string
	Version int64
	Values  []string
}

// Rows is one page of a [Querier.Select]: Next is the cursor of the next
// page, or empty when this is the last one.
type Rows struct {
	Rows []Row
	Next string
}

// CheckSelect returns an [ErrInvalid] error naming the first attribute
// name of a Select or GroupCount that is not a [ValidName]; Querier
// implementations call it before reading.
func CheckSelect(attrs ...string) error {
	for i, a := range attrs {
		if !ValidName(a) {
			return Invalid(fmt.Sprintf("attrs[%d]", i), fmt.Sprintf("must be 1-%d printable bytes, got %q", maxName, a))
		}
	}
	return nil
}

// Count returns how many of q.Kind's records in the tenant match q.Where:
// in the store when it is a [Querier], else by paging [Store.List].
func Count(ctx context.Context, s Store, tenant string, q Query) (int, error) {
	if qr, ok := s.(Querier); ok {
		return qr.Count(ctx, tenant, q)
	}
	n := 0
	for _, err := range listAll(ctx, s, tenant, q) {
		if err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// GroupCount returns, for q.Kind's records matching q.Where, how many hold
// each value of attr (records without it are not counted): in the store
// when it is a [Querier], else by paging [Store.List].
func GroupCount(ctx context.Context, s Store, tenant string, q Query, attr string) (map[string]int, error) {
	if qr, ok := s.(Querier); ok {
		return qr.GroupCount(ctx, tenant, q, attr)
	}
	if err := CheckSelect(attr); err != nil {
		return nil, err
	}
	out := map[string]int{}
	for rec, err := range listAll(ctx, s, tenant, q) {
		if err != nil {
			return nil, err
		}
		if v, ok := rec.Attrs[attr]; ok {
			out[v]++
		}
	}
	return out, nil
}

// Select returns one page of [Querier.Select]: from the store when it is a
// Querier, else from one page of [Store.List] with each record's
// attributes picked out.
func Select(ctx context.Context, s Store, tenant string, q Query, attrs []string) (Rows, error) {
	if qr, ok := s.(Querier); ok {
		return qr.Select(ctx, tenant, q, attrs)
	}
	if err := CheckSelect(attrs...); err != nil {
		return Rows{}, err
	}
	page, err := s.List(ctx, tenant, q)
	if err != nil {
		return Rows{}, err
	}
	out := Rows{Rows: make([]Row, len(page.Records)), Next: page.Next}
	vals := make([]string, len(page.Records)*len(attrs))
	for i, rec := range page.Records {
		row := vals[i*len(attrs) : (i+1)*len(attrs) : (i+1)*len(attrs)]
		for j, a := range attrs {
			row[j] = rec.Attrs[a]
		}
		out.Rows[i] = Row{ID: rec.ID, Version: rec.Version, Values: row}
	}
	return out, nil
}

// SelectAll yields every row of [Select] over all pages (q.After and
// q.Limit are ignored: it reads pages of [MaxPageSize] from the start).
// It stops after yielding an error. Each page is one read, so rows of
// different pages may reflect writes made in between, as with List.
func SelectAll(ctx context.Context, s Store, tenant string, q Query, attrs []string) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		q.After, q.Limit = "", MaxPageSize
		for {
			page, err := Select(ctx, s, tenant, q, attrs)
			if err != nil {
				yield(Row{}, E("select", q.Kind, "", err))
				return
			}
			for _, row := range page.Rows {
				if !yield(row, nil) {
					return
				}
			}
			if page.Next == "" {
				return
			}
			q.After = page.Next
		}
	}
}

// listAll yields every record of q from the first page.
func listAll(ctx context.Context, s Store, tenant string, q Query) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		q.After, q.Limit = "", MaxPageSize
		for {
			page, err := s.List(ctx, tenant, q)
			if err != nil {
				yield(Record{}, err)
				return
			}
			for _, rec := range page.Records {
				if !yield(rec, nil) {
					return
				}
			}
			if page.Next == "" {
				return
			}
			q.After = page.Next
		}
	}
}

// JoinAttr encodes a list of values as one attribute value, so that a
// multi-valued field (the controls a treatment chose, say) fits the
// index, which holds one value per name: the values in order, separated
// by ",", each with "%" written as "%25" and "," as "%2C", and an empty
// value written as "%E". An empty list is "" (callers leave such an
// attribute out). [SplitAttr] reverses it exactly.
func JoinAttr(values []string) string {
	var b strings.Builder
	for i, v := range values {
		if i > 0 {
			b.WriteByte(',')
		}
		if v == "" {
			b.WriteString("%E")
			continue
		}
		for j := 0; j < len(v); j++ {
			switch v[j] {
			case '%':
				b.WriteString("%25")
			case ',':
				b.WriteString("%2C")
			default:
				b.WriteByte(v[j])
			}
		}
	}
	return b.String()
}

// SplitAttr decodes what [JoinAttr] wrote; "" is the empty list. A value
// JoinAttr cannot have written (a "%" not followed by 25, 2C or E) is an
// [ErrInvalid] error.
func SplitAttr(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	for i, p := range parts {
		if strings.IndexByte(p, '%') < 0 {
			continue
		}
		if p == "%E" {
			parts[i] = ""
			continue
		}
		var b strings.Builder
		for j := 0; j < len(p); j++ {
			if p[j] != '%' {
				b.WriteByte(p[j])
				continue
			}
			switch {
			case strings.HasPrefix(p[j:], "%25"):
				b.WriteByte('%')
			case strings.HasPrefix(p[j:], "%2C"):
				b.WriteByte(',')
			default:
				return nil, Invalid("attribute", fmt.Sprintf("%q is not a list written by JoinAttr", s))
			}
			j += 2
		}
		parts[i] = b.String()
	}
	return parts, nil
}
