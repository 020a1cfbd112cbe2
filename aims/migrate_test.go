package aims_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
)

// The synthetic kind "contact" changed shape twice:
//
//   - version 1 (testdata/migrate/contact-v1.json): name, phone;
//   - version 2: name split into givenName and familyName;
//   - version 3: phone became the list phones.
type contactV1 struct {
	aims.Meta
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"`
}

func (c *contactV1) Validate() error { return nil }

type contact struct {
	aims.Meta
	GivenName  string   `json:"givenName"`
	FamilyName string   `json:"familyName"`
	Phones     []string `json:"phones,omitempty"`
}

func (c *contact) Validate() error {
	if c.FamilyName == "" {
		return aims.Invalid("familyName", "is required")
	}
	return nil
}

var contactMigrations = []aims.Migration{
	{From: 2, Note: "phone becomes the list phones", Apply: func(doc map[string]any) error {
		if p, ok := doc["phone"].(string); ok && p != "" {
			doc["phones"] = []any{p}
		}
		delete(doc, "phone")
		return nil
	}},
	{From: 1, Note: "name splits into givenName and familyName", Apply: func(doc map[string]any) error {
		name, _ := doc["name"].(string)
		given, family, ok := strings.Cut(strings.TrimSpace(name), " ")
		if !ok {
			return fmt.Errorf("name %q has no family name", name)
		}
		doc["givenName"], doc["familyName"] = given, family
		delete(doc, "name")
		return nil
	}},
}

// contacts returns the current build's collection (version 3) and an
// older build's (version 1) on one workspace.
func contacts(t *testing.T) (*aims.Workspace, *aims.Collection[contact, *contact], *aims.Collection[contactV1, *contactV1]) {
	t.Helper()
	ws, err := aims.NewWorkspace(memstore.New(), "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	return ws, aims.NewCollection[contact](ws, "contact", 3).Migrations(contactMigrations...), aims.NewCollection[contactV1](ws, "contact", 1)
}

// seedV1 stores the testdata's version-1 contact as the older build did.
func seedV1(t *testing.T, old *aims.Collection[contactV1, *contactV1], id string) {
	t.Helper()
	data, err := os.ReadFile("testdata/migrate/contact-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var c contactV1
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	c.ID, c.Version, c.CreatedAt, c.UpdatedAt = id, 0, c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if err := old.Create(t.Context(), "alice", &c); err != nil {
		t.Fatal(err)
	}
}

func storedVersion(t *testing.T, ws *aims.Workspace, id string) int {
	t.Helper()
	rec, err := ws.Store().Get(t.Context(), ws.Tenant(), "contact", id)
	if err != nil {
		t.Fatal(err)
	}
	var h aims.Meta
	if err := json.Unmarshal(rec.Data, &h); err != nil {
		t.Fatal(err)
	}
	return h.SchemaVersion
}

// TestMigrationOnRead: a version-1 record decodes into the current type
// through both migrations, in Get and List, and the next save stores it
// at version 3.
func TestMigrationOnRead(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws, cur, old := contacts(t)
	seedV1(t, old, "ada")
	got, err := cur.Get(ctx, "ada")
	if err != nil {
		t.Fatal(err)
	}
	want := contact{GivenName: "Ada", FamilyName: "Lovelace", Phones: []string{"+44 20 7946 0000"}}
	if d := cmp.Diff(want, *got, cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "Meta" }, cmp.Ignore())); d != "" {
		t.Errorf("migrated contact (-want +got):\n%s", d)
	}
	if got.SchemaVersion != 3 || got.Version != 1 || got.CreatedBy != "alice" {
		t.Errorf("migrated header = %+v; want schema version 3, store version 1, creator kept", got.Meta)
	}
	all, err := cur.All(ctx, nil)
	if err != nil || len(all) != 1 || all[0].FamilyName != "Lovelace" {
		t.Fatalf("List of a version-1 record = %v, %v", all, err)
	}
	if v := storedVersion(t, ws, "ada"); v != 1 {
		t.Errorf("a read rewrote the record: stored at %d", v)
	}
	got.Phones = append(got.Phones, "+44 20 7946 0001")
	if err := cur.Update(ctx, "alice", got); err != nil {
		t.Fatal(err)
	}
	if v := storedVersion(t, ws, "ada"); v != 3 {
		t.Errorf("after a save the record is stored at schema version %d, want 3", v)
	}
	// The older build now refuses to overwrite what it cannot represent.
	back, err := old.Get(ctx, "ada")
	if err != nil {
		t.Fatal(err)
	}
	if err := old.Update(ctx, "bob", back); !errors.Is(err, aims.ErrSchemaNewer) {
		t.Errorf("the older build updating a version-3 record: %v, want ErrSchemaNewer", err)
	}
}

