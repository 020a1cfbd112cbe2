package lifecycle

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/aimsgo/iso42001/aims"
)

// creation is one record of a batch that [createAll] creates.
type creation struct {
	kind string
	doc  aims.Document
}

// createAll creates docs in one [aims.Workspace.Commit], with one "create"
// journal entry each, so that an import is stored whole or not at all (on
// stores that apply batches atomically; the others write in order). It
// stamps each header as [aims.Collection.Create] does (a fresh id when
// empty, kind, schema version 1, version 1, created and updated by actor
// now), validates, and encodes each document with its attributes. On any
// error no header is changed.
func createAll(ctx context.Context, ws *aims.Workspace, op, actor string, docs []creation) error {
	if !aims.ValidName(actor) {
		return aims.E(op, "", "", aims.Invalid("actor", "is required"))
	}
	saved := make([]aims.Meta, len(docs))
	restore := func() {
		for i, c := range docs {
			*c.doc.Header() = saved[i]
		}
	}
	now := ws.Now()
	writes := make([]aims.Write, 0, len(docs))
	entries := make([]aims.Entry, 0, len(docs))
	for i, c := range docs {
		h := c.doc.Header()
		saved[i] = *h
		if h.State != "" || h.Workflow != "" {
			restore()
			return aims.E(op, c.kind, h.ID, aims.Invalid("state", "is set by the record's workflow"))
		}
		if h.ID == "" {
			h.ID = ws.NewID(c.kind)
		}
		if h.SchemaVersion == 0 {
			h.SchemaVersion = 1
		}
		h.Kind, h.Version = c.kind, 1
		h.CreatedAt, h.CreatedBy, h.UpdatedAt, h.UpdatedBy = now, actor, now, actor
		rec, err := encode(c.kind, c.doc)
		if err != nil {
			restore()
			return aims.E(op, c.kind, h.ID, err)
		}
		writes = append(writes, aims.Write{Record: rec})
		entries = append(entries, aims.Entry{Time: now, Actor: actor, Kind: c.kind, ID: h.ID, Event: aims.EventCreate, Version: 1})
	}
	if _, err := ws.Commit(ctx, writes, entries); err != nil {
		restore()
		return aims.E(op, "", "", err)
	}
	return nil
}

// encode validates doc and returns its store record.
func encode(kind string, doc aims.Document) (aims.Record, error) {
	h := doc.Header()
	if !aims.ValidName(h.ID) {
		return aims.Record{}, aims.Invalid("id", "must be 1-200 printable bytes")
	}
	if err := doc.Validate(); err != nil {
		return aims.Record{}, err
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return aims.Record{}, err
	}
	attrs := map[string]string{}
	if ix, ok := doc.(aims.Indexed); ok {
		maps.Copy(attrs, ix.Attributes())
	}
	for k := range attrs {
		if !aims.ValidName(k) {
			return aims.Record{}, aims.Invalid("attributes", fmt.Sprintf("key %q is not a valid name", clip(k)))
		}
	}
	return aims.Record{Kind: kind, ID: h.ID, Attrs: attrs, Data: data}, nil
}
