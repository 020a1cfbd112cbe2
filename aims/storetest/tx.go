package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
)

// txFixture stores b and c at version 1 and one journal entry, and returns
// the store as a Transactor (skipping the test when it is not one) with the
// batch that creates a, updates b, deletes c and journals all three.
func txFixture(t *testing.T, h Harness) (aims.Store, aims.Transactor, aims.Batch) {
	t.Helper()
	s := h(t)
	tx, ok := s.(aims.Transactor)
	if !ok {
		t.Skipf("%T does not implement aims.Transactor", s)
	}
	put(t, s, tenantA, record(kindX, "b", "b1", map[string]string{"v": "1"}), 0)
	put(t, s, tenantA, record(kindX, "c", "c1", nil), 0)
	first := entries(nil, 1, "setup")
	if err := s.Append(t.Context(), tenantA, first...); err != nil {
		t.Fatalf("Append: %v", err)
	}
	es := entries(&first[0], 3, "ana")
	return s, tx, aims.Batch{
		Writes: []aims.Write{
			{Record: record(kindX, "a", "a1", map[string]string{"v": "1"}), Expected: 0},
			{Record: record(kindX, "b", "b2", map[string]string{"v": "2"}), Expected: 1},
			{Record: aims.Record{Kind: kindX, ID: "c"}, Expected: 1, Delete: true},
		},
		Entries: es,
	}
}

// wantUnchanged checks that a refused batch left the fixture as it was.
func wantUnchanged(t *testing.T, s aims.Store) {
	t.Helper()
	wantNotFound(t, s, tenantA, kindX, "a")
	if b := get(t, s, tenantA, kindX, "b"); b.Version != 1 || string(b.Data) != "b1" || b.Attrs["v"] != "1" {
		t.Errorf("b after a refused batch: version %d data %q attrs %v, want version 1 \"b1\" v=1", b.Version, b.Data, b.Attrs)
	}
	if c := get(t, s, tenantA, kindX, "c"); c.Version != 1 {
		t.Errorf("c after a refused batch: version %d, want 1", c.Version)
	}
	wantHead(t, s, tenantA, 1)
}

func testTransactor(t *testing.T, h Harness) {
	t.Run("Atomic", func(t *testing.T) {
		t.Parallel()
		s, tx, b := txFixture(t, h)
		versions, err := tx.Apply(t.Context(), tenantA, b)
		if err != nil {
			t.Fatalf("Apply: %v", err)
		}
		if diff := cmp.Diff([]int64{1, 2, 0}, versions); diff != "" {
			t.Errorf("Apply versions (-want +got):\n%s", diff)
		}
		if a := get(t, s, tenantA, kindX, "a"); a.Version != 1 || string(a.Data) != "a1" {
			t.Errorf("a: version %d data %q, want 1 \"a1\"", a.Version, a.Data)
		}
		if got := get(t, s, tenantA, kindX, "b"); got.Version != 2 || string(got.Data) != "b2" || got.Attrs["v"] != "2" {
			t.Errorf("b: version %d data %q attrs %v, want 2 \"b2\" v=2", got.Version, got.Data, got.Attrs)
		}
		wantNotFound(t, s, tenantA, kindX, "c")
		got := readAll(t, s, tenantA)
		if diff := cmp.Diff(b.Entries, got[1:]); diff != "" {
			t.Errorf("journal after Apply (-want +got):\n%s", diff)
		}
	})
	t.Run("CopiesInput", func(t *testing.T) {
		t.Parallel()
		s, tx, b := txFixture(t, h)
		if _, err := tx.Apply(t.Context(), tenantA, b); err != nil {
			t.Fatalf("Apply: %v", err)
		}
		copy(b.Writes[0].Record.Data, "XX")
		b.Writes[0].Record.Attrs["v"] = "X"
		if a := get(t, s, tenantA, kindX, "a"); string(a.Data) != "a1" || a.Attrs["v"] != "1" {
			t.Errorf("a changed with the caller's batch: data %q attrs %v", a.Data, a.Attrs)
		}
	})
	refused := []struct {
		name   string
		target error
		edit   func(b *aims.Batch)
	}{
		{"StaleWrite", aims.ErrConflict, func(b *aims.Batch) { b.Writes[1].Expected = 2 }},
		{"CreateExisting", aims.ErrConflict, func(b *aims.Batch) {
			b.Writes[0].Record.ID = "b"
			b.Writes[1].Record.ID = "a"
			b.Writes[1].Expected = 0
		}},
		{"StaleDelete", aims.ErrConflict, func(b *aims.Batch) { b.Writes[2].Expected = 3 }},
		{"UpdateMissing", aims.ErrNotFound, func(b *aims.Batch) { b.Writes[1].Record.ID = "missing" }},
		{"DeleteMissing", aims.ErrNotFound, func(b *aims.Batch) { b.Writes[2].Record.ID = "missing" }},
		{"SeqConflict", aims.ErrConflict, func(b *aims.Batch) {
			for i := range b.Entries {
				b.Entries[i].Seq++
			}
		}},
		{"SeqGap", aims.ErrConflict, func(b *aims.Batch) { b.Entries[2].Seq = 9 }},
		{"InvalidKey", aims.ErrInvalid, func(b *aims.Batch) { b.Writes[1].Record.Kind = "" }},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, tx, b := txFixture(t, h)
			tc.edit(&b)
			_, err := tx.Apply(t.Context(), tenantA, b)
			wantErr(t, "Apply", err, tc.target)
			wantUnchanged(t, s)
		})
	}
	t.Run("Cancelled", func(t *testing.T) {
		t.Parallel()
		s, tx, b := txFixture(t, h)
		_, err := tx.Apply(cancelled(t), tenantA, b)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Apply with a cancelled context: error = %v, want context.Canceled", err)
		}
		wantUnchanged(t, s)
	})
}
