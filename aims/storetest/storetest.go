package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/aimsgo/iso42001/aims"
)

// Harness makes a fresh, empty store for one test case. It registers any
// cleanup with t.Cleanup and fails t (t.Fatal) when it cannot make one.
// Run calls it from inside each subtest, possibly from parallel subtests at
// once, so every call must return an independent store.
type Harness func(t *testing.T) aims.Store

// Run runs every conformance case against stores made by h, each as a named
// subtest with its own fresh store, so implementers can select cases with
// -run and -skip.
func Run(t *testing.T, h Harness) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(t, h)
		})
	}
}

type testCase struct {
	name string
	fn   func(t *testing.T, h Harness)
}

// cases is the suite in run order; each group runs its own subtests.
var cases = []testCase{
	{"RoundTrip", testRoundTrip},
	{"Versions", testVersions},
	{"Concurrency", testConcurrency},
	{"TenantIsolation", testTenantIsolation},
	{"InvalidKeys", testInvalidKeys},
	{"List", testList},
	{"Journal", testJournal},
	{"Transactor", testTransactor},
	{"ChainApplier", testChainApplier},
	{"Context", testContext},
	{"Kernel", testKernel},
	{"Contention", testContention},
	{"Tamper", testTamper},
}

// Tenants and kinds the cases use.
const (
	tenantA = "tenant-a"
	tenantB = "tenant-b"
	kindX   = "widget"
	kindY   = "gadget"
)

// recordOpts compares records treating nil and empty Data and Attrs as the
// same: the contract keeps bytes and pairs, not the distinction between an
// empty and an absent slice or map, which SQL drivers do not preserve.
var recordOpts = cmp.Options{cmpopts.EquateEmpty()}

func put(t *testing.T, s aims.Store, tenant string, rec aims.Record, expected int64) int64 {
	t.Helper()
	v, err := s.Put(t.Context(), tenant, rec, expected)
	if err != nil {
		t.Fatalf("Put(%s, %s/%s, expected %d): %v", tenant, rec.Kind, rec.ID, expected, err)
	}
	if v != expected+1 {
		t.Fatalf("Put(%s, %s/%s, expected %d) = version %d, want %d", tenant, rec.Kind, rec.ID, expected, v, expected+1)
	}
	return v
}

func get(t *testing.T, s aims.Store, tenant, kind, id string) aims.Record {
	t.Helper()
	rec, err := s.Get(t.Context(), tenant, kind, id)
	if err != nil {
		t.Fatalf("Get(%s, %s/%s): %v", tenant, kind, id, err)
	}
	return rec
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error = %v, want one matching %v", what, err, target)
	}
}

func wantNotFound(t *testing.T, s aims.Store, tenant, kind, id string) {
	t.Helper()
	_, err := s.Get(t.Context(), tenant, kind, id)
	wantErr(t, fmt.Sprintf("Get(%s, %s/%s)", tenant, kind, id), err, aims.ErrNotFound)
}

// wantHead checks the tenant's journal head Seq; 0 means an empty journal.
func wantHead(t *testing.T, s aims.Store, tenant string, seq uint64) {
	t.Helper()
	h, err := s.Head(t.Context(), tenant)
	if seq == 0 {
		wantErr(t, "Head of an empty journal", err, aims.ErrNotFound)
		return
	}
	if err != nil {
		t.Fatalf("Head(%s): %v", tenant, err)
	}
	if h.Seq != seq {
		t.Errorf("Head(%s).Seq = %d, want %d", tenant, h.Seq, seq)
	}
}

func record(kind, id string, data string, attrs map[string]string) aims.Record {
	return aims.Record{Kind: kind, ID: id, Data: []byte(data), Attrs: attrs}
}

// baseTime has a nanosecond part so that stores rounding to micro- or
// milliseconds fail the journal round trip.
var baseTime = time.Date(2025, 3, 4, 5, 6, 7, 123456789, time.UTC)

// entries returns n entries sealed after prev (nil for the first), with
// every field set and distinct.
func entries(prev *aims.Entry, n int, actor string) []aims.Entry {
	out := make([]aims.Entry, n)
	for i := range out {
		e := &out[i]
		e.Time = baseTime.Add(time.Duration(i)*time.Second + time.Duration(i))
		e.Actor = actor
		e.Kind = kindX
		e.ID = "w-" + strconv.Itoa(i)
		e.Event = aims.EventUpdate
		e.From, e.To = "draft", "approved"
		e.Version = int64(i + 2)
		e.Digest = aims.Digest([]byte(strconv.Itoa(i)))
		aims.Seal(tenantA, e, prev)
		prev = e
	}
	return out
}

func readAll(t *testing.T, s aims.Store, tenant string) []aims.Entry {
	t.Helper()
	var all []aims.Entry
	for from := uint64(1); ; {
		page, err := s.ReadJournal(t.Context(), tenant, from, aims.MaxPageSize)
		if err != nil {
			t.Fatalf("ReadJournal(%s, %d): %v", tenant, from, err)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		from = page[len(page)-1].Seq + 1
	}
}

// cancelled returns a context that is already cancelled.
func cancelled(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx
}
