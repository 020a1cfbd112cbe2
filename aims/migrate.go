package aims

import (
	"context"
	"encoding/json"
	"fmt"
)

// EventMigrate is the journal event of a record rewritten at its kind's
// current schema version by [Collection.Migrate].
const EventMigrate = "migrate"

// Migration upgrades a stored document of one kind from schema version
// From to From+1. Apply is a pure function over the document's JSON
// object (the decoded map, Meta's fields included): it renames, moves,
// splits or fills fields, and returns an error when the document cannot
// be upgraded. A nil Apply is a version whose shape only grew (new
// optional fields): nothing to rewrite.
//
// How a package author changes a record's shape:
//
//  1. Bump the kind's schema version (the constant passed to
//     [NewCollection]), say from 1 to 2.
//  2. Add Migration{From: 1, Note: "...", Apply: ...} to the collection
//     with [Collection.Migrations] where the package builds it, turning
//     a version-1 document into a version-2 one. Never edit a released
//     migration: add the next one.
//  3. Keep a version-1 document in the package's testdata and test that
//     it decodes into the current type (see aims/testdata/migrate).
//
// Reads then upgrade older records on the fly, the next write of each
// stores it at the new version, and [Collection.Migrate] (or
// [MigrateAll]) rewrites every older record of a tenant at once, each
// change journaled.
type Migration struct {
	From  int
	Note  string
	Apply func(doc map[string]any) error
}

// Migrations returns a copy of c that upgrades documents stored at an
// older schema version on every read, through ms: one migration for each
// version from the oldest a store may hold up to the collection's
// version minus one, in any order. Call it where the collection is
// built, before sharing it.
func (c *Collection[T, P]) Migrations(ms ...Migration) *Collection[T, P] {
	cp := *c
	cp.migrations = make(map[int]Migration, len(ms))
	for _, m := range ms {
		cp.migrations[m.From] = m
	}
	return &cp
}

// SchemaVersion returns the schema version the collection writes.
func (c *Collection[T, P]) SchemaVersion() int { return c.schemaVersion }

// upgrade returns data, a document stored at schema version from,
// brought to the collection's version by its migrations.
func (c *Collection[T, P]) upgrade(data []byte, from int) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("stored document is corrupt: %w", err)
	}
	for v := max(from, 1); v < c.schemaVersion; v++ {
		m, ok := c.migrations[v]
		if !ok {
			return nil, fmt.Errorf("stored at schema version %d, and this build has no migration from version %d to %d", from, v, v+1)
		}
		if m.Apply == nil {
			continue
		}
		if err := m.Apply(doc); err != nil {
			return nil, fmt.Errorf("migration from schema version %d (%s): %w", v, m.Note, err)
		}
	}
	doc["schemaVersion"] = c.schemaVersion
	return json.Marshal(doc)
}

// MigrateReport says what [Collection.Migrate] did for one kind.
type MigrateReport struct {
	Kind string `json:"kind"`
	// Version is the schema version the records are now at.
	Version int `json:"version"`
	// Migrated counts the records rewritten, Current those already at
	// Version.
	Migrated int `json:"migrated"`
	Current  int `json:"current"`
}

// Migrate rewrites every record of the collection stored at an older
// schema version at the current one, as actor: one write and one journal
// entry (event [EventMigrate], the workflow state unchanged) per record,
// frozen records included, since their content does not change, only its
// shape. Records already current are left alone, so running it again
// changes nothing. It stops at the first failure; the records migrated
// before it stay migrated, and a rerun continues.
func (c *Collection[T, P]) Migrate(ctx context.Context, actor string) (MigrateReport, error) {
	rep := MigrateReport{Kind: c.kind, Version: c.schemaVersion}
	var old []Record
	q := Query{Kind: c.kind, Limit: MaxPageSize}
	for {
		page, err := c.ws.store.List(ctx, c.ws.tenant, q)
		if err != nil {
			return rep, E("migrate", c.kind, "", err)
		}
		for _, rec := range page.Records {
			var h struct {
				SchemaVersion int `json:"schemaVersion"`
			}
			if err := json.Unmarshal(rec.Data, &h); err != nil {
				return rep, E("migrate", c.kind, rec.ID, fmt.Errorf("stored document is corrupt: %w", err))
			}
			if max(h.SchemaVersion, 1) >= c.schemaVersion {
				rep.Current++
				continue
			}
			old = append(old, rec)
		}
		if page.Next == "" {
			break
		}
		q.After = page.Next
	}
	for _, rec := range old {
		p, err := c.decode(rec)
		if err != nil {
			return rep, err
		}
		h := *p.Header()
		if err := c.save(ctx, EventMigrate, actor, p, h, rec.Version, Entry{Event: EventMigrate, From: h.State, To: h.State}); err != nil {
			return rep, err
		}
		rep.Migrated++
	}
	return rep, nil
}

// Migrator is a collection [MigrateAll] can migrate: every
// [Collection] is one.
type Migrator interface {
	Kind() string
	Migrate(ctx context.Context, actor string) (MigrateReport, error)
}

// MigrateAll migrates each collection in turn (see [Collection.Migrate])
// and reports per kind; it stops at the first failure.
func MigrateAll(ctx context.Context, actor string, cs ...Migrator) ([]MigrateReport, error) {
	out := make([]MigrateReport, 0, len(cs))
	for _, c := range cs {
		rep, err := c.Migrate(ctx, actor)
		if err != nil {
			return out, err
		}
		out = append(out, rep)
	}
	return out, nil
}