// TestMigrateTenant: Migrate rewrites every older record once, each
// change journaled under "migrate" with its state kept; a second run
// changes nothing; the journal verifies.
func TestMigrateTenant(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws, cur, old := contacts(t)
	for _, id := range []string{"ada", "grace", "hedy"} {
		seedV1(t, old, id)
	}
	if err := cur.Create(ctx, "alice", &contact{Meta: aims.Meta{ID: "new"}, GivenName: "Radia", FamilyName: "Perlman"}); err != nil {
		t.Fatal(err)
	}
	reps, err := aims.MigrateAll(ctx, "alice", cur)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]aims.MigrateReport{{Kind: "contact", Version: 3, Migrated: 3, Current: 1}}, reps); d != "" {
		t.Errorf("first migration (-want +got):\n%s", d)
	}
	for _, id := range []string{"ada", "grace", "hedy"} {
		if v := storedVersion(t, ws, id); v != 3 {
			t.Errorf("%s stored at schema version %d after Migrate, want 3", id, v)
		}
	}
	head, err := ws.Store().Head(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	if head.Event != aims.EventMigrate || head.Actor != "alice" {
		t.Errorf("last journal entry = %+v; want a migrate by alice", head)
	}
	rep, err := cur.Migrate(ctx, "alice")
	if err != nil || rep.Migrated != 0 || rep.Current != 4 {
		t.Errorf("second migration = %+v, %v; want nothing to do", rep, err)
	}
	if again, _ := ws.Store().Head(ctx, "t"); again.Seq != head.Seq {
		t.Errorf("a second Migrate moved the journal from %d to %d", head.Seq, again.Seq)
	}
	if vr, err := ws.Verify(ctx); err != nil || vr.Records != 4 {
		t.Errorf("journal after migration: %+v, %v", vr, err)
	}
}

// TestMigrationRefusals: a missing step and a document a migration
// cannot upgrade are errors that name the versions, never a silent
// decode of an old shape into the new type.
func TestMigrationRefusals(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws, _, old := contacts(t)
	seedV1(t, old, "ada")
	gap := aims.NewCollection[contact](ws, "contact", 3).Migrations(contactMigrations[0]) // no 1 -> 2
	if _, err := gap.Get(ctx, "ada"); err == nil || !strings.Contains(err.Error(), "no migration from version 1 to 2") {
		t.Errorf("Get with a missing migration: %v", err)
	}
	if err := old.Create(ctx, "alice", &contactV1{Meta: aims.Meta{ID: "cher"}, Name: "Cher"}); err != nil {
		t.Fatal(err)
	}
	cur := aims.NewCollection[contact](ws, "contact", 3).Migrations(contactMigrations...)
	if _, err := cur.Get(ctx, "cher"); err == nil || !strings.Contains(err.Error(), "has no family name") || !strings.Contains(err.Error(), "schema version 1") {
		t.Errorf("Get of a document the migration refuses: %v", err)
	}
	if _, err := cur.Migrate(ctx, "alice"); err == nil {
		t.Error("Migrate over a document the migration refuses succeeded")
	}
}
