package memstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
)

// The batch path of an import: one Apply of batchRecords creates with
// their attributes and sealed journal entries, under one lock, beside the
// bare minimum of the same work: the records copied into a map by key
// and the entries appended to a slice.

const batchRecords = 10_000

func batchFixture() aims.Batch {
	b := aims.Batch{Writes: make([]aims.Write, batchRecords), Entries: make([]aims.Entry, batchRecords)}
	at := time.Date(2025, 6, 1, 12, 0, 0, 1, time.UTC)
	var prev *aims.Entry
	for i := range b.Writes {
		rec := aims.Record{Kind: "risk", ID: fmt.Sprintf("risk-%06d", i), Attrs: map[string]string{"owner": "ana", "state": "identified"}, Data: benchData}
		b.Writes[i] = aims.Write{Record: rec}
		e := &b.Entries[i]
		*e = aims.Entry{Time: at, Actor: "ana", Kind: rec.Kind, ID: rec.ID, Event: aims.EventCreate, Version: 1, Digest: aims.RecordDigest(rec)}
		aims.Seal("acme", e, prev)
		prev = e
	}
	return b
}

// BenchmarkBatchApply10k applies one batch of 10,000 creates and entries
// to a fresh store.
func BenchmarkBatchApply10k(b *testing.B) {
	batch := batchFixture()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		s := New()
		if _, err := s.Apply(ctx, "acme", batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batchRecords), "ns/rec")
}

// BenchmarkBaselineBatchMap10k is the floor of the same work: each record
// (a copy of its data and attributes) into a map, each entry into a slice.
func BenchmarkBaselineBatchMap10k(b *testing.B) {
	batch := batchFixture()
	type key struct{ kind, id string }
	b.ReportAllocs()
	for b.Loop() {
		m := map[key]*aims.Record{}
		var journal []aims.Entry
		for i := range batch.Writes {
			r := clone(&batch.Writes[i].Record)
			r.Version = 1
			m[key{r.Kind, r.ID}] = &r
		}
		journal = append(journal, batch.Entries...)
		if len(m) != batchRecords || len(journal) != batchRecords {
			b.Fatal("lost rows")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batchRecords), "ns/rec")
}
