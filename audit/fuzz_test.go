package audit_test

import (
	"encoding/json"
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
