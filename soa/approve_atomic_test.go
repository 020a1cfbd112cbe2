package soa_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/soa"
)

// oneWriteStore is a memstore whose atomic batches of more than one write
// fail, as a database would on a lost connection mid-transaction.
type oneWriteStore struct {
	*memstore.Store
	fail bool
}

var errLost = errors.New("connection lost")

func (s *oneWriteStore) ApplyChained(ctx context.Context, tenant string, b aims.Batch, seal func(uint64, string) error) ([]int64, error) {
	if s.fail && len(b.Writes) > 1 {
		return nil, errLost
	}
	return s.Store.ApplyChained(ctx, tenant, b, seal)
}

// TestApproveIsOneStep: approving version 2 supersedes version 1 in the
// same transaction; when it fails, version 1 stays the approved one and
// version 2 stays in review, with nothing journaled.
func TestApproveIsOneStep(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store := &oneWriteStore{Store: memstore.New()}
	ws, err := aims.NewWorkspace(store, "t", &aims.Options{Authorizer: aims.AuthorizerFunc(func(context.Context, string, []aims.Role) error { return nil })})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := soa.NewService(ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	decideAll := func(reason string) {
		for c := range svc.Catalog().Controls() {
			if _, err := svc.Decide(ctx, "alice", soa.Decision{Control: c.ID, Choice: soa.Exclude, Reason: reason}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, reason := range []string{"first review", "second review"} {
		decideAll(reason)
		doc, err := svc.Draft(ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Submit(ctx, "alice", doc.Number); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if _, err := svc.Approve(ctx, "bob", doc.Number); err != nil {
				t.Fatal(err)
			}
		}
	}
	head, _ := store.Head(ctx, "t")
	store.fail = true
	if _, err := svc.Approve(ctx, "bob", 2); !errors.Is(err, errLost) {
		t.Fatalf("approve on a failing store: %v, want the store's error", err)
	}
	v1, _ := svc.Version(ctx, 1)
	v2, _ := svc.Version(ctx, 2)
	if v1.State != string(soa.StateApproved) || v2.State != string(soa.StateInReview) {
		t.Errorf("after the failed approval: v1 %s, v2 %s; want approved and in-review", v1.State, v2.State)
	}
	if after, _ := store.Head(ctx, "t"); after.Seq != head.Seq {
		t.Errorf("the journal moved from %d to %d", head.Seq, after.Seq)
	}
	store.fail = false
	if _, err := svc.Approve(ctx, "bob", 2); err != nil {
		t.Fatal(err)
	}
	v1, _ = svc.Version(ctx, 1)
	if v1.State != string(soa.StateSuperseded) || v1.SupersededBy != 2 {
		t.Errorf("v1 after approving v2: %s, superseded by %d", v1.State, v1.SupersededBy)
	}
}
