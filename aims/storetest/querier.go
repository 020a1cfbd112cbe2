package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/aimsgo/iso42001/aims"
)

// The Querier case joins the suite at package initialisation, so every
// store running [Run] runs it: stores implementing [aims.Querier] are
// checked against the contract, and every store is checked through the
// package functions (aims.Count, aims.GroupCount, aims.Select), which
// fall back on List for stores without it.
func init() {
	cases = append(cases, testCase{"Querier", testQuerier})
}

// listOnly hides every capability of a store but [aims.Store], so the
// package functions take their List fallback: the reference the
// store's own Querier must agree with.
type listOnly struct{ aims.Store }

// querierFixture writes 25 widgets in tenant A (owners ana, bob, cy in
// turn; every third without a "level"; one with a value needing no
// escaping but holding a comma), a gadget and one widget in tenant B.
func querierFixture(t *testing.T, s aims.Store) {
	t.Helper()
	owners := []string{"ana", "bob", "cy"}
	for i := range 25 {
		attrs := map[string]string{"owner": owners[i%3], "state": "open"}
		if i%3 != 0 {
			attrs["level"] = []string{"low", "high"}[i%2]
		}
		if i == 7 {
			attrs["state"] = "closed"
			attrs["note"] = "a, b"
		}
		put(t, s, tenantA, record(kindX, fmt.Sprintf("w-%02d", i), "doc", attrs), 0)
	}
	put(t, s, tenantA, record(kindY, "g-1", "doc", map[string]string{"owner": "ana", "level": "low"}), 0)
	put(t, s, tenantB, record(kindX, "w-00", "doc", map[string]string{"owner": "ana", "level": "low"}), 0)
}

