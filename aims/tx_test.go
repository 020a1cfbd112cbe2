package aims_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
)

// TestTxAllOrNothing: two transitions staged in one Tx; when the second
// record changed meanwhile, the commit conflicts and neither record nor the
// journal moves. Staged again on fresh reads, both commit together.
func TestTxAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws, err := aims.NewWorkspace(memstore.New(), "t", &aims.Options{Authorizer: aims.AuthorizerFunc(func(_ context.Context, _ string, _ []aims.Role) error { return nil })})
	if err != nil {
		t.Fatal(err)
	}
	m, err := aims.NewMachine(aims.ApprovalSpec[memo, string, string](aims.Approval[memo]{Name: "memo", Version: 1}))
	if err != nil {
		t.Fatal(err)
	}
	c := aims.NewCollection[memo](ws, "memo", 1)
	for _, id := range []string{"m1", "m2"} {
		if err := aims.Start(ctx, c, m, "author", &memo{Meta: aims.Meta{ID: id}, Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	head := func() uint64 {
		e, err := ws.Store().Head(ctx, "t")
		if err != nil {
			t.Fatal(err)
		}
		return e.Seq
	}
	before := head()
	submit := func(tx *aims.Tx, id string) {
		t.Helper()
		if _, err := aims.FireIn(ctx, tx, c, m, aims.Firing[memo, string]{ID: id, Actor: "author", Event: aims.ApprovalSubmit}); err != nil {
			t.Fatal(err)
		}
	}
	tx := ws.Begin()
	submit(tx, "m1")
	submit(tx, "m2")
	// Someone changes m2 between the read and the commit.
	m2, _ := c.Get(ctx, "m2")
	m2.Text = "changed"
	if err := c.Update(ctx, "other", m2); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); !errors.Is(err, aims.ErrConflict) {
		t.Fatalf("commit over a stale record: %v, want ErrConflict", err)
	}
	if got, _ := c.Get(ctx, "m1"); got.State != aims.ApprovalDraft {
		t.Errorf("m1 is %s after the refused commit, want draft", got.State)
	}
	if got := head(); got != before+1 {
		t.Errorf("journal moved by %d entries, want only the other writer's 1", got-before)
	}
	tx = ws.Begin()
	submit(tx, "m1")
	submit(tx, "m2")
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"m1", "m2"} {
		if got, _ := c.Get(ctx, id); got.State != aims.ApprovalInReview {
			t.Errorf("%s is %s, want in-review", id, got.State)
		}
	}
	if err := tx.Commit(ctx); err == nil {
		t.Error("a Tx committed twice")
	}
	if _, err := ws.Verify(ctx); err != nil {
		t.Error(err)
	}
}
