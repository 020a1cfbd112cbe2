package aims

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Workspace is one tenant's AIMS: a [Store] scoped to a tenant, the clock and
// id generator the kernel uses, and the [Authorizer] that workflow
// transitions consult. Domain services (risk.Register, soa.Builder, ...) are
// built on a Workspace. It is safe for concurrent use.
type Workspace struct {
	store  Store
	tenant string
	now    func() time.Time
	newID  func(kind string) string
	authz  Authorizer
}

// Options configures a [Workspace]. The zero value means the defaults.
type Options struct {
	// Clock returns the current time; default time.Now. Tests inject a fixed
	// clock so that outputs are byte-identical.
	Clock func() time.Time
	// NewID returns a fresh id for a record of kind; default kind-<12 random
	// hex digits>.
	NewID func(kind string) string
	// Authorizer decides whether an actor holds a role; default
	// [RoleAuthorizer] on this workspace's role assignments.
	Authorizer Authorizer
}

// NewWorkspace returns the workspace of tenant in store.
func NewWorkspace(store Store, tenant string, opts *Options) (*Workspace, error) {
	if store == nil {
		return nil, Invalid("store", "is required")
	}
	if !ValidName(tenant) {
		return nil, Invalid("tenant", fmt.Sprintf("must be 1-%d printable bytes, got %q", maxName, tenant))
	}
	ws := &Workspace{store: store, tenant: tenant, now: time.Now, newID: randomID}
	if opts != nil {
		if opts.Clock != nil {
			ws.now = opts.Clock
		}
		if opts.NewID != nil {
			ws.newID = opts.NewID
		}
		ws.authz = opts.Authorizer
	}
	if ws.authz == nil {
		ws.authz = NewRoleAuthorizer(ws)
	}
	return ws, nil
}

func randomID(kind string) string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return kind + "-" + hex.EncodeToString(b[:])
}

// Store returns the underlying store.
func (ws *Workspace) Store() Store { return ws.store }

// Tenant returns the tenant this workspace is scoped to.
func (ws *Workspace) Tenant() string { return ws.tenant }

// Now returns the workspace clock's time, in UTC.
func (ws *Workspace) Now() time.Time { return ws.now().UTC() }

// NewID returns a fresh id for a record of kind.
func (ws *Workspace) NewID(kind string) string { return ws.newID(kind) }

// Authorizer returns the authorizer workflow transitions consult.
func (ws *Workspace) Authorizer() Authorizer { return ws.authz }

// maxChainRetries bounds how often a write is retried when another writer
// appended to the journal first.
const maxChainRetries = 16

// Commit applies writes and appends one journal entry per element of
// entries (their Seq, Prev and Hash are filled in here), atomically when
// the store is a [Transactor]. When another writer moved the journal head
// meanwhile, it re-links the entries and retries; a stale record version
// returns ErrConflict. It returns the new version of each write.
func (ws *Workspace) Commit(ctx context.Context, writes []Write, entries []Entry) ([]int64, error) {
	tx, atomic := ws.store.(Transactor)
	if !atomic {
		return ws.commitSequential(ctx, writes, entries)
	}
	for attempt := 0; ; attempt++ {
		head, err := ws.head(ctx)
		if err != nil {
			return nil, err
		}
		sealAll(entries, head)
		versions, err := tx.Apply(ctx, ws.tenant, Batch{Writes: writes, Entries: entries})
		if err == nil {
			return versions, nil
		}
		if !errors.Is(err, ErrConflict) || attempt >= maxChainRetries {
			return nil, err
		}
		now, herr := ws.head(ctx)
		if herr != nil {
			return nil, herr
		}
		if sameHead(head, now) {
			return nil, err // the record itself is stale
		}
	}
}

