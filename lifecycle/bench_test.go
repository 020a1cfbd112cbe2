package lifecycle_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/lifecycle"
)

// BenchmarkImportModelCards imports n copies of the credit-scorer card
// (a technical doc, two verifications and two requirements each) into a
// fresh in-memory workspace per iteration. Compare ns/op and allocs/op of
// n=1000 and n=10000: growth should stay near 10x (at most 12x), i.e.
// the import is linear in the cards already stored. cpu-ns/card is the
// process's CPU time (GC included) per card, steadier than wall time on
// a shared machine.
func BenchmarkImportModelCards(b *testing.B) {
	data, _ := readCard(b, "credit-scorer-model.md")
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("cards=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				ws := newWorkspace(b, nil)
				b.StartTimer()
				start := cpuTime()
				for i := range n {
					if _, err := lifecycle.ImportModelCard(b.Context(), ws, "importer", fmt.Sprintf("system-%d", i), bytes.NewReader(data), nil); err != nil {
						b.Fatal(err)
					}
				}
				cpu += cpuTime() - start
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/card")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*n), "cpu-ns/card")
		})
	}
}

// BenchmarkParseModelCard measures reading and parsing one card alone.
func BenchmarkParseModelCard(b *testing.B) {
	data, _ := readCard(b, "credit-scorer-model.md")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := lifecycle.ParseModelCard(bytes.NewReader(data), 0); err != nil {
			b.Fatal(err)
		}
	}
}
