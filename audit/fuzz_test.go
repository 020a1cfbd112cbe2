package audit_test

import (
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
)

// FuzzDecodeFinding decodes findings strictly: no panic, and whatever
// decodes re-encodes and decodes to the same value.
func FuzzDecodeFinding(f *testing.F) {
	seed := []*audit.Finding{
		{Audit: "a-1", Type: audit.FindingMajor, Ref: "A.6.2.7", Statement: "cards missing", Evidence: []string{"registry"}, Auditor: "aud1", Raised: t0},
		{Meta: aims.Meta{ID: "f-2", Version: 3}, Audit: "a-1", Type: audit.FindingOpportunity, Ref: "8.2", Statement: "automate", Evidence: []string{"x", "y"}, Auditor: "aud2", Nonconformity: "nc-9"},
	}
	for _, s := range seed {
		data, _ := json.Marshal(s)
		f.Add(data)
	}
	f.Add([]byte(`{"type":"observation","ref":"","evidence":[""]}`))
	f.Add([]byte(`{"audit":"a","audit":"b"}`))
	f.Add([]byte(`{"evidence":` + strings.Repeat("[", aims.MaxDecodeDepth+1) + strings.Repeat("]", aims.MaxDecodeDepth+1) + `}`))
	f.Add([]byte("{\"statement\":\"caf\xe9\",\"auditor\":\"a\nb\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := aims.Decode[audit.Finding](data)
		if err != nil {
			return
		}
		again, err := json.Marshal(got)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		back, err := aims.Decode[audit.Finding](again)
		if err != nil {
			t.Fatalf("decoded value does not decode again: %v\n%s", err, again)
		}
		if diff := cmp.Diff(got, back); diff != "" {
			t.Errorf("round trip (-first +second):\n%s", diff)
		}
	})
}

// FuzzDecodeNonconformity is FuzzDecodeFinding for nonconformities.
func FuzzDecodeNonconformity(f *testing.F) {
	seed := []*audit.Nonconformity{
		{Type: audit.TypeNonconformity, Title: "t", Severity: audit.SeverityMajor, Ref: "8.2", Source: audit.SourceIncident, Owner: "dev", Raised: t0,
			RootCause: rc, Actions: []audit.Action{{Title: "a", Owner: "dev", Due: t0.Add(time.Hour), Done: t0}},
			ImplementedBy: "dev", Verifications: []audit.Verification{{Effective: true, Note: "ok", By: "aud1", At: t0}}},
		{Meta: aims.Meta{ID: "nc-1", State: "open", Workflow: "nonconformity@1"}, Type: audit.TypeImprovement, Title: "i", Source: audit.SourceReview, Owner: "mgr"},
	}
	for _, s := range seed {
		data, _ := json.Marshal(s)
		f.Add(data)
	}
	f.Add([]byte(`{"type":"nonconformity","state":"limbo"}`))
	f.Add([]byte(`{"actions":` + strings.Repeat("[", aims.MaxDecodeDepth+1) + strings.Repeat("]", aims.MaxDecodeDepth+1) + `}`))
	// testdata/fuzz/FuzzDecodeNonconformity/empty-actions: an empty
	// actions list once came back nil after a round trip.
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := aims.Decode[audit.Nonconformity](data)
		if err != nil {
			return
		}
		again, err := json.Marshal(got)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		back, err := aims.Decode[audit.Nonconformity](again)
		if err != nil {
			t.Fatalf("decoded value does not decode again: %v\n%s", err, again)
		}
		if diff := cmp.Diff(got, back); diff != "" {
			t.Errorf("round trip (-first +second):\n%s", diff)
		}
	})
}

// TestDecodeRecordsRefuseBombs decodes audit records built to exhaust the
// decoder: each is refused with the limit it broke, allocating little
// beyond the input.
func TestDecodeRecordsRefuseBombs(t *testing.T) {
	// Not parallel: runtime.MemStats.TotalAlloc counts every goroutine, so
	// the allocations are measured while no other test of the package runs.
	finding := func(in []byte) error { _, err := aims.Decode[audit.Finding](in); return err }
	nc := func(in []byte) error { _, err := aims.Decode[audit.Nonconformity](in); return err }
	tests := []struct {
		name   string
		decode func([]byte) error
		in     []byte
		want   string
	}{
		{"finding: depth", finding, []byte(`{"evidence":` + strings.Repeat("[", 8<<20-20)), "input nests deeper than 64 levels"},
		{"finding: evidence count", finding, []byte(`{"evidence":[` + strings.Repeat(`"",`, 8<<20/3-10) + `""]}`), "input has more than 200000 values"},
		{"nonconformity: depth", nc, []byte(`{"actions":` + strings.Repeat(`[{"title":`, 8<<20/12)), "input nests deeper than 64 levels"},
		{"nonconformity: actions count", nc, []byte(`{"actions":[` + strings.Repeat(`{},`, 8<<20/3-10) + `{}]}`), "input has more than 200000 values"},
		{"nonconformity: size", nc, []byte(`{"title":"` + strings.Repeat("x", aims.MaxDecodeBytes) + `"}`), "more than the limit of 8388608"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			err := tc.decode(tc.in)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d-byte bomb refused after %d bytes allocated", len(tc.in), alloc)
			if !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %.300v, want ErrInvalid mentioning %q", err, tc.want)
			}
			if alloc > 100<<20 {
				t.Errorf("refusing it allocated %d bytes, want under 100 MB", alloc)
			}
		})
	}
}