func testQuerier(t *testing.T, h Harness) {
	s := h(t)
	querierFixture(t, s)
	ctx := t.Context()
	_, native := s.(aims.Querier)
	t.Logf("store implements aims.Querier: %v", native)
	ref := listOnly{s}

	for _, where := range []map[string]string{
		nil,
		{"owner": "ana"},
		{"owner": "ana", "state": "open"},
		{"level": "high", "state": "open"},
		{"owner": "nobody"},
		{"note": "a, b"},
	} {
		q := aims.Query{Kind: kindX, Where: where}
		n, err := aims.Count(ctx, s, tenantA, q)
		if err != nil {
			t.Fatalf("Count(%v): %v", where, err)
		}
		want := len(listIDs(t, s, tenantA, q))
		if n != want {
			t.Errorf("Count(%v) = %d, want %d (the records List returns)", where, n, want)
		}
		if rn, err := aims.Count(ctx, ref, tenantA, q); err != nil || rn != want {
			t.Errorf("Count(%v) over List = %d, %v; want %d", where, rn, err, want)
		}

		groups, err := aims.GroupCount(ctx, s, tenantA, q, "level")
		if err != nil {
			t.Fatalf("GroupCount(%v, level): %v", where, err)
		}
		refGroups, err := aims.GroupCount(ctx, ref, tenantA, q, "level")
		if err != nil {
			t.Fatalf("GroupCount(%v, level) over List: %v", where, err)
		}
		if d := cmp.Diff(refGroups, groups, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("GroupCount(%v, level) differs from List's (-list +store):\n%s", where, d)
		}

		for _, limit := range []int{0, 1, 4, 1000} {
			q.Limit = limit
			got := selectAll(t, s, q, []string{"level", "owner", "missing", "note"})
			wantRows := selectAll(t, ref, q, []string{"level", "owner", "missing", "note"})
			if d := cmp.Diff(wantRows, got, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("Select(%v, limit %d) differs from List's (-list +store):\n%s", where, limit, d)
			}
		}
	}

	t.Run("Values", func(t *testing.T) {
		rows, err := aims.Select(ctx, s, tenantA, aims.Query{Kind: kindX, Limit: 3}, []string{"owner", "level", "state"})
		if err != nil {
			t.Fatal(err)
		}
		want := aims.Rows{Rows: []aims.Row{
			{ID: "w-00", Version: 1, Values: []string{"ana", "", "open"}},
			{ID: "w-01", Version: 1, Values: []string{"bob", "high", "open"}},
			{ID: "w-02", Version: 1, Values: []string{"cy", "low", "open"}},
		}, Next: "w-02"}
		if d := cmp.Diff(want, rows); d != "" {
			t.Errorf("Select first page (-want +got):\n%s", d)
		}
		g, err := aims.GroupCount(ctx, s, tenantA, aims.Query{Kind: kindX}, "owner")
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(map[string]int{"ana": 9, "bob": 8, "cy": 8}, g); d != "" {
			t.Errorf("GroupCount(owner) (-want +got):\n%s", d)
		}
	})

	t.Run("Versions", func(t *testing.T) {
		s := h(t)
		v := put(t, s, tenantA, record(kindX, "v", "1", map[string]string{"level": "low"}), 0)
		put(t, s, tenantA, record(kindX, "v", "2", map[string]string{"level": "high"}), v)
		rows, err := aims.Select(ctx, s, tenantA, aims.Query{Kind: kindX}, []string{"level"})
		if err != nil {
			t.Fatal(err)
		}
		want := aims.Rows{Rows: []aims.Row{{ID: "v", Version: 2, Values: []string{"high"}}}}
		if d := cmp.Diff(want, rows); d != "" {
			t.Errorf("Select after an update (-want +got):\n%s", d)
		}
		if g, err := aims.GroupCount(ctx, s, tenantA, aims.Query{Kind: kindX}, "level"); err != nil || len(g) != 1 || g["high"] != 1 {
			t.Errorf("GroupCount after an update = %v, %v; want map[high:1]", g, err)
		}
		if n, err := aims.Count(ctx, s, tenantA, aims.Query{Kind: kindX, Where: map[string]string{"level": "low"}}); err != nil || n != 0 {
			t.Errorf("Count(level=low) after an update = %d, %v; want 0 (the old value is gone)", n, err)
		}
		if err := s.Delete(ctx, tenantA, kindX, "v", 2); err != nil {
			t.Fatal(err)
		}
		if n, err := aims.Count(ctx, s, tenantA, aims.Query{Kind: kindX, Where: map[string]string{"level": "high"}}); err != nil || n != 0 {
			t.Errorf("Count(level=high) after a delete = %d, %v; want 0", n, err)
		}
		if g, err := aims.GroupCount(ctx, s, tenantA, aims.Query{Kind: kindX}, "level"); err != nil || len(g) != 0 {
			t.Errorf("GroupCount after a delete = %v, %v; want none", g, err)
		}
	})

	t.Run("TenantIsolation", func(t *testing.T) {
		if n, err := aims.Count(ctx, s, tenantB, aims.Query{Kind: kindX}); err != nil || n != 1 {
			t.Errorf("Count(tenant B) = %d, %v; want 1", n, err)
		}
		if n, err := aims.Count(ctx, s, "tenant-c", aims.Query{Kind: kindX}); err != nil || n != 0 {
			t.Errorf("Count(empty tenant) = %d, %v; want 0", n, err)
		}
		if n, err := aims.Count(ctx, s, tenantA, aims.Query{Kind: "none"}); err != nil || n != 0 {
			t.Errorf("Count(unknown kind) = %d, %v; want 0", n, err)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		for _, st := range []aims.Store{s, ref} {
			_, err := aims.Count(ctx, st, "", aims.Query{Kind: kindX})
			wantErr(t, "Count with an empty tenant", err, aims.ErrInvalid)
			_, err = aims.Count(ctx, st, tenantA, aims.Query{})
			wantErr(t, "Count without a kind", err, aims.ErrInvalid)
			_, err = aims.GroupCount(ctx, st, tenantA, aims.Query{Kind: kindX}, "")
			wantErr(t, "GroupCount of an empty attribute", err, aims.ErrInvalid)
			_, err = aims.Select(ctx, st, tenantA, aims.Query{Kind: kindX}, []string{"ok", "bad\n"})
			wantErr(t, "Select of an invalid attribute", err, aims.ErrInvalid)
			_, err = aims.Select(ctx, st, tenantA, aims.Query{Kind: kindX, Where: map[string]string{"": "x"}}, nil)
			wantErr(t, "Select with an invalid Where key", err, aims.ErrInvalid)
		}
	})

	t.Run("Cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := aims.Count(cctx, s, tenantA, aims.Query{Kind: kindX, Where: map[string]string{"owner": "ana"}}); err == nil {
			t.Error("Count with a cancelled context succeeded")
		}
		if _, err := aims.GroupCount(cctx, s, tenantA, aims.Query{Kind: kindX}, "owner"); err == nil {
			t.Error("GroupCount with a cancelled context succeeded")
		}
		if _, err := aims.Select(cctx, s, tenantA, aims.Query{Kind: kindX}, []string{"owner"}); err == nil {
			t.Error("Select with a cancelled context succeeded")
		}
	})
}

// selectAll pages through aims.Select, checking each page's size and
// cursor as listIDs does for List.
func selectAll(t *testing.T, s aims.Store, q aims.Query, attrs []string) []aims.Row {
	t.Helper()
	var out []aims.Row
	limit := aims.PageLimit(q.Limit)
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatalf("Select(%+v) did not end", q)
		}
		page, err := aims.Select(t.Context(), s, tenantA, q, attrs)
		if err != nil {
			t.Fatalf("Select(%+v): %v", q, err)
		}
		if len(page.Rows) > limit {
			t.Fatalf("Select(%+v) returned %d rows, over the limit %d", q, len(page.Rows), limit)
		}
		if len(page.Rows) == 0 && page.Next != "" {
			t.Fatalf("Select(%+v) returned an empty page with cursor %q", q, page.Next)
		}
		for _, r := range page.Rows {
			if len(r.Values) != len(attrs) {
				t.Fatalf("Select(%+v) row %s has %d values for %d attributes", q, r.ID, len(r.Values), len(attrs))
			}
		}
		out = append(out, page.Rows...)
		if page.Next == "" {
			return out
		}
		q.After = page.Next
	}
}
