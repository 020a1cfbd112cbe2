package soa_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/soa"
)

// treatments returns n risks with three Annex A controls each, in id
// order, as a risk register lists them.
func treatments(n int) soa.Requirements {
	var ids []string
	for c := range controls.ISO42001().Controls() {
		ids = append(ids, c.ID)
	}
	levels := []string{"low", "medium", "high"}
	reqs := make(soa.Requirements, 0, 3*n)
	for i := range n {
		src := soa.Source{Kind: soa.SourceRisk, ID: "R-" + strconv.Itoa(i+1), Title: "Risk number " + strconv.Itoa(i+1), Level: levels[i%3]}
		for _, k := range [...]int{i, i + 11, i + 23} {
			reqs = append(reqs, soa.Requirement{Control: ids[k%len(ids)], Source: src})
		}
	}
	return reqs
}

func benchGenerate(b *testing.B, n int) {
	reqs := treatments(n)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		s, err := soa.Generate(ctx, soa.Inputs{Requirers: []soa.Requirer{reqs}})
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Entries) != 38 {
			b.Fatal("wrong entry count")
		}
	}
}

// BenchmarkGenerate100k generates an SoA from 100k risks with three
// controls each (300k requirements held in memory).
func BenchmarkGenerate100k(b *testing.B) { benchGenerate(b, 100_000) }

// BenchmarkGenerate10k is the same at a tenth of the size, to check that
// generation grows linearly.
func BenchmarkGenerate10k(b *testing.B) { benchGenerate(b, 10_000) }

// BenchmarkBaselinePass100k is the bare minimum any SoA generator must do
// with the same references: bucket every requirement's source per control
// in a map. Generate should stay within 5x of it.
func BenchmarkBaselinePass100k(b *testing.B) { benchBaseline(b, 100_000) }

// BenchmarkBaselinePass10k is the baseline at a tenth of the size: the
// growth of the bare pass itself (caches, GC) bounds what linear growth
// Generate can show.
func BenchmarkBaselinePass10k(b *testing.B) { benchBaseline(b, 10_000) }

func benchBaseline(b *testing.B, n int) {
	reqs := treatments(n)
	b.ReportAllocs()
	for b.Loop() {
		buckets := map[string][]soa.Source{}
		for _, r := range reqs {
			buckets[r.Control] = append(buckets[r.Control], r.Source)
		}
		if len(buckets) != 38 {
			b.Fatal("wrong bucket count")
		}
	}
}
