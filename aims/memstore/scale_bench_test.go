package memstore

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/aims"
)

// scaleSizes are the store sizes of BenchmarkScaleApply: 10k by default,
// the sizes listed in ISO42001_SCALE (comma separated) when set.
func scaleSizes(b *testing.B) []int {
	env := os.Getenv("ISO42001_SCALE")
	if env == "" {
		return []int{10_000}
	}
	var out []int
	for f := range strings.SplitSeq(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("ISO42001_SCALE: %q is not a positive size", f)
		}
		out = append(out, n)
	}
	return out
}

// scaleIDs returns n ids in the order the kernel makes them: numbered,
// so that byte order scatters them ("r-10" before "r-2").
func scaleIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("r-%d", i)
	}
	return ids
}

// BenchmarkScaleApply fills an empty store with n records, one Apply of a
// record and its journal entry each, as the kernel writes them: what
// growing the journal and the id index costs per record at that size.
func BenchmarkScaleApply(b *testing.B) {
	for _, n := range scaleSizes(b) {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ids := scaleIDs(n)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				s := New()
				for i, id := range ids {
					batch := aims.Batch{
						Writes:  []aims.Write{{Record: aims.Record{Kind: "risk", ID: id, Data: benchData}}},
						Entries: []aims.Entry{{Seq: uint64(i + 1), Kind: "risk", ID: id, Event: aims.EventCreate, Version: 1}},
					}
					if _, err := s.Apply(ctx, "acme", batch); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/rec")
		})
	}
}

// BenchmarkBaselineScaleApply does the bare minimum of the same work: a
// map insert of a copy of each record and an append of its entry to a
// slice preallocated to the final size (no copy on growth, no index).
func BenchmarkBaselineScaleApply(b *testing.B) {
	for _, n := range scaleSizes(b) {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ids := scaleIDs(n)
			b.ReportAllocs()
			for b.Loop() {
				m := baselineMap{m: map[string][]byte{}}
				journal := make([]aims.Entry, 0, n)
				for i, id := range ids {
					m.put(id, benchData)
					journal = append(journal, aims.Entry{Seq: uint64(i + 1), Kind: "risk", ID: id, Event: aims.EventCreate, Version: 1})
				}
				if len(journal) != n || len(m.m) != n {
					b.Fatalf("baseline holds %d entries and %d records, want %d", len(journal), len(m.m), n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/rec")
		})
	}
}
