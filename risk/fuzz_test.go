package risk

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzDecodeRisk: decoding any bytes never panics and fails with
// ErrInvalid; a risk that decodes survives a JSON round trip and renders.
func FuzzDecodeRisk(f *testing.F) {
	fx := newFixture(f)
	fx.populate(f)
	all, err := fx.reg.All(f.Context(), Filter{})
	if err != nil {
		f.Fatal(err)
	}
	for _, rk := range all {
		data, err := json.Marshal(rk)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"title":"t","owner":"o","inherent":{"score":{"level":0}}}`))
	f.Add([]byte(`{"title":"t","owner":"o","treatment":{"options":["retain"],"actions":[{"id":"a"}]}}`))
	f.Add([]byte(`{"title":"t","owner":"o","sources":["weather"],"nextReview":"not a time"}`))
	f.Add([]byte(`{"title":"t","owner":"o","systems":[],"inherent":{"assessment":{"exposure":{"frequency":{"min":1,"max":2},"loss":{"min":0,"max":1}}},"score":{"value":1,"band":"low","rationale":{"level":1}}}}`))
	crit := DefaultCriteria()
	f.Fuzz(func(t *testing.T, data []byte) {
		rk, err := DecodeRisk(data)
		if err != nil {
			if !errors.Is(err, aims.ErrInvalid) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		again, err := json.Marshal(rk)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeRisk(again)
		if err != nil {
			t.Fatalf("re-decoding a valid risk: %v\n%s", err, again)
		}
		// Empty and absent lists are the same document (omitempty).
		if diff := cmp.Diff(rk, back, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
		_ = rk.Attributes()
		rep := NewReport(crit, nil, "t", t0, []*Risk{rk})
		var b bytes.Buffer
		for _, w := range []func(*bytes.Buffer) error{
			func(b *bytes.Buffer) error { return rep.WriteMarkdown(b) },
			func(b *bytes.Buffer) error { return rep.WriteCSV(b) },
			func(b *bytes.Buffer) error { return rep.WriteHeatmapSVG(b) },
			func(b *bytes.Buffer) error { return rep.WriteAssessmentResults(b) },
		} {
			b.Reset()
			if err := w(&b); err != nil {
				t.Fatalf("render: %v", err)
			}
		}
	})
}
