package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
)

// withSeqs returns copies of es renumbered to seqs (hashes left stale: the
// store does not check them).
func withSeqs(es []aims.Entry, seqs ...uint64) []aims.Entry {
	out := make([]aims.Entry, len(seqs))
	for i, s := range seqs {
		out[i] = es[i%len(es)]
		out[i].Seq = s
	}
	return out
}

func testJournal(t *testing.T, h Harness) {
	t.Run("Empty", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		wantHead(t, s, tenantA, 0)
		got, err := s.ReadJournal(t.Context(), tenantA, 1, 0)
		if err != nil || len(got) != 0 {
			t.Errorf("ReadJournal of an empty journal = %d entries, %v; want none, nil", len(got), err)
		}
	})
	t.Run("Sequence", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		es := entries(nil, 4, "ana")
		if err := s.Append(t.Context(), tenantA, es[0]); err != nil {
			t.Fatalf("Append(seq 1): %v", err)
		}
		wantHead(t, s, tenantA, 1)
		if err := s.Append(t.Context(), tenantA, es[1:]...); err != nil {
			t.Fatalf("Append(seq 2-4): %v", err)
		}
		wantHead(t, s, tenantA, 4)
		head, err := s.Head(t.Context(), tenantA)
		if err != nil {
			t.Fatalf("Head: %v", err)
		}
		if diff := cmp.Diff(es[3], head); diff != "" {
			t.Errorf("Head (-want +got):\n%s", diff)
		}
	})
	t.Run("Rejects", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name    string
			present int // entries appended first
			seqs    []uint64
		}{
			{"ZeroOnEmpty", 0, []uint64{0}},
			{"TwoOnEmpty", 0, []uint64{2}},
			{"GapInsideOnEmpty", 0, []uint64{1, 2, 4}},
			{"Duplicate", 3, []uint64{3}},
			{"Restart", 3, []uint64{1}},
			{"Gap", 3, []uint64{5}},
			{"GapInside", 3, []uint64{4, 5, 7}},
			{"DuplicateInside", 3, []uint64{4, 4}},
			{"Descending", 3, []uint64{5, 4}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				s := h(t)
				before := entries(nil, tc.present, "ana")
				if tc.present > 0 {
					if err := s.Append(t.Context(), tenantA, before...); err != nil {
						t.Fatalf("Append: %v", err)
					}
				}
				err := s.Append(t.Context(), tenantA, withSeqs(entries(nil, 3, "eve"), tc.seqs...)...)
				wantErr(t, fmt.Sprintf("Append(seqs %v) after %d entries", tc.seqs, tc.present), err, aims.ErrConflict)
				got := readAll(t, s, tenantA)
				if diff := cmp.Diff(before, got, recordOpts); diff != "" {
					t.Errorf("journal after a refused Append (-want +got):\n%s", diff)
				}
			})
		}
	})
	t.Run("ReadPaging", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		es := entries(nil, aims.MaxPageSize+5, "ana")
		if err := s.Append(t.Context(), tenantA, es...); err != nil {
			t.Fatalf("Append(%d entries): %v", len(es), err)
		}
		tests := []struct {
			from  uint64
			limit int
			first uint64 // 0 when the result is empty
			n     int
		}{
			{1, 10, 1, 10},
			{11, 10, 11, 10},
			{0, 5, 1, 5},
			{1000, 10, 1000, 6},
			{1005, 1, 1005, 1},
			{1006, 10, 0, 0},
			{1 << 40, 10, 0, 0},
			{1, 0, 1, aims.DefaultPageSize},
			{1, -1, 1, aims.DefaultPageSize},
			{1, aims.MaxPageSize + 100, 1, aims.MaxPageSize},
		}
		for _, tc := range tests {
			got, err := s.ReadJournal(t.Context(), tenantA, tc.from, tc.limit)
			if err != nil {
				t.Errorf("ReadJournal(%d, %d): %v", tc.from, tc.limit, err)
				continue
			}
			var want []aims.Entry
			if tc.n > 0 {
				want = es[tc.first-1 : int(tc.first-1)+tc.n]
			}
			if diff := cmp.Diff(want, got, recordOpts); diff != "" {
				t.Errorf("ReadJournal(%d, %d) (-want +got):\n%s", tc.from, tc.limit, diff)
			}
		}
		if n, err := aims.VerifyJournal(t.Context(), s, tenantA); err != nil || n != len(es) {
			t.Errorf("VerifyJournal = %d, %v; want %d, nil", n, err, len(es))
		}
	})
	t.Run("Verbatim", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		zone := time.FixedZone("IST", 5*3600+1800)
		es := []aims.Entry{
			{Time: baseTime, Actor: "ana", Kind: kindX, ID: "w-1", Event: aims.EventCreate, To: "draft", Version: 1, Digest: aims.Digest([]byte("a"))},
			{Time: time.Date(2024, 2, 29, 23, 59, 59, 999999999, zone), Actor: "bob@example.com", Kind: kindY, ID: "g/ü 1", Event: "approve", From: "draft", To: "approved", Version: 7, Digest: aims.Digest(nil)},
			{Time: time.Date(1999, 12, 31, 0, 0, 0, 1, time.UTC), Actor: "system", Kind: kindX, ID: "w-1", Event: aims.EventDelete, Version: 1 << 40, Digest: aims.Digest([]byte("z"))},
			{Time: time.Unix(0, 0).UTC(), Actor: "x", Event: "note"},
		}
		var prev *aims.Entry
		for i := range es {
			aims.Seal(tenantA, &es[i], prev)
			prev = &es[i]
		}
		if err := s.Append(t.Context(), tenantA, es...); err != nil {
			t.Fatalf("Append: %v", err)
		}
		got := readAll(t, s, tenantA)
		// cmp compares time.Time with its Equal method: the same instant
		// to the nanosecond, in any location.
		if diff := cmp.Diff(es, got); diff != "" {
			t.Errorf("entries read back (-want +got):\n%s", diff)
		}
		for i := range got {
			if h := aims.EntryHash(tenantA, &got[i]); h != es[i].Hash {
				t.Errorf("entry %d hashes to %s after the round trip, want %s", got[i].Seq, h, es[i].Hash)
			}
		}
	})
	t.Run("ConcurrentAppend", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		const writers, each = 8, 25
		won := make([][]uint64, writers)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				actor := fmt.Sprintf("writer-%d", w)
				for len(won[w]) < each {
					var prev *aims.Entry
					head, err := s.Head(t.Context(), tenantA)
					switch {
					case err == nil:
						prev = &head
					case !errors.Is(err, aims.ErrNotFound):
						t.Errorf("%s: Head: %v", actor, err)
						return
					}
					e := aims.Entry{Time: baseTime, Actor: actor, Kind: kindX, ID: "w", Event: aims.EventUpdate, Digest: aims.Digest(nil)}
					aims.Seal(tenantA, &e, prev)
					err = s.Append(t.Context(), tenantA, e)
					switch {
					case errors.Is(err, aims.ErrConflict):
					case err != nil:
						t.Errorf("%s: Append: %v", actor, err)
						return
					default:
						won[w] = append(won[w], e.Seq)
					}
				}
			})
		}
		wg.Wait()
		got := readAll(t, s, tenantA)
		if len(got) != writers*each {
			t.Fatalf("journal has %d entries, want %d", len(got), writers*each)
		}
		for w, seqs := range won {
			for _, seq := range seqs {
				if e := got[seq-1]; e.Actor != fmt.Sprintf("writer-%d", w) {
					t.Errorf("writer-%d won seq %d but the journal holds %s's entry there", w, seq, e.Actor)
				}
			}
		}
		if err := aims.Chain(tenantA, nil, got); err != nil {
			t.Errorf("journal after concurrent appends does not chain: %v", err)
		}
	})
}
