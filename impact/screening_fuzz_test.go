package impact

import (
	"bytes"
	"errors"
	"testing"

	"github.com/aimsgo/iso42001/aims"
)

// FuzzScreen screens arbitrary answers files with the built-in EU AI Act
// screening. The oracle: no panic; refusals are validation errors; an
// accepted screening has a tier, records its rules, dates every duty (all
// built-in references are dated), cites a provision for every decisive
// reason but the one that says nothing applies, and is not due again under
// the rules that made it.
func FuzzScreen(f *testing.F) {
	for _, a := range []Answers{creditScreening(), benign(), with(benign(), "annex-iii", ListValue("5b-fraud", "7d-travel-documents"))} {
		var b bytes.Buffer
		if err := EncodeAnswers(&b, a); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Add([]byte("role: [provider]\nannex-iii: [1a, 1a-verification]\nderogation: [narrow-procedural-task]\nprofiling: no\n"))
	form, err := Builtin(EUAIActID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := DecodeAnswers(data)
		if err != nil {
			return
		}
		s, err := ScreenWith(form, a)
		if err != nil {
			if !errors.Is(err, aims.ErrInvalid) {
				t.Fatalf("refusal is not ErrInvalid: %v", err)
			}
			return
		}
		if !s.Tier.Valid() || s.Rules == nil || s.Rules.Questionnaire != form.Ref() {
			t.Fatalf("screening lacks a tier or its rules: %+v", s)
		}
		if len(s.Applies) != len(s.Obligations) {
			t.Fatalf("%d of %d duties dated", len(s.Applies), len(s.Obligations))
		}
		for _, r := range s.Reasons {
			if r.Decisive && r.Reference == "" && r.Rule != "no-trigger" {
				t.Fatalf("decisive reason %s cites nothing", r.Rule)
			}
		}
		if r, due := rescreen(form, EUAIActSchedule(), s); due {
			t.Fatalf("due under its own rules: %s", r.Detail)
		}
	})
}
