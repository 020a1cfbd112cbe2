package aims

import (
	"errors"
	"testing"
)

// TestCollectionCannotBypassWorkflow: Create and Update never set a
// workflow state; only Start and Fire do.
func TestCollectionCannotBypassWorkflow(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws, err := NewWorkspace(newWFStore(), "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	docs := NewCollection[wfDoc](ws, "document", 1)
	forged := &wfDoc{Meta: Meta{ID: "d1", State: "approved"}, Title: "t", Body: "b", Author: "alice"}
	if err := docs.Create(ctx, "alice", forged); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Create with a preset state: %v, want ErrInvalid", err)
	}
	if ok, _ := docs.Exists(ctx, "d1"); ok {
		t.Fatal("refused create wrote the record")
	}
	d := &wfDoc{Meta: Meta{ID: "d2"}, Title: "t", Body: "b", Author: "alice"}
	if err := docs.Create(ctx, "alice", d); err != nil {
		t.Fatal(err)
	}
	d.State = "approved"
	if err := docs.Update(ctx, "alice", d); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Update changing the state: %v, want ErrInvalid", err)
	}
	d.State = ""
	h := *d.Header()
	h.State = "approved"
	if err := docs.Save(ctx, "assess", "alice", d, h, h.Version, Entry{Event: "assess"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Save changing the state: %v, want ErrInvalid", err)
	}
	got, err := docs.Get(ctx, "d2")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != "" || got.Version != 1 {
		t.Fatalf("stored record changed: state %q version %d", got.State, got.Version)
	}
	d.Title = "new title"
	if err := docs.Update(ctx, "bob", d); err != nil {
		t.Fatalf("plain data update: %v", err)
	}
	if d.CreatedBy != "alice" {
		t.Fatalf("creation stamp not kept: %q", d.CreatedBy)
	}
}

func TestEDoesNotStutter(t *testing.T) {
	t.Parallel()
	inner := E("get", "risk", "r1", ErrNotFound)
	if got := E("get", "risk", "r1", inner).Error(); got != "get risk/r1: not found" {
		t.Fatalf("E(E(...)) = %q", got)
	}
	if got := E("fire", "risk", "r1", inner).Error(); got != "fire risk/r1: get risk/r1: not found" {
		t.Fatalf("different op = %q", got)
	}
	if !errors.Is(E("get", "risk", "r1", inner), ErrNotFound) {
		t.Fatal("category lost")
	}
}

func TestFrozenStatesRefuseUpdates(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws, err := NewWorkspace(newWFStore(), "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	docs := NewCollection[wfDoc](ws, "document", 1).Freeze("approved")
	d := &wfDoc{Meta: Meta{ID: "d1"}, Title: "t", Body: "b", Author: "alice"}
	if err := docs.Create(ctx, "alice", d); err != nil {
		t.Fatal(err)
	}
	h := *d.Header()
	h.State = "approved"
	if err := docs.save(ctx, "approve", "bob", d, h, h.Version, Entry{Event: "approve"}); err != nil {
		t.Fatal(err)
	}
	d.Body = "rewritten after approval"
	if err := docs.Update(ctx, "alice", d); !errors.Is(err, ErrTransitionDenied) {
		t.Fatalf("Update of a frozen record: %v, want ErrTransitionDenied", err)
	}
	if err := docs.Save(ctx, "edit", "alice", d, *d.Header(), d.Version, Entry{Event: "edit"}); !errors.Is(err, ErrTransitionDenied) {
		t.Fatalf("Save of a frozen record: %v, want ErrTransitionDenied", err)
	}
	got, err := docs.Get(ctx, "d1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Body != "b" {
		t.Fatalf("frozen record changed: %q", got.Body)
	}
}
