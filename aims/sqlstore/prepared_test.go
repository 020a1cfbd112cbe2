package sqlstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/sqlstore"
)

// TestOneConnection runs every operation on a pool of one connection: the
// statements the store prepares on the database must never wait for a
// connection its own transaction holds.
func TestOneConnection(t *testing.T) {
	t.Parallel()
	for _, be := range []backend{sqliteBackend(), sqliteDeferredBackend(), sqlitePlainBackend(), pgBackend()} {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			be.available(t)
			db, _ := be.open(t)
			db.SetMaxOpenConns(1)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			s, err := sqlstore.Open(ctx, db, be.dialect)
			if err != nil {
				t.Fatal(err)
			}
			rec := aims.Record{Kind: "k", ID: "a", Attrs: map[string]string{"state": "draft"}, Data: []byte("{}")}
			if _, err := s.Put(ctx, "acme", rec, 0); err != nil {
				t.Fatalf("Put: %v", err)
			}
			e := aims.Entry{Seq: 1, Kind: "k", ID: "a", Event: aims.EventCreate, Version: 1}
			if _, err := s.Apply(ctx, "acme", aims.Batch{Writes: []aims.Write{{Record: rec, Expected: 1}}, Entries: []aims.Entry{e}}); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if _, err := s.ApplyChained(ctx, "acme", aims.Batch{Writes: []aims.Write{{Record: aims.Record{Kind: "k", ID: "b"}}}, Entries: []aims.Entry{{Kind: "k", ID: "b"}}},
				func(seq uint64, _ string) error { return nil }); err == nil {
				// seal left Seq 0: the append must refuse it.
				t.Fatal("ApplyChained with an unsealed entry succeeded")
			}
			if _, err := s.Get(ctx, "acme", "k", "a"); err != nil {
				t.Fatalf("Get: %v", err)
			}
			if p, err := s.List(ctx, "acme", aims.Query{Kind: "k", Where: map[string]string{"state": "draft"}}); err != nil || len(p.Records) != 1 {
				t.Fatalf("List = %d records, %v; want 1", len(p.Records), err)
			}
			if _, err := s.Head(ctx, "acme"); err != nil {
				t.Fatalf("Head: %v", err)
			}
			if err := s.CheckIndex(ctx, "acme"); err != nil {
				t.Fatalf("CheckIndex: %v", err)
			}
			if err := s.Delete(ctx, "acme", "k", "a", 2); err != nil {
				t.Fatalf("Delete: %v", err)
			}
		})
	}
}

// TestManyFilterSets lists with more distinct sets of filter keys than
// the store keeps prepared: the ones beyond run unprepared, alike.
func TestManyFilterSets(t *testing.T) {
	t.Parallel()
	s := sqliteBackend().store(t)
	ctx := t.Context()
	attrs := map[string]string{}
	for i := range 100 {
		attrs[fmt.Sprintf("a%03d", i)] = "v"
	}
	if _, err := s.Put(ctx, "acme", aims.Record{Kind: "k", ID: "x", Attrs: attrs}, 0); err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		for _, v := range []string{"v", "w"} {
			p, err := s.List(ctx, "acme", aims.Query{Kind: "k", Where: map[string]string{fmt.Sprintf("a%03d", i): v}})
			want := 0
			if v == "v" {
				want = 1
			}
			if err != nil || len(p.Records) != want {
				t.Fatalf("List where a%03d=%s = %d records, %v; want %d", i, v, len(p.Records), err, want)
			}
		}
	}
}
