package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
)

// listIDs pages through q and returns the ids in the order returned. It
// fails when a page exceeds the limit, comes back empty with a cursor, or
// when the listing does not end.
func listIDs(t *testing.T, s aims.Store, tenant string, q aims.Query) []string {
	t.Helper()
	var ids []string
	limit := aims.PageLimit(q.Limit)
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatalf("List(%+v) did not end after %d pages", q, pages)
		}
		page, err := s.List(t.Context(), tenant, q)
		if err != nil {
			t.Fatalf("List(%+v): %v", q, err)
		}
		if len(page.Records) > limit {
			t.Fatalf("List(%+v) returned %d records, over the limit %d", q, len(page.Records), limit)
		}
		if len(page.Records) == 0 && page.Next != "" {
			t.Fatalf("List(%+v) returned an empty page with cursor %q", q, page.Next)
		}
		for _, r := range page.Records {
			if r.Kind != q.Kind {
				t.Errorf("List(kind %q) returned a record of kind %q", q.Kind, r.Kind)
			}
			ids = append(ids, r.ID)
		}
		if page.Next == "" {
			return ids
		}
		q.After = page.Next
	}
}

func testList(t *testing.T, h Harness) {
	t.Run("Filter", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		for i, a := range []map[string]string{
			{"owner": "ana", "state": "draft"},
			{"owner": "ana", "state": "approved"},
			{"owner": "bob", "state": "draft"},
			{"owner": "ana"},
			nil,
			{"owner": "ana", "state": "draft", "extra": "x"},
		} {
			put(t, s, tenantA, record(kindX, fmt.Sprintf("w-%d", i), "x", a), 0)
		}
		tests := []struct {
			name  string
			where map[string]string
			want  []string
		}{
			{"Nil", nil, []string{"w-0", "w-1", "w-2", "w-3", "w-4", "w-5"}},
			{"Empty", map[string]string{}, []string{"w-0", "w-1", "w-2", "w-3", "w-4", "w-5"}},
			{"One", map[string]string{"owner": "ana"}, []string{"w-0", "w-1", "w-3", "w-5"}},
			{"All pairs must match", map[string]string{"owner": "ana", "state": "draft"}, []string{"w-0", "w-5"}},
			{"Missing key", map[string]string{"nope": "x"}, nil},
			{"Empty value is not absent", map[string]string{"state": ""}, nil},
			{"Value differs", map[string]string{"owner": "ANA"}, nil},
		}
		for _, tc := range tests {
			for _, limit := range []int{0, 1, 2} {
				got := listIDs(t, s, tenantA, aims.Query{Kind: kindX, Where: tc.where, Limit: limit})
				if diff := cmp.Diff(tc.want, got, recordOpts); diff != "" {
					t.Errorf("%s, limit %d: ids (-want +got):\n%s", tc.name, limit, diff)
				}
			}
		}
	})
	t.Run("KindSeparation", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		put(t, s, tenantA, record(kindX, "same", "x", nil), 0)
		put(t, s, tenantA, record(kindX, "only-x", "x", nil), 0)
		put(t, s, tenantA, record(kindY, "same", "y", nil), 0)
		if diff := cmp.Diff([]string{"only-x", "same"}, listIDs(t, s, tenantA, aims.Query{Kind: kindX})); diff != "" {
			t.Errorf("kind %s (-want +got):\n%s", kindX, diff)
		}
		if diff := cmp.Diff([]string{"same"}, listIDs(t, s, tenantA, aims.Query{Kind: kindY})); diff != "" {
			t.Errorf("kind %s (-want +got):\n%s", kindY, diff)
		}
		if got := listIDs(t, s, tenantA, aims.Query{Kind: "other"}); len(got) != 0 {
			t.Errorf("unused kind listed %v", got)
		}
		if got := get(t, s, tenantA, kindY, "same"); string(got.Data) != "y" {
			t.Errorf("%s/same data = %q, want \"y\"", kindY, got.Data)
		}
	})
	t.Run("ByteOrder", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		// Byte order, not a collation: upper case before lower, digits
		// compared as text, multi-byte UTF-8 after ASCII.
		ids := []string{"b", "B", "a", "a0", "aa", "é", "z", "10", "9", "~", "a b", "Z", "ß"}
		for _, id := range ids {
			put(t, s, tenantA, record(kindX, id, id, nil), 0)
		}
		want := slices.Clone(ids)
		slices.Sort(want) // Go compares strings byte by byte
		for _, limit := range []int{0, 1, 3} {
			got := listIDs(t, s, tenantA, aims.Query{Kind: kindX, Limit: limit})
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("limit %d: ids (-want +got):\n%s", limit, diff)
			}
		}
	})
	t.Run("Pagination", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		var want []string
		for i := range 24 {
			id := fmt.Sprintf("w-%03d", i)
			want = append(want, id)
			put(t, s, tenantA, record(kindX, id, "x", map[string]string{"even": fmt.Sprint(i%2 == 0)}), 0)
		}
		// 24 is a multiple of 4, 6 and 8: the last full page must still
		// say it is the last.
		for _, limit := range []int{1, 4, 5, 6, 8, 24, 25} {
			got := listIDs(t, s, tenantA, aims.Query{Kind: kindX, Limit: limit})
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("limit %d: ids (-want +got):\n%s", limit, diff)
			}
		}
		var even []string
		for i := 0; i < 24; i += 2 {
			even = append(even, want[i])
		}
		for _, limit := range []int{1, 3, 5, 12} {
			got := listIDs(t, s, tenantA, aims.Query{Kind: kindX, Where: map[string]string{"even": "true"}, Limit: limit})
			if diff := cmp.Diff(even, got); diff != "" {
				t.Errorf("filtered, limit %d: ids (-want +got):\n%s", limit, diff)
			}
		}
		// A full page followed by nothing is the last page.
		page, err := s.List(t.Context(), tenantA, aims.Query{Kind: kindX, Limit: 24})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(page.Records) != 24 || page.Next != "" {
			t.Errorf("List(limit 24) over 24 records: %d records, Next %q; want 24 and no cursor", len(page.Records), page.Next)
		}
		// A cursor need not name an existing record: After is exclusive.
		page, err = s.List(t.Context(), tenantA, aims.Query{Kind: kindX, After: "w-0105", Limit: 2})
		if err != nil {
			t.Fatalf("List after a cursor that is not an id: %v", err)
		}
		var got []string
		for _, r := range page.Records {
			got = append(got, r.ID)
		}
		if diff := cmp.Diff([]string{"w-011", "w-012"}, got); diff != "" {
			t.Errorf("List(After w-0105, limit 2) (-want +got):\n%s", diff)
		}
	})
	t.Run("PageLimits", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		for i := range aims.MaxPageSize + 1 {
			put(t, s, tenantA, record(kindX, fmt.Sprintf("w-%05d", i), "x", nil), 0)
		}
		tests := []struct {
			limit, want int
		}{
			{0, aims.DefaultPageSize},
			{-5, aims.DefaultPageSize},
			{aims.MaxPageSize + 1, aims.MaxPageSize},
			{1 << 30, aims.MaxPageSize},
			{7, 7},
		}
		for _, tc := range tests {
			page, err := s.List(t.Context(), tenantA, aims.Query{Kind: kindX, Limit: tc.limit})
			if err != nil {
				t.Fatalf("List(limit %d): %v", tc.limit, err)
			}
			if len(page.Records) != tc.want || page.Next == "" {
				t.Errorf("List(limit %d): %d records, Next %q; want %d and a cursor", tc.limit, len(page.Records), page.Next, tc.want)
			}
		}
	})
	t.Run("StableUnderInserts", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		const n = 500
		existing := map[string]bool{}
		for i := range n {
			id := fmt.Sprintf("p-%04d", i)
			existing[id] = true
			put(t, s, tenantA, record(kindX, id, "x", nil), 0)
			if i%3 == 0 { // doomed records, deleted while the reader pages
				put(t, s, tenantA, record(kindX, id+"-d", "x", nil), 0)
			}
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				j := (i * 7919) % n // spread the writes over the id range
				id := fmt.Sprintf("p-%04d", j)
				if _, err := s.Put(t.Context(), tenantA, record(kindX, fmt.Sprintf("%s-n%d", id, i), "new", nil), 0); err != nil {
					t.Errorf("concurrent insert: %v", err)
					return
				}
				if j%3 == 0 {
					_ = s.Delete(t.Context(), tenantA, kindX, id+"-d", 1) // gone already after the first pass
				}
				if i < 20 {
					// Also insert before and after the whole range.
					_, _ = s.Put(t.Context(), tenantA, record(kindX, fmt.Sprintf("a-%d", i), "new", nil), 0)
					_, _ = s.Put(t.Context(), tenantA, record(kindX, fmt.Sprintf("z-%d", i), "new", nil), 0)
				}
			}
		})
		got := listIDs(t, s, tenantA, aims.Query{Kind: kindX, Limit: 7})
		close(stop)
		wg.Wait()
		seen := map[string]int{}
		for i, id := range got {
			seen[id]++
			if i > 0 && got[i-1] >= id {
				t.Errorf("ids out of order: %q then %q", got[i-1], id)
			}
		}
		for id, c := range seen {
			if c > 1 {
				t.Errorf("record %s listed %d times", id, c)
			}
		}
		for id := range existing {
			if seen[id] != 1 {
				t.Errorf("pre-existing record %s listed %d times, want once", id, seen[id])
			}
		}
	})
}
