package memstore

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/storetest"
)

// The baselines are the least a store that copies in and out can do: a
// mutex-guarded map from key to bytes. The Store's benchmarks show what
// versions, attributes, tenants, the sorted index and validation cost on
// top.

const benchRecords = 1000

var benchData = bytes.Repeat([]byte(`{"title":"a risk","likelihood":3}`), 8)

type baselineMap struct {
	mu sync.RWMutex
	m  map[string][]byte
}

func (b *baselineMap) get(key string) ([]byte, bool) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	v, ok := b.m[key]
	return bytes.Clone(v), ok
}

func (b *baselineMap) put(key string, v []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m[key] = bytes.Clone(v)
}

func benchIDs() []string {
	ids := make([]string, benchRecords)
	for i := range ids {
		ids[i] = fmt.Sprintf("risk-%06d", i)
	}
	return ids
}

func BenchmarkBaselineMapGet(b *testing.B) {
	ids := benchIDs()
	m := &baselineMap{m: map[string][]byte{}}
	for _, id := range ids {
		m.put("acme/risk/"+id, benchData)
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = "acme/risk/" + id
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, ok := m.get(keys[i%len(keys)]); !ok {
			b.Fatal("missing")
		}
		i++
	}
}

func BenchmarkGet(b *testing.B) {
	ctx := context.Background()
	ids := benchIDs()
	s := New()
	for _, id := range ids {
		if _, err := s.Put(ctx, "acme", aims.Record{Kind: "risk", ID: id, Attrs: map[string]string{"state": "draft"}, Data: benchData}, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.Get(ctx, "acme", "risk", ids[i%len(ids)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkBaselineMapPut(b *testing.B) {
	m := &baselineMap{m: map[string][]byte{}}
	b.ReportAllocs()
	for b.Loop() {
		m.put("acme/risk/risk-000001", benchData)
	}
}

// BenchmarkPut updates one record repeatedly, as the baseline overwrites
// one key.
func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	s := New()
	rec := aims.Record{Kind: "risk", ID: "risk-000001", Attrs: map[string]string{"state": "draft"}, Data: benchData}
	v := int64(0)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if v, err = s.Put(ctx, "acme", rec, v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkList reads a page of 100 from the middle of 10,000 records.
func BenchmarkList(b *testing.B) {
	ctx := context.Background()
	s := New()
	for i := range 10000 {
		if _, err := s.Put(ctx, "acme", aims.Record{Kind: "risk", ID: fmt.Sprintf("risk-%06d", i), Data: benchData}, 0); err != nil {
			b.Fatal(err)
		}
	}
	q := aims.Query{Kind: "risk", After: "risk-005000", Limit: 100}
	b.ReportAllocs()
	for b.Loop() {
		p, err := s.List(ctx, "acme", q)
		if err != nil || len(p.Records) != 100 {
			b.Fatal(len(p.Records), err)
		}
	}
}

// concurrentWriters are the writer counts of the contention benchmarks.
var concurrentWriters = []int{1, 4, 16, 64}

// runConcurrent calls op(i) for i in [0, b.N) from writers goroutines and
// reports throughput and failures (which must be 0).
func runConcurrent(b *testing.B, writers int, op func(ctx context.Context, i int64) error) {
	ctx := context.Background()
	var next, failed atomic.Int64
	var firstErr atomic.Value
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				if err := op(ctx, i); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
	b.ReportMetric(float64(failed.Load()), "failures")
	if err, ok := firstErr.Load().(error); ok {
		b.Errorf("%d of %d creates failed; first: %v", failed.Load(), b.N, err)
	}
}

// BenchmarkConcurrentCreates creates distinct notes in one tenant from 1
// to 64 goroutines through the kernel: validation, JSON, the record, and
// its journal entry sealed under the store's lock.
func BenchmarkConcurrentCreates(b *testing.B) {
	for _, w := range concurrentWriters {
		b.Run(fmt.Sprintf("writers=%d", w), func(b *testing.B) {
			ws, err := aims.NewWorkspace(New(), "acme", &aims.Options{Clock: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 1, time.UTC) }})
			if err != nil {
				b.Fatal(err)
			}
			notes := storetest.Notes(ws)
			runConcurrent(b, w, func(ctx context.Context, i int64) error {
				n := &storetest.Note{Title: "a note of about the size of a risk title", Owner: "ana"}
				n.ID = fmt.Sprintf("n-%09d", i)
				return notes.Create(ctx, "ana", n)
			})
		})
	}
}

// BenchmarkBaselineConcurrentCreates does the bare minimum of the same
// work: under one mutex, a copy of the document into a map and an entry
// appended to a slice.
func BenchmarkBaselineConcurrentCreates(b *testing.B) {
	data := []byte(`{"kind":"note","schemaVersion":1,"id":"n-000000000","version":1,"title":"a note of about the size of a risk title","owner":"ana"}`)
	for _, w := range concurrentWriters {
		b.Run(fmt.Sprintf("writers=%d", w), func(b *testing.B) {
			var mu sync.Mutex
			m := map[string][]byte{}
			var journal []aims.Entry
			runConcurrent(b, w, func(ctx context.Context, i int64) error {
				id := fmt.Sprintf("n-%09d", i)
				mu.Lock()
				defer mu.Unlock()
				m[id] = bytes.Clone(data)
				journal = append(journal, aims.Entry{Seq: uint64(len(journal) + 1), Kind: "note", ID: id, Event: aims.EventCreate, Version: 1})
				return nil
			})
		})
	}
}
