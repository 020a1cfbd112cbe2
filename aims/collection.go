package aims

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"time"
)

// Journal events the kernel writes for plain record changes. Workflow
// transitions use their own event names.
const (
	EventCreate = "create"
	EventUpdate = "update"
	EventDelete = "delete"
)

// Meta is the header every stored document embeds: its kind, schema
// version, id, the store's version, its workflow state and who touched it
// when. The kernel maintains it; callers read it.
type Meta struct {
	Kind          string `json:"kind"`
	SchemaVersion int    `json:"schemaVersion"`
	ID            string `json:"id"`
	// Version is the store's version of the record; pass it back unchanged
	// on update so a stale write fails with ErrConflict.
	Version int64 `json:"version"`
	// State is the record's workflow state, empty for records without one.
	State string `json:"state,omitempty"`
	// Workflow names the definition and version that last moved the record,
	// as "name@version".
	Workflow  string    `json:"workflow,omitempty"`
	CreatedAt time.Time `json:"createdAt,omitzero"`
	CreatedBy string    `json:"createdBy,omitempty"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
	UpdatedBy string    `json:"updatedBy,omitempty"`
}

// Header returns m itself, so that a type embedding Meta implements the
// Header half of [Document].
func (m *Meta) Header() *Meta { return m }

// Document is a record type the kernel can store: it embeds [Meta] and
// validates itself, returning a [*ValidationError] listing every problem.
type Document interface {
	Header() *Meta
	Validate() error
}

// Indexed is an optional [Document] capability: the attributes a List can
// filter on. The kernel adds "state" from Meta.State itself.
type Indexed interface {
	Attributes() map[string]string
}

// Doc constrains P to be a pointer to T that is a [Document].
type Doc[T any] interface {
	*T
	Document
}

// Collection is the typed view of one kind of record in a [Workspace]. Every
// write validates the document, checks its version and appends a journal
// entry in the same store operation where the store allows.
type Collection[T any, P Doc[T]] struct {
	ws            *Workspace
	kind          string
	schemaVersion int
	frozen        map[string]bool
	guard         func(ctx context.Context, actor, id string) error
	deleteGuard   func(ctx context.Context, id string) error
	migrations    map[int]Migration
}

// NewCollection returns the collection of kind in ws. schemaVersion is
// written into each document's Meta; documents read back keep theirs.
func NewCollection[T any, P Doc[T]](ws *Workspace, kind string, schemaVersion int) *Collection[T, P] {
	if schemaVersion <= 0 {
		schemaVersion = 1
	}
	return &Collection[T, P]{ws: ws, kind: kind, schemaVersion: schemaVersion}
}

// Freeze makes records in the given workflow states immutable: Update and
// Save refuse them with an error matching [ErrTransitionDenied], so an
// approved document, SoA version or assessment keeps the content it was
// approved with. Workflow transitions ([Fire]) still move them (an approved
// version can become superseded). Call it when building the collection,
// before sharing it; it returns c.
func (c *Collection[T, P]) Freeze(states ...string) *Collection[T, P] {
	if c.frozen == nil {
		c.frozen = map[string]bool{}
	}
	for _, s := range states {
		c.frozen[s] = true
	}
	return c
}

// Guard returns a copy of c that asks g before every write and delete (the
// actor and the record's id): a record kind whose changes need authority of
// their own, such as role assignments, refuses them at the collection,
// whichever service writes.
func (c *Collection[T, P]) Guard(g func(ctx context.Context, actor, id string) error) *Collection[T, P] {
	cp := *c
	cp.guard = g
	return &cp
}

// GuardDelete returns a copy of c that asks g before every delete: a
// record others refer to is refused rather than left dangling.
func (c *Collection[T, P]) GuardDelete(g func(ctx context.Context, id string) error) *Collection[T, P] {
	cp := *c
	cp.deleteGuard = g
	return &cp
}

// Kind returns the record kind.
func (c *Collection[T, P]) Kind() string { return c.kind }

// Workspace returns the workspace the collection lives in.
func (c *Collection[T, P]) Workspace() *Workspace { return c.ws }

// Get returns the document with id, or an error matching ErrNotFound.
func (c *Collection[T, P]) Get(ctx context.Context, id string) (P, error) {
	rec, err := c.ws.store.Get(ctx, c.ws.tenant, c.kind, id)
	if err != nil {
		return nil, E("get", c.kind, id, err)
	}
	return c.decode(rec)
}

func (c *Collection[T, P]) decode(rec Record) (P, error) {
	var v T
	p := P(&v)
	if err := json.Unmarshal(rec.Data, p); err != nil {
		return nil, E("decode", c.kind, rec.ID, fmt.Errorf("stored document is corrupt: %w", err))
	}
	h := p.Header()
	if max(h.SchemaVersion, 1) < c.schemaVersion {
		// An older shape: upgrade the document, then decode it afresh.
		data, err := c.upgrade(rec.Data, h.SchemaVersion)
		if err != nil {
			return nil, E("decode", c.kind, rec.ID, err)
		}
		var v T
		p = P(&v)
		if err := json.Unmarshal(data, p); err != nil {
			return nil, E("decode", c.kind, rec.ID, fmt.Errorf("migrated document does not decode: %w", err))
		}
		h = p.Header()
	}
	h.Kind, h.ID, h.Version = rec.Kind, rec.ID, rec.Version
	return p, nil
}

// Create stores a new document. An empty ID gets a fresh one from the
// workspace; CreatedAt/By and UpdatedAt/By are set from the clock and actor.
// It returns ErrConflict if the id exists and ErrInvalid if v does not
// validate; v's Meta is updated only on success. A record that follows a
// workflow is created with [Start], never here: Create refuses a preset
// Meta.State or Meta.Workflow, so no record is born past its workflow's
// checks.
func (c *Collection[T, P]) Create(ctx context.Context, actor string, v P) error {
	if h := v.Header(); h.State != "" || h.Workflow != "" {
		return E("create", c.kind, h.ID, Invalid("state", "is set by the record's workflow: create it with aims.Start"))
	}
	return c.create(ctx, actor, v)
}

func (c *Collection[T, P]) create(ctx context.Context, actor string, v P) error {
	h := c.newHeader(actor, v)
	return c.write(ctx, "create", actor, v, h, 0, Entry{Event: EventCreate, To: h.State})
}

// newHeader is the header of v as created by actor now.
func (c *Collection[T, P]) newHeader(actor string, v P) Meta {
	h := *v.Header()
	if h.ID == "" {
		h.ID = c.ws.NewID(c.kind)
	}
	now := c.ws.Now()
	h.Kind, h.Version = c.kind, 0
	if h.SchemaVersion == 0 {
		h.SchemaVersion = c.schemaVersion
	}
	h.CreatedAt, h.CreatedBy, h.UpdatedAt, h.UpdatedBy = now, actor, now, actor
	return h
}

// Update stores v over the version named in its Meta. A stale version
// returns ErrConflict and writes nothing. Update changes data, never the
// workflow state: a Meta.State or Meta.Workflow that differs from the
// stored record's is refused (move records with [Fire]); the creation
// stamp is kept from the stored record.
func (c *Collection[T, P]) Update(ctx context.Context, actor string, v P) error {
	h := *v.Header()
	if h.Version <= 0 {
		return E("update", c.kind, h.ID, Invalid("version", "must be the version read from the store"))
	}
	if err := c.keepStored(ctx, "update", &h); err != nil {
		return err
	}
	h.Kind = c.kind
	h.UpdatedAt, h.UpdatedBy = c.ws.Now(), actor
	return c.write(ctx, "update", actor, v, h, h.Version, Entry{Event: EventUpdate, From: h.State, To: h.State})
}

// Save writes v with header h over expected, journaling entry under its own
// event name (its Time, Actor, Kind, ID, Version and Digest are filled in):
// domain services use it for data changes that deserve a name of their own
// in the journal, such as "assess" or "treat". Like Update, it keeps the
// stored workflow state and refuses to change it.
func (c *Collection[T, P]) Save(ctx context.Context, op, actor string, v P, h Meta, expected int64, entry Entry) error {
	h.Version = expected
	if err := c.keepStored(ctx, op, &h); err != nil {
		return err
	}
	return c.save(ctx, op, actor, v, h, expected, entry)
}

// keepStored checks h against the stored record: same version, same
// workflow state; and carries the creation stamp over.
func (c *Collection[T, P]) keepStored(ctx context.Context, op string, h *Meta) error {
	rec, err := c.ws.store.Get(ctx, c.ws.tenant, c.kind, h.ID)
	if err != nil {
		return E(op, c.kind, h.ID, err)
	}
	if rec.Version != h.Version {
		return E(op, c.kind, h.ID, fmt.Errorf("%w: stored version is %d, not %d", ErrConflict, rec.Version, h.Version))
	}
	stored, err := c.decode(rec)
	if err != nil {
		return err
	}
	sh := stored.Header()
	if c.frozen[sh.State] {
		return E(op, c.kind, h.ID, fmt.Errorf("%w: the record is %s and can no longer change", ErrTransitionDenied, sh.State))
	}
	if h.State != sh.State || h.Workflow != sh.Workflow {
		return E(op, c.kind, h.ID, Invalid("state", fmt.Sprintf("is %q in the store; only the record's workflow changes it", sh.State)))
	}
	h.CreatedAt, h.CreatedBy = sh.CreatedAt, sh.CreatedBy
	return nil
}

// save is the unchecked write that workflow transitions use.
func (c *Collection[T, P]) save(ctx context.Context, op, actor string, v P, h Meta, expected int64, entry Entry) error {
	h.Kind = c.kind
	h.UpdatedAt, h.UpdatedBy = c.ws.Now(), actor
	return c.write(ctx, op, actor, v, h, expected, entry)
}

func (c *Collection[T, P]) write(ctx context.Context, op, actor string, v P, h Meta, expected int64, entry Entry) error {
	w, e, restore, err := c.stage(ctx, op, actor, v, h, expected, entry)
	if err != nil {
		return err
	}
	if _, err := c.ws.Commit(ctx, []Write{w}, []Entry{e}); err != nil {
		restore()
		return E(op, c.kind, h.ID, err)
	}
	return nil
}

// stage checks and encodes v with header h as the write of expected+1, and
// returns the write, its journal entry and how to restore v's header should
// the commit fail. v's header is set as if the write succeeded.
func (c *Collection[T, P]) stage(ctx context.Context, op, actor string, v P, h Meta, expected int64, entry Entry) (Write, Entry, func(), error) {
	noop := func() {}
	if !ValidName(actor) {
		return Write{}, Entry{}, noop, E(op, c.kind, h.ID, Invalid("actor", "is required"))
	}
	if !ValidName(h.ID) {
		return Write{}, Entry{}, noop, E(op, c.kind, h.ID, Invalid("id", fmt.Sprintf("must be 1-%d printable bytes", maxName)))
	}
	if h.SchemaVersion > c.schemaVersion {
		return Write{}, Entry{}, noop, E(op, c.kind, h.ID, fmt.Errorf("%w: stored at schema version %d, this build writes %d: upgrade before changing it", ErrSchemaNewer, h.SchemaVersion, c.schemaVersion))
	}
	if c.guard != nil {
		if err := c.guard(ctx, actor, h.ID); err != nil {
			return Write{}, Entry{}, noop, E(op, c.kind, h.ID, err)
		}
	}
	saved := *v.Header()
	restore := func() { *v.Header() = saved }
	*v.Header() = h
	v.Header().Version = expected + 1
	rec, err := c.encode(v)
	if err != nil {
		restore()
		return Write{}, Entry{}, noop, E(op, c.kind, h.ID, err)
	}
	entry.Time, entry.Actor, entry.Kind, entry.ID = v.Header().UpdatedAt, actor, c.kind, h.ID
	// The digest is [RecordDigest] of rec, which Commit fills in for
	// every put (hashing the document here too would hash it twice).
	entry.Version = expected + 1
	return Write{Record: rec, Expected: expected}, entry, restore, nil
}

func (c *Collection[T, P]) encode(v P) (Record, error) {
	if err := v.Validate(); err != nil {
		return Record{}, err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return Record{}, err
	}
	h := v.Header()
	var attrs map[string]string
	if ix, ok := any(v).(Indexed); ok {
		src := ix.Attributes()
		attrs = make(map[string]string, len(src)+1)
		maps.Copy(attrs, src)
	} else {
		attrs = make(map[string]string, 1)
	}
	if h.State != "" {
		attrs["state"] = h.State
	}
	for k := range attrs {
		if !ValidName(k) {
			return Record{}, Invalid("attributes", fmt.Sprintf("key %q is not a valid name", k))
		}
	}
	return Record{Kind: c.kind, ID: h.ID, Attrs: attrs, Data: data}, nil
}

// Delete removes the document at expected version and journals it. A
// record that another names (see [References], and the collection's
// [Collection.GuardDelete]) is refused with an error matching
// [ErrInvalid] that names the referring record: close or retire it
// instead.
func (c *Collection[T, P]) Delete(ctx context.Context, actor, id string, expected int64) error {
	if !ValidName(actor) {
		return E("delete", c.kind, id, Invalid("actor", "is required"))
	}
	if c.guard != nil {
		if err := c.guard(ctx, actor, id); err != nil {
			return E("delete", c.kind, id, err)
		}
	}
	if c.deleteGuard != nil {
		if err := c.deleteGuard(ctx, id); err != nil {
			return E("delete", c.kind, id, err)
		}
	}
	if err := referenced(ctx, c.ws, References(), c.kind, id); err != nil {
		return E("delete", c.kind, id, err)
	}
	entry := Entry{Time: c.ws.Now(), Actor: actor, Kind: c.kind, ID: id, Event: EventDelete, Version: expected, Digest: Digest(nil)}
	_, err := c.ws.Commit(ctx, []Write{{Record: Record{Kind: c.kind, ID: id}, Expected: expected, Delete: true}}, []Entry{entry})
	return E("delete", c.kind, id, err)
}

// List yields every document matching where (nil for all), in ascending
// byte order of id, reading the store a page at a time. It stops after
// yielding an error.
func (c *Collection[T, P]) List(ctx context.Context, where map[string]string) iter.Seq2[P, error] {
	return func(yield func(P, error) bool) {
		q := Query{Kind: c.kind, Where: where, Limit: MaxPageSize}
		for {
			page, err := c.ws.store.List(ctx, c.ws.tenant, q)
			if err != nil {
				yield(nil, E("list", c.kind, "", err))
				return
			}
			for _, rec := range page.Records {
				p, err := c.decode(rec)
				if !yield(p, err) || err != nil {
					return
				}
			}
			if page.Next == "" {
				return
			}
			q.After = page.Next
		}
	}
}

// All collects [Collection.List] into a slice.
func (c *Collection[T, P]) All(ctx context.Context, where map[string]string) ([]P, error) {
	var out []P
	for p, err := range c.List(ctx, where) {
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Exists reports whether a document with id exists.
func (c *Collection[T, P]) Exists(ctx context.Context, id string) (bool, error) {
	_, err := c.ws.store.Get(ctx, c.ws.tenant, c.kind, id)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	}
	return false, E("get", c.kind, id, err)
}
