package memstore

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aimsgo/iso42001/aims"
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
