package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
)

// contentionWriters is how many goroutines the contention cases run at
// once on a store that is an [aims.ChainApplier]. A store without it takes
// the kernel's read-seal-retry path, which only promises to absorb a few
// concurrent writers, so it is tested with fallbackWriters.
const (
	contentionWriters = 64
	fallbackWriters   = 8
)

func writers(s aims.Store) int {
	if _, ok := s.(aims.ChainApplier); ok {
		return contentionWriters
	}
	return fallbackWriters
}

func testContention(t *testing.T, h Harness) {
	t.Run("DistinctCreates", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		ctx := t.Context()
		ws := newWorkspace(t, s, tenantA)
		notes := Notes(ws)
		n := writers(s)
		var failed atomic.Int64
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				note := &Note{Title: fmt.Sprintf("note %d", i), Owner: fmt.Sprintf("owner-%d", i%3)}
				note.ID = fmt.Sprintf("n-%03d", i)
				if err := notes.Create(ctx, fmt.Sprintf("actor-%d", i), note); err != nil {
					failed.Add(1)
					t.Errorf("Create %s: %v", note.ID, err)
				}
			})
		}
		wg.Wait()
		if f := failed.Load(); f != 0 {
			t.Fatalf("%d of %d concurrent creates of distinct records failed, want 0", f, n)
		}
		all, err := notes.All(ctx, nil)
		if err != nil || len(all) != n {
			t.Fatalf("All = %d notes, %v; want %d", len(all), err, n)
		}
		rep, err := ws.Verify(ctx)
		if err != nil {
			t.Fatalf("Verify after %d concurrent creates: %v", n, err)
		}
		if diff := cmp.Diff(aims.VerifyReport{Entries: n, Records: n}, rep); diff != "" {
			t.Errorf("Verify (-want +got):\n%s", diff)
		}
		// Every create got exactly one entry.
		count := map[string]int{}
		for _, e := range readAll(t, s, tenantA) {
			count[e.ID]++
		}
		for _, note := range all {
			if count[note.ID] != 1 {
				t.Errorf("%s has %d journal entries, want 1", note.ID, count[note.ID])
			}
		}
	})
	t.Run("SameRecordNoLostUpdates", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		ctx := t.Context()
		ws := newWorkspace(t, s, tenantA)
		notes := Notes(ws)
		shared := &Note{Title: "shared"}
		shared.ID = "shared"
		if err := notes.Create(ctx, "ana", shared); err != nil {
			t.Fatalf("Create: %v", err)
		}
		n := writers(s)
		var conflicts atomic.Int64
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				mark := fmt.Sprintf("w%02d;", i)
				// Read, modify, write; a stale version is refused with
				// ErrConflict and the writer starts again from a fresh read.
				for {
					cur, err := notes.Get(ctx, "shared")
					if err != nil {
						t.Errorf("writer %d: Get: %v", i, err)
						return
					}
					cur.Body += mark
					err = notes.Update(ctx, fmt.Sprintf("actor-%d", i), cur)
					if err == nil {
						return
					}
					if !errors.Is(err, aims.ErrConflict) {
						t.Errorf("writer %d: Update: %v, want success or ErrConflict", i, err)
						return
					}
					conflicts.Add(1)
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		got, err := notes.Get(ctx, "shared")
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		marks := strings.SplitAfter(got.Body, ";")
		marks = marks[:len(marks)-1] // after the last ";"
		slices.Sort(marks)
		var want []string
		for i := range n {
			want = append(want, fmt.Sprintf("w%02d;", i))
		}
		if diff := cmp.Diff(want, marks); diff != "" {
			t.Errorf("updates kept in the record (-want +got): lost or doubled updates:\n%s", diff)
		}
		if got.Version != int64(n+1) {
			t.Errorf("version %d after %d updates, want %d", got.Version, n, n+1)
		}
		rep, err := ws.Verify(ctx)
		if err != nil {
			t.Fatalf("Verify after concurrent updates: %v", err)
		}
		if diff := cmp.Diff(aims.VerifyReport{Entries: n + 1, Records: 1}, rep); diff != "" {
			t.Errorf("Verify (-want +got):\n%s", diff)
		}
		t.Logf("%d writers, %d stale updates refused with ErrConflict and retried", n, conflicts.Load())
	})
	t.Run("StaleVersionIsConflictNotContention", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		ctx := t.Context()
		notes := Notes(newWorkspace(t, s, tenantA))
		note := &Note{Title: "x"}
		note.ID = "x"
		if err := notes.Create(ctx, "ana", note); err != nil {
			t.Fatalf("Create: %v", err)
		}
		stale := *note
		note.Body = "first"
		if err := notes.Update(ctx, "ana", note); err != nil {
			t.Fatalf("Update: %v", err)
		}
		stale.Body = "second"
		err := notes.Update(ctx, "bob", &stale)
		if !errors.Is(err, aims.ErrConflict) || errors.Is(err, aims.ErrContention) {
			t.Errorf("stale Update: error = %v, want ErrConflict and not ErrContention", err)
		}
		again := &Note{Title: "again"}
		again.ID = "x"
		if err := notes.Create(ctx, "bob", again); !errors.Is(err, aims.ErrConflict) {
			t.Errorf("Create of an existing id: error = %v, want ErrConflict", err)
		}
		wantHead(t, s, tenantA, 2)
	})
}
