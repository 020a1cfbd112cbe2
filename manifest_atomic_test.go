package iso42001

import (
	"context"
	"errors"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/risk"
)

// failingReads is a memstore whose reads of one kind fail, the way a
// database that drops its connection half way through an apply does.
type failingReads struct {
	*memstore.Store
	kind string
}

var errDropped = errors.New("connection dropped")

func (f failingReads) Get(ctx context.Context, tenant, kind, id string) (aims.Record, error) {
	if kind == f.kind {
		return aims.Record{}, errDropped
	}
	return f.Store.Get(ctx, tenant, kind, id)
}

// TestApplyIsAllOrNothing: on a Transactor, an apply that fails at a late
// step (the risks, after the roles, context, documents and systems were
// written) leaves the workspace exactly as it was: no record, no journal
// entry.
func TestApplyIsAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	base := memstore.New()
	a := openOn(t, failingReads{Store: base, kind: risk.Kind})
	_, err := a.Apply(ctx, "alice", readManifest(t, "northwind.yaml"), nil)
	if !errors.Is(err, errDropped) {
		t.Fatalf("Apply on a store failing risk reads = %v, want the store's error", err)
	}
	if h, err := base.Head(ctx, "t1"); !errors.Is(err, aims.ErrNotFound) {
		t.Fatalf("journal after a failed apply: head %d, %v; want empty", h.Seq, err)
	}
	if kinds, err := base.Kinds(ctx, "t1"); err != nil || len(kinds) != 0 {
		t.Fatalf("records after a failed apply: kinds %v, %v; want none", kinds, err)
	}
	// The same manifest then applies whole on the healthy store.
	a = openOn(t, base)
	if _, err := a.Apply(ctx, "alice", readManifest(t, "northwind.yaml"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Workspace().Verify(ctx); err != nil {
		t.Fatal(err)
	}
}

// racingStore lets another writer in once, right before the staged
// apply's commit: the apply plans and runs again, and lands.
type racingStore struct {
	*memstore.Store
	race func()
}

func (r *racingStore) Apply(ctx context.Context, tenant string, b aims.Batch) ([]int64, error) {
	if r.race != nil {
		race := r.race
		r.race = nil
		race()
	}
	return r.Store.Apply(ctx, tenant, b)
}

func TestApplyRetriesAfterAnotherWriter(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	m := readManifest(t, "minimal.yaml")
	base := memstore.New()
	a := openOn(t, base)
	if _, err := a.Apply(ctx, "alice", m, nil); err != nil {
		t.Fatal(err)
	}
	// A second apply of a changed manifest races with a direct change.
	rs := &racingStore{Store: base}
	a = openOn(t, rs)
	before := head(t, ctx, a).Seq
	rs.race = func() {
		if err := aims.Objectives(a.Workspace()).Create(ctx, "alice", &aims.Objective{Meta: aims.Meta{ID: "raced"}, Title: "written meanwhile", Responsible: "alice"}); err != nil {
			t.Errorf("racing write: %v", err)
		}
	}
	m.Organisation.Name += " (renamed)"
	if _, err := a.Apply(ctx, "alice", m, nil); err != nil {
		t.Fatalf("Apply after a racing writer: %v", err)
	}
	if rs.race != nil {
		t.Fatal("the apply committed without meeting the racing writer")
	}
	if _, err := aims.Objectives(a.Workspace()).Get(ctx, "raced"); err != nil {
		t.Fatalf("the racing writer's record: %v", err)
	}
	if got := head(t, ctx, a).Seq; got <= before+1 {
		t.Errorf("journal moved from %d to %d: the apply did not land after the race", before, got)
	}
	p, err := a.Plan(ctx, m, &PlanOptions{Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Changed() {
		t.Errorf("after the retried apply the plan still changes: %s", p.Summary())
	}
}
