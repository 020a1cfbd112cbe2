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

// kernelTime is the fixed clock of kernel cases, with nanoseconds so that
// the journal's hash covers them.
var kernelTime = time.Date(2025, 6, 1, 12, 0, 0, 987654321, time.UTC)

func newWorkspace(t *testing.T, s aims.Store, tenant string) *aims.Workspace {
	t.Helper()
	var mu sync.Mutex
	n := 0
	ws, err := aims.NewWorkspace(s, tenant, &aims.Options{
		Clock: func() time.Time { return kernelTime },
		NewID: func(kind string) string {
			mu.Lock()
			defer mu.Unlock()
			n++
			return fmt.Sprintf("%s-%04d", kind, n)
		},
	})
	if err != nil {
		t.Fatalf("NewWorkspace: %v", err)
	}
	return ws
}

func testKernel(t *testing.T, h Harness) {
	t.Run("EndToEnd", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		ctx := t.Context()
		ws := newWorkspace(t, s, tenantA)
		notes := Notes(ws)

		first := &Note{Title: "first", Owner: "ana"}
		first.ID = "n-1"
		if err := notes.Create(ctx, "ana", first); err != nil {
			t.Fatalf("Create: %v", err)
		}
		second := &Note{Title: "second", Owner: "bob"}
		if err := notes.Create(ctx, "bob", second); err != nil {
			t.Fatalf("Create without id: %v", err)
		}
		if second.ID != "note-0001" || second.Version != 1 {
			t.Errorf("created note: id %q version %d, want note-0001 version 1", second.ID, second.Version)
		}
		first.Body = "edited"
		if err := notes.Update(ctx, "ana", first); err != nil {
			t.Fatalf("Update: %v", err)
		}
		got, err := notes.Get(ctx, "n-1")
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		want := &Note{Title: "first", Body: "edited", Owner: "ana", Meta: aims.Meta{
			Kind: NoteKind, SchemaVersion: 1, ID: "n-1", Version: 2,
			CreatedAt: kernelTime, CreatedBy: "ana", UpdatedAt: kernelTime, UpdatedBy: "ana"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Get after Update (-want +got):\n%s", diff)
		}
		owned, err := notes.All(ctx, map[string]string{"owner": "bob"})
		if err != nil || len(owned) != 1 || owned[0].ID != second.ID {
			t.Errorf("All(owner=bob) = %d notes, %v; want [%s]", len(owned), err, second.ID)
		}
		if err := notes.Delete(ctx, "bob", second.ID, 1); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := notes.Get(ctx, second.ID); !errors.Is(err, aims.ErrNotFound) {
			t.Errorf("Get after Delete: error = %v, want ErrNotFound", err)
		}

		// A stale update conflicts and journals nothing.
		stale := *got
		stale.Version = 1
		if err := notes.Update(ctx, "eve", &stale); !errors.Is(err, aims.ErrConflict) {
			t.Errorf("stale Update: error = %v, want ErrConflict", err)
		}
		// An invalid note is refused before the store is touched.
		if err := notes.Create(ctx, "ana", &Note{}); !errors.Is(err, aims.ErrInvalid) {
			t.Errorf("Create of an invalid note: error = %v, want ErrInvalid", err)
		}

		rep, err := ws.Verify(ctx)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if diff := cmp.Diff(aims.VerifyReport{Entries: 4, Records: 1}, rep); diff != "" {
			t.Errorf("Verify (-want +got):\n%s", diff)
		}
		journal := readAll(t, s, tenantA)
		var events []string
		for _, e := range journal {
			events = append(events, e.Event+" "+e.ID+" by "+e.Actor)
			if !e.Time.Equal(kernelTime) {
				t.Errorf("entry %d time %v, want the workspace clock's %v", e.Seq, e.Time, kernelTime)
			}
		}
		wantEvents := []string{"create n-1 by ana", "create note-0001 by bob", "update n-1 by ana", "delete note-0001 by bob"}
		if diff := cmp.Diff(wantEvents, events); diff != "" {
			t.Errorf("journal events (-want +got):\n%s", diff)
		}
	})
	t.Run("ConcurrentCommits", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		ctx := t.Context()
		ws := newWorkspace(t, s, tenantA)
		notes := Notes(ws)
		// Each lost race means another commit landed, so with 8 writers of
		// two commits each nobody loses more than 14 times: within the
		// kernel's retry bound, so the case cannot flake on a slow store.
		const n = 8
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				note := &Note{Title: fmt.Sprintf("note %d", i)}
				if err := notes.Create(ctx, fmt.Sprintf("actor-%d", i), note); err != nil {
					t.Errorf("concurrent Create %d: %v", i, err)
					return
				}
				note.Body = "updated"
				if err := notes.Update(ctx, fmt.Sprintf("actor-%d", i), note); err != nil {
					t.Errorf("concurrent Update %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		all, err := notes.All(ctx, nil)
		if err != nil || len(all) != n {
			t.Fatalf("All = %d notes, %v; want %d", len(all), err, n)
		}
		rep, err := ws.Verify(ctx)
		if err != nil {
			t.Fatalf("Verify after concurrent commits: %v", err)
		}
		if diff := cmp.Diff(aims.VerifyReport{Entries: 2 * n, Records: n}, rep); diff != "" {
			t.Errorf("Verify (-want +got):\n%s", diff)
		}
	})
	t.Run("TenantsVerifyApart", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		ctx := t.Context()
		for _, tenant := range []string{tenantA, tenantB} {
			ws := newWorkspace(t, s, tenant)
			for i := range 3 {
				note := &Note{Title: tenant}
				note.ID = fmt.Sprintf("n-%d", i)
				if err := Notes(ws).Create(ctx, "ana", note); err != nil {
					t.Fatalf("Create in %s: %v", tenant, err)
				}
			}
		}
		for _, tenant := range []string{tenantA, tenantB} {
			rep, err := newWorkspace(t, s, tenant).Verify(ctx)
			if err != nil || rep != (aims.VerifyReport{Entries: 3, Records: 3}) {
				t.Errorf("Verify(%s) = %+v, %v; want 3 entries and records", tenant, rep, err)
			}
		}
	})
}
