package storetest

import (
	"errors"
	"testing"

	"github.com/aimsgo/iso42001/aims"
)

// testChainApplier checks the [aims.ChainApplier] contract: seal sees the
// current head, and a failure of seal or of a write leaves nothing behind.
func testChainApplier(t *testing.T, h Harness) {
	chained := func(t *testing.T) (aims.Store, aims.ChainApplier) {
		t.Helper()
		s := h(t)
		ca, ok := s.(aims.ChainApplier)
		if !ok {
			t.Skipf("%T does not implement aims.ChainApplier", s)
		}
		return s, ca
	}
	sealer := func(got *[2]any, es []aims.Entry) func(uint64, string) error {
		return func(seq uint64, hash string) error {
			*got = [2]any{seq, hash}
			for i := range es {
				aims.SealAfter(tenantA, &es[i], seq, hash)
				seq, hash = es[i].Seq, es[i].Hash
			}
			return nil
		}
	}
	t.Run("EmptyJournal", func(t *testing.T) {
		t.Parallel()
		s, ca := chained(t)
		es := []aims.Entry{{Time: baseTime, Actor: "ana", Kind: kindX, ID: "a", Event: aims.EventCreate, Version: 1}}
		var got [2]any
		versions, err := ca.ApplyChained(t.Context(), tenantA, aims.Batch{Writes: []aims.Write{{Record: record(kindX, "a", "a1", nil)}}, Entries: es}, sealer(&got, es))
		if err != nil || len(versions) != 1 || versions[0] != 1 {
			t.Fatalf("ApplyChained = %v, %v; want [1], nil", versions, err)
		}
		if got != [2]any{uint64(0), aims.GenesisHash} {
			t.Errorf("seal saw head %v, want 0 and the genesis hash", got)
		}
		if err := aims.Chain(tenantA, nil, readAll(t, s, tenantA)); err != nil {
			t.Errorf("journal after ApplyChained: %v", err)
		}
	})
	t.Run("SealSeesHead", func(t *testing.T) {
		t.Parallel()
		s, ca := chained(t)
		first := entries(nil, 3, "setup")
		if err := s.Append(t.Context(), tenantA, first...); err != nil {
			t.Fatalf("Append: %v", err)
		}
		es := []aims.Entry{
			{Time: baseTime, Actor: "ana", Kind: kindX, ID: "a", Event: aims.EventCreate, Version: 1},
			{Time: baseTime, Actor: "ana", Kind: kindX, ID: "b", Event: aims.EventCreate, Version: 1},
		}
		var got [2]any
		b := aims.Batch{Writes: []aims.Write{{Record: record(kindX, "a", "a1", nil)}, {Record: record(kindX, "b", "b1", nil)}}, Entries: es}
		if _, err := ca.ApplyChained(t.Context(), tenantA, b, sealer(&got, es)); err != nil {
			t.Fatalf("ApplyChained: %v", err)
		}
		if got != [2]any{uint64(3), first[2].Hash} {
			t.Errorf("seal saw head %v, want 3 and entry 3's hash", got)
		}
		wantHead(t, s, tenantA, 5)
		if err := aims.Chain(tenantA, nil, readAll(t, s, tenantA)); err != nil {
			t.Errorf("journal after ApplyChained: %v", err)
		}
	})
	t.Run("SealErrorWritesNothing", func(t *testing.T) {
		t.Parallel()
		s, ca := chained(t)
		refused := errors.New("refused by seal")
		es := []aims.Entry{{Time: baseTime, Actor: "ana", Kind: kindX, ID: "a", Event: aims.EventCreate, Version: 1}}
		_, err := ca.ApplyChained(t.Context(), tenantA, aims.Batch{Writes: []aims.Write{{Record: record(kindX, "a", "a1", nil)}}, Entries: es},
			func(uint64, string) error { return refused })
		if !errors.Is(err, refused) {
			t.Errorf("ApplyChained with a failing seal: error = %v, want the seal's error", err)
		}
		wantNotFound(t, s, tenantA, kindX, "a")
		wantHead(t, s, tenantA, 0)
	})
	t.Run("StaleWriteWritesNothing", func(t *testing.T) {
		t.Parallel()
		s, ca := chained(t)
		put(t, s, tenantA, record(kindX, "a", "a1", nil), 0)
		es := []aims.Entry{{Time: baseTime, Actor: "ana", Kind: kindX, ID: "a", Event: aims.EventUpdate, Version: 2}}
		var got [2]any
		_, err := ca.ApplyChained(t.Context(), tenantA, aims.Batch{Writes: []aims.Write{
			{Record: record(kindX, "b", "b1", nil)},
			{Record: record(kindX, "a", "stale", nil), Expected: 5},
		}, Entries: es}, sealer(&got, es))
		if !errors.Is(err, aims.ErrConflict) || errors.Is(err, aims.ErrContention) {
			t.Errorf("ApplyChained with a stale write: error = %v, want ErrConflict", err)
		}
		wantNotFound(t, s, tenantA, kindX, "b")
		if a := get(t, s, tenantA, kindX, "a"); a.Version != 1 || string(a.Data) != "a1" {
			t.Errorf("a after a refused batch: version %d data %q, want 1 \"a1\"", a.Version, a.Data)
		}
		wantHead(t, s, tenantA, 0)
	})
}
