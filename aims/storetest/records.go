package storetest

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
)

func testRoundTrip(t *testing.T, h Harness) {
	t.Run("Identical", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		in := aims.Record{Kind: kindX, ID: "w-1", Version: 99,
			Attrs: map[string]string{"owner": "ana", "state": "draft", "ünï": "cödé"},
			Data:  []byte(`{"title":"first","n":1,"bin":"\u0000\u00ff"}`)}
		put(t, s, tenantA, in, 0)
		got := get(t, s, tenantA, kindX, "w-1")
		want := in
		want.Version = 1 // Put ignores rec.Version
		if diff := cmp.Diff(want, got, recordOpts); diff != "" {
			t.Errorf("Get after Put (-want +got):\n%s", diff)
		}
	})
	t.Run("BinaryData", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		data := make([]byte, 256)
		for i := range data {
			data[i] = byte(i)
		}
		put(t, s, tenantA, aims.Record{Kind: kindX, ID: "bin", Data: data}, 0)
		got := get(t, s, tenantA, kindX, "bin")
		if diff := cmp.Diff(data, got.Data); diff != "" {
			t.Errorf("Data (-want +got):\n%s", diff)
		}
	})
	t.Run("CopiesInput", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		data := []byte("original")
		attrs := map[string]string{"owner": "ana"}
		put(t, s, tenantA, aims.Record{Kind: kindX, ID: "w-1", Attrs: attrs, Data: data}, 0)
		copy(data, "XXXXXXXX")
		attrs["owner"] = "mallory"
		attrs["extra"] = "x"
		got := get(t, s, tenantA, kindX, "w-1")
		want := record(kindX, "w-1", "original", map[string]string{"owner": "ana"})
		want.Version = 1
		if diff := cmp.Diff(want, got, recordOpts); diff != "" {
			t.Errorf("stored record changed with the caller's slices (-want +got):\n%s", diff)
		}
	})
	t.Run("ReturnsCopies", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		put(t, s, tenantA, record(kindX, "w-1", "original", map[string]string{"owner": "ana"}), 0)
		got := get(t, s, tenantA, kindX, "w-1")
		copy(got.Data, "XXXXXXXX")
		got.Attrs["owner"] = "mallory"
		page, err := s.List(t.Context(), tenantA, aims.Query{Kind: kindX})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(page.Records) != 1 {
			t.Fatalf("List returned %d records, want 1", len(page.Records))
		}
		copy(page.Records[0].Data, "YYYYYYYY")
		page.Records[0].Attrs["owner"] = "eve"
		again := get(t, s, tenantA, kindX, "w-1")
		want := record(kindX, "w-1", "original", map[string]string{"owner": "ana"})
		want.Version = 1
		if diff := cmp.Diff(want, again, recordOpts); diff != "" {
			t.Errorf("stored record changed through a returned value (-want +got):\n%s", diff)
		}
	})
}

