package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/sqlstore"
)

// policy is a small document type for the example.
type policy struct {
	aims.Meta
	Title string `json:"title"`
}

func (p *policy) Validate() error {
	var probs aims.Problems
	probs.Require("title", p.Title)
	return probs.Err()
}

// Open a SQLite database, migrate it, and run a workspace on it. With
// ":memory:" every pooled connection would open a database of its own, so
// the pool is limited to one connection; a file database takes the DSN in
// the package documentation instead.
func Example() {
	ctx := context.Background()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	store, err := sqlstore.Open(ctx, db, sqlstore.SQLite)
	if err != nil {
		log.Fatal(err)
	}
	clock := func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }
	ws, err := aims.NewWorkspace(store, "acme", &aims.Options{Clock: clock})
	if err != nil {
		log.Fatal(err)
	}
	policies := aims.NewCollection[policy](ws, "policy", 1)
	p := &policy{Title: "AI policy"}
	p.ID = "policy-1"
	if err := policies.Create(ctx, "ana", p); err != nil {
		log.Fatal(err)
	}
	p.Title = "AI policy, revised"
	if err := policies.Update(ctx, "ana", p); err != nil {
		log.Fatal(err)
	}
	rep, err := ws.Verify(ctx)
	if err != nil {
		log.Fatal(err)
	}
	v, _ := store.Version(ctx)
	fmt.Printf("schema version %d; %s at version %d; journal: %d entries, %d records verified\n",
		v, p.ID, p.Version, rep.Entries, rep.Records)
	// Output: schema version 2; policy-1 at version 2; journal: 2 entries, 1 records verified
}

// A stale write is refused with aims.ErrConflict, whichever process wrote
// first.
func ExampleStore_Put() {
	ctx := context.Background()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	store, err := sqlstore.Open(ctx, db, sqlstore.SQLite)
	if err != nil {
		log.Fatal(err)
	}
	rec := aims.Record{Kind: "risk", ID: "r-1", Attrs: map[string]string{"state": "open"}, Data: []byte(`{}`)}
	v1, _ := store.Put(ctx, "acme", rec, 0)
	v2, _ := store.Put(ctx, "acme", rec, v1)
	_, err = store.Put(ctx, "acme", rec, v1) // v1 is stale now
	fmt.Println(v1, v2, err)
	// Output: 1 2 put risk/r-1: expected version 1, stored 2: version conflict
}
