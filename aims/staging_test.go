package aims_test

import (
	"errors"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/aims/storetest"
)

// A Staging is a Store: the conformance suite runs on one over an empty
// memstore, so its reads over staged writes (pages, filters, the journal)
// keep every promise a store makes.
func TestStagingConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) aims.Store {
		st, err := aims.NewStaging(memstore.New(), "tenant-a")
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}

// Changes made through a workspace over a Staging reach the base only on
// Commit, all together, and the base's journal then verifies.
func TestStagingCommit(t *testing.T) {
	ctx := t.Context()
	base := memstore.New()
	st, err := aims.NewStaging(base, "t")
	if err != nil {
		t.Fatal(err)
	}
	ws, err := aims.NewWorkspace(st, "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	notes := storetest.Notes(ws)
	for _, id := range []string{"n-1", "n-2", "n-3"} {
		if err := notes.Create(ctx, "ana", &storetest.Note{Meta: aims.Meta{ID: id}, Title: "t " + id}); err != nil {
			t.Fatal(err)
		}
	}
	n2, err := notes.Get(ctx, "n-2")
	if err != nil {
		t.Fatal(err)
	}
	n2.Title = "changed"
	if err := notes.Update(ctx, "ana", n2); err != nil {
		t.Fatal(err)
	}
	if err := notes.Delete(ctx, "ana", "n-3", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := base.Head(ctx, "t"); !errors.Is(err, aims.ErrNotFound) {
		t.Fatalf("base journal before Commit: %v, want empty", err)
	}
	if w, e := st.Len(); w != 5 || e != 5 {
		t.Errorf("staged %d writes and %d entries, want 5 and 5", w, e)
	}
	if err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	direct, err := aims.NewWorkspace(base, "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := direct.Verify(ctx); err != nil {
		t.Fatalf("base journal after Commit: %v", err)
	}
	got, err := storetest.Notes(direct).Get(ctx, "n-2")
	if err != nil || got.Title != "changed" || got.Version != 2 {
		t.Fatalf("n-2 in the base = %+v, %v; want version 2 titled changed", got, err)
	}
	if _, err := storetest.Notes(direct).Get(ctx, "n-3"); !errors.Is(err, aims.ErrNotFound) {
		t.Fatalf("n-3 in the base: %v, want deleted", err)
	}
}

// A writer of the base between staging and Commit makes Commit fail with
// ErrConflict, and nothing staged is written.
func TestStagingCommitConflict(t *testing.T) {
	ctx := t.Context()
	base := memstore.New()
	st, err := aims.NewStaging(base, "t")
	if err != nil {
		t.Fatal(err)
	}
	ws, err := aims.NewWorkspace(st, "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := storetest.Notes(ws).Create(ctx, "ana", &storetest.Note{Meta: aims.Meta{ID: "staged"}, Title: "s"}); err != nil {
		t.Fatal(err)
	}
	direct, err := aims.NewWorkspace(base, "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := storetest.Notes(direct).Create(ctx, "bob", &storetest.Note{Meta: aims.Meta{ID: "direct"}, Title: "d"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(ctx); !errors.Is(err, aims.ErrConflict) {
		t.Fatalf("Commit after another writer = %v, want ErrConflict", err)
	}
	if _, err := storetest.Notes(direct).Get(ctx, "staged"); !errors.Is(err, aims.ErrNotFound) {
		t.Fatalf("staged record in the base after a refused Commit: %v", err)
	}
	if h, err := base.Head(ctx, "t"); err != nil || h.Seq != 1 {
		t.Fatalf("base head = %d, %v; want 1", h.Seq, err)
	}
}
