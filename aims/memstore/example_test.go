package memstore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
)

// The store enforces optimistic versions: a write names the version it
// read, and a stale one is refused with ErrConflict.
func ExampleNew() {
	ctx := context.Background()
	s := memstore.New()
	rec := aims.Record{Kind: "risk", ID: "risk-1", Attrs: map[string]string{"state": "draft"}, Data: []byte(`{"title":"bias"}`)}
	v, _ := s.Put(ctx, "acme", rec, 0)
	fmt.Println("created at version", v)

	rec.Data = []byte(`{"title":"bias in hiring"}`)
	v, _ = s.Put(ctx, "acme", rec, v)
	fmt.Println("updated to version", v)

	_, err := s.Put(ctx, "acme", rec, 1)
	fmt.Println("stale write conflicts:", errors.Is(err, aims.ErrConflict))

	page, _ := s.List(ctx, "acme", aims.Query{Kind: "risk", Where: map[string]string{"state": "draft"}})
	for _, r := range page.Records {
		fmt.Printf("%s v%d %s\n", r.ID, r.Version, r.Data)
	}
	_, err = s.Get(ctx, "other-tenant", "risk", "risk-1")
	fmt.Println("other tenant sees it:", !errors.Is(err, aims.ErrNotFound))
	// Output:
	// created at version 1
	// updated to version 2
	// stale write conflicts: true
	// risk-1 v2 {"title":"bias in hiring"}
	// other tenant sees it: false
}
