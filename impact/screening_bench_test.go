package impact

import (
	"slices"
	"testing"
)

// BenchmarkScreen screens the credit model's answers with the built-in EU
// AI Act screening: validation of every answer, the rules, the duties and
// their application days.
func BenchmarkScreen(b *testing.B) {
	f, err := Builtin(EUAIActID)
	if err != nil {
		b.Fatal(err)
	}
	a := creditScreening()
	b.ReportAllocs()
	for b.Loop() {
		s, err := ScreenWith(f, a)
		if err != nil || s.Tier != TierHighRisk {
			b.Fatal(s, err)
		}
	}
}

// BenchmarkScreenBaseline is the bare minimum of the same decision for the
// same answers, written by hand: read the prohibited-practice answers, the
// Annex I answers, the Annex III uses and the derogation, and name the
// tier. No validation, no reasons, duties, days or result.
func BenchmarkScreenBaseline(b *testing.B) {
	a := creditScreening()
	prohibited := []string{"manipulation", "exploits-vulnerabilities", "social-scoring", "crime-prediction", "face-scraping", "sensitive-categorisation", "realtime-rbi"}
	b.ReportAllocs()
	for b.Loop() {
		tier := TierMinimal
		for _, q := range prohibited {
			if a[q].Bool() {
				tier = TierProhibited
			}
		}
		if tier == TierMinimal {
			if a["annex-i-product"].Bool() {
				tier = TierHighRisk
			}
			uses := a["annex-iii"].List()
			if len(uses) > 0 && !slices.Contains(uses, "none") {
				derog := a["derogation"].List()
				if a["profiling"].Bool() || len(derog) == 0 || slices.Contains(derog, "none") {
					tier = TierHighRisk
				}
			}
		}
		if tier != TierHighRisk {
			b.Fatal(tier)
		}
	}
}