func (ws *Workspace) commitSequential(ctx context.Context, writes []Write, entries []Entry) ([]int64, error) {
	versions := make([]int64, len(writes))
	for i, w := range writes {
		if w.Delete {
			if err := ws.store.Delete(ctx, ws.tenant, w.Record.Kind, w.Record.ID, w.Expected); err != nil {
				return nil, err
			}
			continue
		}
		v, err := ws.store.Put(ctx, ws.tenant, w.Record, w.Expected)
		if err != nil {
			return nil, err
		}
		versions[i] = v
	}
	for attempt := 0; len(entries) > 0; attempt++ {
		head, err := ws.head(ctx)
		if err != nil {
			return nil, err
		}
		sealAll(entries, head)
		err = ws.store.Append(ctx, ws.tenant, entries...)
		if err == nil {
			break
		}
		if !errors.Is(err, ErrConflict) || attempt >= maxChainRetries {
			return nil, fmt.Errorf("records written but journal append failed: %w", err)
		}
	}
	return versions, nil
}

func (ws *Workspace) head(ctx context.Context) (*Entry, error) {
	h, err := ws.store.Head(ctx, ws.tenant)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &h, nil
}

func sameHead(a, b *Entry) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Seq == b.Seq && a.Hash == b.Hash
}

func sealAll(entries []Entry, head *Entry) {
	prev := head
	for i := range entries {
		Seal(&entries[i], prev)
		prev = &entries[i]
	}
}

// VerifyReport is the result of [Workspace.Verify].
type VerifyReport struct {
	Entries int // journal entries whose links verified
	Records int // records whose current digest was checked against the journal
}

// Verify checks the tenant's journal hash chain from the first entry, then
// checks that every record the journal mentions is stored at the version
// and digest of its last entry (or absent after a delete), which catches
// entries cut from the end of the journal and records edited behind the
// kernel's back. A broken chain or mismatch is a *[ChainError] matching
// [ErrTampered]; other errors are the store's.
func (ws *Workspace) Verify(ctx context.Context) (VerifyReport, error) {
	var rep VerifyReport
	type key struct{ kind, id string }
	last := map[key]Entry{}
	var prev *Entry
	for from := uint64(1); ; {
		page, err := ws.store.ReadJournal(ctx, ws.tenant, from, MaxPageSize)
		if err != nil {
			return rep, err
		}
		if len(page) == 0 {
			break
		}
		if err := Chain(prev, page); err != nil {
			return rep, err
		}
		rep.Entries += len(page)
		for _, e := range page {
			if e.Kind != "" && e.ID != "" {
				last[key{e.Kind, e.ID}] = e
			}
		}
		l := page[len(page)-1]
		prev = &l
		from = l.Seq + 1
	}
	keys := make([]key, 0, len(last))
	for k := range last {
		keys = append(keys, k)
	}
	// Report the mismatch with the lowest Seq first, so the answer is stable.
	slices.SortFunc(keys, func(a, b key) int { return cmp.Compare(last[a].Seq, last[b].Seq) })
	for _, k := range keys {
		e := last[k]
		rec, err := ws.store.Get(ctx, ws.tenant, k.kind, k.id)
		switch {
		case errors.Is(err, ErrNotFound):
			if e.Event != EventDelete {
				return rep, &ChainError{Seq: e.Seq, Kind: k.kind, ID: k.id, Reason: "record is missing but its last journal entry is not a delete"}
			}
		case err != nil:
			return rep, err
		case e.Event == EventDelete:
			return rep, &ChainError{Seq: e.Seq, Kind: k.kind, ID: k.id, Reason: "record exists but its last journal entry deletes it"}
		case rec.Version != e.Version || Digest(rec.Data) != e.Digest:
			return rep, &ChainError{Seq: e.Seq, Kind: k.kind, ID: k.id,
				Reason: fmt.Sprintf("record at version %d does not match its last journal entry (version %d): changed outside the kernel, or later entries were removed", rec.Version, e.Version)}
		}
		rep.Records++
	}
	return rep, nil
}
