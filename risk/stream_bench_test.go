package risk

import (
	"context"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
)

// streamN is the register size of the report benchmarks.
const streamN = 2_000

var (
	streamOnce sync.Once
	streamFix  *fixture
)

// streamFixture is a register of streamN assessed risks, built once.
func streamFixture(b *testing.B) *fixture {
	streamOnce.Do(func() {
		f := newFixture(b)
		ctx := context.Background()
		for i := range streamN {
			id := fmt.Sprintf("R-%d", i)
			if err := f.reg.Add(ctx, alice, &Risk{Meta: aims.Meta{ID: id}, Title: "Drift " + id, Owner: alice,
				Systems: []string{"credit-scoring"}, Sources: []controls.RiskSource{controls.SourceMachineLearning},
				Causes: []string{"data drift"}, Consequences: []string{"wrong decisions"}}); err != nil {
				b.Fatal(err)
			}
			if _, err := f.reg.Assess(ctx, alice, id, StageInherent, Assessment{Likelihood: 1 + i%5, Consequence: 1 + (i/5)%5}, ""); err != nil {
				b.Fatal(err)
			}
		}
		streamFix = f
	})
	if streamFix == nil {
		b.Fatal("fixture failed")
	}
	return streamFix
}

// BenchmarkReportJSON builds the whole report, then writes it (the
// pre-streaming way: the risks held decoded, copied into the report).
func BenchmarkReportJSON(b *testing.B) {
	f := streamFixture(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		rep, err := f.reg.Report(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := rep.WriteJSON(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteReportJSON streams the same bytes from the register.
func BenchmarkWriteReportJSON(b *testing.B) {
	f := streamFixture(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := f.reg.WriteReportJSON(ctx, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineDecodeAll is the bare minimum of either: every risk
// listed and decoded, nothing rendered.
func BenchmarkBaselineDecodeAll(b *testing.B) {
	f := streamFixture(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.reg.All(ctx, Filter{}); err != nil {
			b.Fatal(err)
		}
	}
}
