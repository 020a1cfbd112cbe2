package aims

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Record is what a [Store] keeps: one document of a kind, its version, the
// attributes a List can filter on, and the document's bytes (JSON written by
// the kernel). A Store treats Data and Attrs as opaque.
type Record struct {
	Kind    string            // record kind, e.g. "risk"; see [ValidName]
	ID      string            // unique within tenant and kind; see [ValidName]
	Version int64             // assigned by the store: 1 on create, +1 on each put
	Attrs   map[string]string // indexed attributes for [Query.Where]
	Data    []byte            // the document
}

// Query selects records of one kind for [Store.List].
type Query struct {
	Kind string
	// Where keeps records whose Attrs hold every key with exactly that value.
	Where map[string]string
	// After is the cursor returned as [Page.Next] by the previous page; empty
	// for the first page.
	After string
	// Limit caps the page size; 0 means [DefaultPageSize]. Stores cap it at
	// [MaxPageSize].
	Limit int
}

// Matches reports whether a record with attrs is kept by q.Where: attrs
// holds every key of Where with exactly that value. In-memory stores
// filter with it.
func (q Query) Matches(attrs map[string]string) bool {
	for k, v := range q.Where {
		if got, ok := attrs[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// Page sizes for [Query.Limit].
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// Page is one page of a List, in ascending byte order of ID. Next is the
// cursor of the following page, or empty when this is the last one.
type Page struct {
	Records []Record
	Next    string
}

// Store is the one interface callers implement to keep an AIMS where they
// want it. Every method is scoped to a tenant: no call may read, list,
// overwrite or delete another tenant's records or journal entries.
//
// Implementations must be safe for concurrent use. They must not keep the
// caller's slices or maps after returning (copy Data and Attrs), and
// returned values are the caller's to modify. They honour ctx: a cancelled
// context makes the call return ctx.Err() (wrapped or not) without writing.
//
// Errors: [ErrNotFound], [ErrConflict], [ErrInvalid] (empty tenant, kind or
// id; a Query without kind) as categories under errors.Is; any other error
// is an infrastructure failure, after which nothing was written.
//
// Lists paginate by ID in ascending byte order with key-set cursors, so a
// record that exists for the whole listing is returned exactly once even
// while others are inserted or deleted.
//
// [aims/storetest.Run] is the conformance suite every implementation passes.
type Store interface {
	// Get returns the record, or ErrNotFound.
	Get(ctx context.Context, tenant, kind, id string) (Record, error)
	// Put writes rec if the stored version equals expected: 0 means the
	// record must not exist yet. It returns the new version (expected+1).
	// A stale expected version returns ErrConflict, a missing record with
	// expected > 0 returns ErrNotFound; neither writes anything. rec.Version
	// is ignored.
	Put(ctx context.Context, tenant string, rec Record, expected int64) (int64, error)
	// Delete removes the record if its version equals expected; ErrNotFound
	// when missing, ErrConflict when stale.
	Delete(ctx context.Context, tenant, kind, id string, expected int64) error
	// List returns one page of q.Kind's records matching q.Where.
	List(ctx context.Context, tenant string, q Query) (Page, error)
	// Append adds entries to the tenant's journal. The first entry's Seq must
	// be the current head's Seq+1 (1 for an empty journal) and the rest must
	// follow without gaps; otherwise Append returns ErrConflict and appends
	// nothing. Stores keep entries verbatim and never rewrite them.
	Append(ctx context.Context, tenant string, entries ...Entry) error
	// ReadJournal returns up to limit entries with Seq >= from, in Seq order
	// (limit 0 means [DefaultPageSize], capped at [MaxPageSize]).
	ReadJournal(ctx context.Context, tenant string, from uint64, limit int) ([]Entry, error)
	// Head returns the tenant's last journal entry, or ErrNotFound when the
	// journal is empty.
	Head(ctx context.Context, tenant string) (Entry, error)
}

// Write is one change in a [Batch]: a put, or a delete when Delete is set.
type Write struct {
	Record   Record
	Expected int64
	Delete   bool
}

// Batch is a set of writes and journal entries to apply together.
type Batch struct {
	Writes  []Write
	Entries []Entry
}

// Transactor is an optional [Store] capability: Apply makes every write and
// appends every entry of b atomically, or changes nothing. The version and
// journal rules of Put, Delete and Append apply to each element; the first
// failure aborts the whole batch and is returned. Apply returns the new
// version of each write in order (0 for deletes).
//
// Without it, the kernel writes records one by one and appends the journal
// entries after them: a crash in between can leave a change unjournaled,
// which [Workspace.Verify] reports as a digest mismatch.
type Transactor interface {
	Apply(ctx context.Context, tenant string, b Batch) ([]int64, error)
}

// ErrContention matches the error of a write that could not get its turn:
// the store's lock on the tenant's journal (or the journal head, for stores
// without [ChainApplier]) stayed taken by other writers for longer than the
// retry budget. Nothing was written; unlike [ErrConflict] the write is not
// stale, and the same write may succeed later.
var ErrContention = errors.New("contention: too many concurrent writers")

// ChainApplier is an optional [Store] capability that lets any number of
// writers append to one tenant's journal without losing races: the store
// serialises the journal append inside its own transaction and lets the
// kernel seal the entries there.
//
// ApplyChained makes every write of b as [Transactor.Apply] does (a stale
// version is [ErrConflict], a missing record [ErrNotFound]), then, holding
// the tenant's journal lock, calls seal once with the Seq and Hash of the
// tenant's current head (0 and [GenesisHash] for an empty journal). seal
// fills in Seq, Prev and Hash of every entry of b.Entries (the same slice);
// the store appends them under the rules of [Store.Append] and commits
// everything together, or nothing when seal or anything else fails. A
// store that gives up waiting for its lock returns an error matching
// [ErrContention]. seal may be called again if the store retries its
// transaction; it must not keep b.
//
// Without it, [Workspace.Commit] reads the head, seals, and retries when
// another writer appended first; under heavy contention that can exhaust
// its retries with [ErrContention].
type ChainApplier interface {
	ApplyChained(ctx context.Context, tenant string, b Batch, seal func(seq uint64, hash string) error) ([]int64, error)
}

// KindLister is an optional [Store] capability: Kinds returns, in ascending
// byte order, every record kind the tenant has at least one record of.
// [Workspace.Verify] uses it to find records that no journal entry
// mentions; without it, Verify can only look at kinds the journal names.
type KindLister interface {
	Kinds(ctx context.Context, tenant string) ([]string, error)
}

// IndexChecker is an optional [Store] capability for stores that keep the
// attributes [Query.Where] filters on apart from the records (an index
// table): CheckIndex reports, as an error matching [ErrTampered], the
// first record whose index disagrees with its stored Attrs, or an
// index entry with no record. [Workspace.Verify] calls it after checking
// the records' digests, which cover their Attrs.
type IndexChecker interface {
	CheckIndex(ctx context.Context, tenant string) error
}

// Entry is one journal entry: who did what to which record, when, and the
// hash chain that makes tampering evident. Prev and Hash are lowercase hex
// SHA-256; the first entry's Prev is [GenesisHash].
type Entry struct {
	Seq     uint64    `json:"seq"`
	Time    time.Time `json:"time"`
	Actor   string    `json:"actor"`
	Kind    string    `json:"kind"`
	ID      string    `json:"id"`
	Event   string    `json:"event"`
	From    string    `json:"from,omitempty"`
	To      string    `json:"to,omitempty"`
	Version int64     `json:"version"`
	Digest  string    `json:"digest"`
	Prev    string    `json:"prev"`
	Hash    string    `json:"hash"`
}

// maxName bounds tenant names, kinds, ids and attribute keys.
const maxName = 200

// ValidName reports whether s may be used as a tenant, kind, id or attribute
// key: 1 to 200 bytes of valid UTF-8 with no control characters.
func ValidName(s string) bool {
	if s == "" || len(s) > maxName || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}

// CheckKey returns an [ErrInvalid] error naming the first of tenant, kind
// and id that is not a [ValidName]. Store implementations call it first.
func CheckKey(tenant, kind, id string) error {
	switch {
	case !ValidName(tenant):
		return Invalid("tenant", fmt.Sprintf("must be 1-%d printable bytes, got %q", maxName, tenant))
	case !ValidName(kind):
		return Invalid("kind", fmt.Sprintf("must be 1-%d printable bytes, got %q", maxName, kind))
	case !ValidName(id):
		return Invalid("id", fmt.Sprintf("must be 1-%d printable bytes, got %q", maxName, id))
	}
	return nil
}

// PageLimit returns the effective page size for a requested limit.
func PageLimit(limit int) int {
	switch {
	case limit <= 0:
		return DefaultPageSize
	case limit > MaxPageSize:
		return MaxPageSize
	}
	return limit
}