func testVersions(t *testing.T, h Harness) {
	rec := record(kindX, "w-1", "v1", nil)
	t.Run("CreateThenUpdate", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		put(t, s, tenantA, rec, 0)
		rec2 := record(kindX, "w-1", "v2", map[string]string{"k": "v"})
		put(t, s, tenantA, rec2, 1)
		put(t, s, tenantA, record(kindX, "w-1", "v3", nil), 2)
		got := get(t, s, tenantA, kindX, "w-1")
		if got.Version != 3 || string(got.Data) != "v3" || len(got.Attrs) != 0 {
			t.Errorf("after three puts: version %d data %q attrs %v, want 3 \"v3\" none", got.Version, got.Data, got.Attrs)
		}
	})
	t.Run("StaleUpdate", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		put(t, s, tenantA, rec, 0)
		put(t, s, tenantA, record(kindX, "w-1", "v2", nil), 1)
		for _, expected := range []int64{1, 3, 100} {
			_, err := s.Put(t.Context(), tenantA, record(kindX, "w-1", "stale", nil), expected)
			wantErr(t, "Put with expected "+strconv.FormatInt(expected, 10)+" over version 2", err, aims.ErrConflict)
		}
		got := get(t, s, tenantA, kindX, "w-1")
		if got.Version != 2 || string(got.Data) != "v2" {
			t.Errorf("after stale puts: version %d data %q, want 2 \"v2\" (nothing written)", got.Version, got.Data)
		}
	})
	t.Run("CreateExisting", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		put(t, s, tenantA, rec, 0)
		_, err := s.Put(t.Context(), tenantA, record(kindX, "w-1", "again", nil), 0)
		wantErr(t, "Put with expected 0 over an existing record", err, aims.ErrConflict)
		if got := get(t, s, tenantA, kindX, "w-1"); got.Version != 1 || string(got.Data) != "v1" {
			t.Errorf("after conflicting create: version %d data %q, want 1 \"v1\"", got.Version, got.Data)
		}
	})
	t.Run("UpdateMissing", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		_, err := s.Put(t.Context(), tenantA, rec, 1)
		wantErr(t, "Put with expected 1 on a missing record", err, aims.ErrNotFound)
		wantNotFound(t, s, tenantA, kindX, "w-1")
	})
	t.Run("NegativeExpected", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		_, err := s.Put(t.Context(), tenantA, rec, -1)
		if err == nil {
			t.Errorf("Put with expected -1 succeeded, want an error")
		}
		wantNotFound(t, s, tenantA, kindX, "w-1")
	})
	t.Run("DeleteStale", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		put(t, s, tenantA, rec, 0)
		put(t, s, tenantA, rec, 1)
		err := s.Delete(t.Context(), tenantA, kindX, "w-1", 1)
		wantErr(t, "Delete with stale version 1", err, aims.ErrConflict)
		if got := get(t, s, tenantA, kindX, "w-1"); got.Version != 2 {
			t.Errorf("after stale delete: version %d, want 2 (still there)", got.Version)
		}
	})
	t.Run("DeleteMissing", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		err := s.Delete(t.Context(), tenantA, kindX, "w-1", 1)
		wantErr(t, "Delete of a missing record", err, aims.ErrNotFound)
	})
	t.Run("DeleteThenGet", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		put(t, s, tenantA, rec, 0)
		if err := s.Delete(t.Context(), tenantA, kindX, "w-1", 1); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		wantNotFound(t, s, tenantA, kindX, "w-1")
		err := s.Delete(t.Context(), tenantA, kindX, "w-1", 1)
		wantErr(t, "second Delete", err, aims.ErrNotFound)
		page, err := s.List(t.Context(), tenantA, aims.Query{Kind: kindX})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(page.Records) != 0 {
			t.Errorf("List after delete returned %d records, want 0", len(page.Records))
		}
		// A deleted id can be created again, from version 1.
		put(t, s, tenantA, rec, 0)
	})
}

// testConcurrency has N writers each make K read-modify-write increments of
// one counter, retrying on ErrConflict: with exactly one winner per version
// none is lost, so the counter ends at N*K and the version at N*K+1.
func testConcurrency(t *testing.T, h Harness) {
	const n, k = 16, 20
	s := h(t)
	put(t, s, tenantA, record(kindX, "counter", "0", nil), 0)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			for done := 0; done < k; {
				rec, err := s.Get(t.Context(), tenantA, kindX, "counter")
				if err != nil {
					errs <- err
					return
				}
				c, err := strconv.Atoi(string(rec.Data))
				if err != nil {
					errs <- err
					return
				}
				rec.Data = []byte(strconv.Itoa(c + 1))
				v, err := s.Put(t.Context(), tenantA, rec, rec.Version)
				switch {
				case errors.Is(err, aims.ErrConflict):
					continue
				case err != nil:
					errs <- err
					return
				case v != rec.Version+1:
					errs <- errors.New("Put returned version " + strconv.FormatInt(v, 10) + " after " + strconv.FormatInt(rec.Version, 10))
					return
				}
				done++
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("writer: %v", err)
	}
	got := get(t, s, tenantA, kindX, "counter")
	if string(got.Data) != strconv.Itoa(n*k) || got.Version != n*k+1 {
		t.Errorf("counter = %s at version %d, want %d at version %d (lost or doubled updates)", got.Data, got.Version, n*k, n*k+1)
	}
}

