package aims_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
)

// TestNewerSchemaRefused: a record a newer build wrote (schema version 2,
// a field this build does not know) is read, but never written back: the
// update would silently drop the field.
func TestNewerSchemaRefused(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store := memstore.New()
	ws, err := aims.NewWorkspace(store, "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	systems := aims.AISystems(ws)
	if err := systems.Create(ctx, "alice", &aims.AISystem{Meta: aims.Meta{ID: "m"}, Name: "Model", Roles: []aims.AIRole{aims.AIRoleProvider}}); err != nil {
		t.Fatal(err)
	}
	// A newer build rewrites the record with schema version 2 and a new
	// field, through the kernel so that its journal stays consistent.
	newer := aims.NewCollection[aims.AISystem](ws, aims.KindAISystem, 2).Migrations(aims.Migration{From: 1, Note: "a new optional field"})
	cur, err := newer.Get(ctx, "m")
	if err != nil {
		t.Fatal(err)
	}
	cur.SchemaVersion = 2
	if err := newer.Update(ctx, "alice", cur); err != nil {
		t.Fatal(err)
	}
	rec, err := store.Get(ctx, "t", aims.KindAISystem, "m")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Data, &doc); err != nil || doc["schemaVersion"] != float64(2) {
		t.Fatalf("stored document: %v %v", doc["schemaVersion"], err)
	}

	got, err := systems.Get(ctx, "m")
	if err != nil {
		t.Fatalf("an older build cannot read a newer record: %v", err)
	}
	got.Name = "Renamed"
	if err := systems.Update(ctx, "bob", got); !errors.Is(err, aims.ErrSchemaNewer) {
		t.Errorf("an older build updating a newer record: %v, want ErrSchemaNewer", err)
	}
	if v, _ := systems.Get(ctx, "m"); v.Name != "Model" {
		t.Errorf("the record changed to %q", v.Name)
	}
}
