package iso42001

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/risk"
)

// benchManifest declares n risks, each assessed.
func benchManifest(n int) *Manifest {
	m := &Manifest{APIVersion: ManifestAPIVersion, Kind: ManifestKind, Organisation: OrganisationSpec{Name: "Bench Ltd"}}
	for i := range n {
		m.Risks = append(m.Risks, RiskSpec{ID: fmt.Sprintf("R-%d", i+1), Title: fmt.Sprintf("Risk %d", i+1), Owner: "dave",
			Sources: []controls.RiskSource{controls.SourceMachineLearning}, Objectives: []controls.AIObjective{controls.AIObjectiveFairness},
			Causes: []string{"a cause"}, Consequences: []string{"a consequence"},
			Inherent: &RatingSpec{Assessment: risk.Assessment{Likelihood: 1 + i%5, Consequence: 1 + i%3}, Note: "bench"}})
	}
	return m
}

// BenchmarkManifestPlan plans a manifest of n risks against a workspace
// (memstore) that holds the same n: every risk is read, compared field by
// field and found unchanged.
func BenchmarkManifestPlan(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("risks=%d", n), func(b *testing.B) {
			a, _ := openMem(b)
			m := benchManifest(n)
			if _, err := a.Apply(b.Context(), "alice", m, nil); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				p, err := a.Plan(b.Context(), m, nil)
				if err != nil {
					b.Fatal(err)
				}
				if p.Changed() {
					b.Fatal("plan changes something")
				}
			}
		})
	}
}

// BenchmarkManifestPlanBaseline lists and decodes the same n stored
// risks and nothing else: the floor under a plan.
func BenchmarkManifestPlanBaseline(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("risks=%d", n), func(b *testing.B) {
			a, _ := openMem(b)
			if _, err := a.Apply(b.Context(), "alice", benchManifest(n), nil); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				k := 0
				for _, err := range a.Risks().Collection().List(b.Context(), nil) {
					if err != nil {
						b.Fatal(err)
					}
					k++
				}
				if k != n {
					b.Fatalf("listed %d risks, want %d", k, n)
				}
			}
		})
	}
}

// BenchmarkDecodeManifest decodes the canonical YAML of a manifest of n
// risks: the parser's cost, which grows faster than the input.
func BenchmarkDecodeManifest(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("risks=%d", n), func(b *testing.B) {
			var buf bytes.Buffer
			if err := EncodeManifest(&buf, benchManifest(n), ""); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeManifest("bench.yaml", buf.Bytes()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