func testTenantIsolation(t *testing.T, h Harness) {
	t.Run("Records", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		put(t, s, tenantA, record(kindX, "w-1", "a's", map[string]string{"owner": "ana"}), 0)
		wantNotFound(t, s, tenantB, kindX, "w-1")
		page, err := s.List(t.Context(), tenantB, aims.Query{Kind: kindX})
		if err != nil {
			t.Fatalf("List(%s): %v", tenantB, err)
		}
		if len(page.Records) != 0 {
			t.Errorf("List(%s) returned %d of %s's records", tenantB, len(page.Records), tenantA)
		}
		_, err = s.Put(t.Context(), tenantB, record(kindX, "w-1", "b's", nil), 1)
		wantErr(t, "Put over another tenant's record", err, aims.ErrNotFound)
		err = s.Delete(t.Context(), tenantB, kindX, "w-1", 1)
		wantErr(t, "Delete of another tenant's record", err, aims.ErrNotFound)

		// The same kind and id in tenant B is an independent record.
		put(t, s, tenantB, record(kindX, "w-1", "b's", nil), 0)
		put(t, s, tenantB, record(kindX, "w-1", "b's 2", nil), 1)
		if err := s.Delete(t.Context(), tenantB, kindX, "w-1", 2); err != nil {
			t.Fatalf("Delete(%s): %v", tenantB, err)
		}
		got := get(t, s, tenantA, kindX, "w-1")
		want := record(kindX, "w-1", "a's", map[string]string{"owner": "ana"})
		want.Version = 1
		if diff := cmp.Diff(want, got, recordOpts); diff != "" {
			t.Errorf("%s's record after %s's writes (-want +got):\n%s", tenantA, tenantB, diff)
		}
	})
	t.Run("Journal", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		a := entries(nil, 3, "ana")
		if err := s.Append(t.Context(), tenantA, a...); err != nil {
			t.Fatalf("Append(%s): %v", tenantA, err)
		}
		wantHead(t, s, tenantB, 0)
		got, err := s.ReadJournal(t.Context(), tenantB, 1, 0)
		if err != nil {
			t.Fatalf("ReadJournal(%s): %v", tenantB, err)
		}
		if len(got) != 0 {
			t.Errorf("ReadJournal(%s) returned %d of %s's entries", tenantB, len(got), tenantA)
		}
		// B's journal starts at 1 regardless of A's.
		b := entries(nil, 2, "bob")
		if err := s.Append(t.Context(), tenantB, b...); err != nil {
			t.Fatalf("Append(%s) from seq 1: %v", tenantB, err)
		}
		if diff := cmp.Diff(a, readAll(t, s, tenantA)); diff != "" {
			t.Errorf("%s's journal (-want +got):\n%s", tenantA, diff)
		}
		if diff := cmp.Diff(b, readAll(t, s, tenantB)); diff != "" {
			t.Errorf("%s's journal (-want +got):\n%s", tenantB, diff)
		}
	})
}

func testInvalidKeys(t *testing.T, h Harness) {
	bad := []struct{ name, tenant, kind, id string }{
		{"EmptyTenant", "", kindX, "w-1"},
		{"EmptyKind", tenantA, "", "w-1"},
		{"EmptyID", tenantA, kindX, ""},
		{"ControlInTenant", "a\x00b", kindX, "w-1"},
		{"ControlInKind", tenantA, "wid\nget", "w-1"},
		{"ControlInID", tenantA, kindX, "w\x7f1"},
		{"InvalidUTF8ID", tenantA, kindX, "w\xff"},
		{"LongID", tenantA, kindX, strings.Repeat("x", 201)},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := h(t)
			ctx := t.Context()
			_, err := s.Get(ctx, tc.tenant, tc.kind, tc.id)
			wantErr(t, "Get", err, aims.ErrInvalid)
			_, err = s.Put(ctx, tc.tenant, record(tc.kind, tc.id, "x", nil), 0)
			wantErr(t, "Put", err, aims.ErrInvalid)
			err = s.Delete(ctx, tc.tenant, tc.kind, tc.id, 1)
			wantErr(t, "Delete", err, aims.ErrInvalid)
		})
	}
	t.Run("TenantScoped", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		ctx := t.Context()
		for _, tenant := range []string{"", "a\tb"} {
			_, err := s.List(ctx, tenant, aims.Query{Kind: kindX})
			wantErr(t, "List with tenant "+strconv.Quote(tenant), err, aims.ErrInvalid)
			err = s.Append(ctx, tenant, entries(nil, 1, "ana")...)
			wantErr(t, "Append with tenant "+strconv.Quote(tenant), err, aims.ErrInvalid)
			_, err = s.ReadJournal(ctx, tenant, 1, 0)
			wantErr(t, "ReadJournal with tenant "+strconv.Quote(tenant), err, aims.ErrInvalid)
			_, err = s.Head(ctx, tenant)
			wantErr(t, "Head with tenant "+strconv.Quote(tenant), err, aims.ErrInvalid)
		}
		_, err := s.List(ctx, tenantA, aims.Query{})
		wantErr(t, "List without kind", err, aims.ErrInvalid)
		// Nothing was appended under any name.
		wantHead(t, s, tenantA, 0)
	})
}
