package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/aimsgo/iso42001/aims"
)

// testContext calls every method with a cancelled context: each must return
// an error matching context.Canceled and write nothing.
func testContext(t *testing.T, h Harness) {
	s := h(t)
	put(t, s, tenantA, record(kindX, "w-1", "v1", nil), 0)
	first := entries(nil, 2, "ana")
	if err := s.Append(t.Context(), tenantA, first[0]); err != nil {
		t.Fatalf("Append: %v", err)
	}
	ctx := cancelled(t)
	calls := []struct {
		name string
		call func() error
	}{
		{"Get", func() error { _, err := s.Get(ctx, tenantA, kindX, "w-1"); return err }},
		{"PutCreate", func() error { _, err := s.Put(ctx, tenantA, record(kindX, "w-2", "x", nil), 0); return err }},
		{"PutUpdate", func() error { _, err := s.Put(ctx, tenantA, record(kindX, "w-1", "v2", nil), 1); return err }},
		{"Delete", func() error { return s.Delete(ctx, tenantA, kindX, "w-1", 1) }},
		{"List", func() error { _, err := s.List(ctx, tenantA, aims.Query{Kind: kindX}); return err }},
		{"Append", func() error { return s.Append(ctx, tenantA, first[1]) }},
		{"ReadJournal", func() error { _, err := s.ReadJournal(ctx, tenantA, 1, 0); return err }},
		{"Head", func() error { _, err := s.Head(ctx, tenantA); return err }},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: error = %v, want context.Canceled", c.name, err)
		}
	}
	wantNotFound(t, s, tenantA, kindX, "w-2")
	if got := get(t, s, tenantA, kindX, "w-1"); got.Version != 1 || string(got.Data) != "v1" {
		t.Errorf("w-1 after cancelled writes: version %d data %q, want 1 \"v1\"", got.Version, got.Data)
	}
	wantHead(t, s, tenantA, 1)
}
