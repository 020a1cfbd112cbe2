package aims

import (
	"context"
	"errors"
	"fmt"
)

// BulkOptions configures [Workspace.Bulk].
type BulkOptions struct {
	// Chunk is the number of changes committed together. Once a call to
	// [Bulk.Stage] leaves at least Chunk changes staged, they are committed
	// as one [Tx]: all or nothing per chunk on a [Transactor] or
	// [ChainApplier], and a chunk that fails leaves the chunks before it
	// committed ([Bulk.Committed] counts their changes). 0 means no
	// chunking: everything is committed by [Bulk.Flush] in one Tx, all or
	// nothing, as a manifest's apply needs; the staged records are then all
	// held in memory until Flush. Imports of hundreds of thousands of
	// records use a chunk of a few thousand.
	Chunk int
}

// Bulk loads many changes into a workspace through the same checks as
// single writes: each change is staged into a [Tx] with [StartIn],
// [CreateIn] or [FireIn] (validation, guards, workflow authority and
// duties), every journal entry is authorized at commit as
// [Workspace.Commit] does, and the changes are committed in chunks of
// [BulkOptions.Chunk] with their journal entries, each chunk in one store
// transaction. The changes one [Bulk.Stage] call makes are never split
// across chunks.
//
// The cost is linear in the number of changes: the store writes a chunk's
// rows in a few statements (sqlstore: multi-row INSERTs; memstore: one
// lock), the kernel hashes each record once for its digest and seals the
// chunk's entries in one pass.
//
// A Bulk is not safe for concurrent use. After a failed commit it refuses
// further work with that error.
type Bulk struct {
	ws        *Workspace
	chunk     int
	tx        *Tx
	committed int
	chunks    int
	err       error
}

// Bulk returns a bulk loader on ws; opts nil means one all-or-nothing
// commit.
func (ws *Workspace) Bulk(opts *BulkOptions) (*Bulk, error) {
	var o BulkOptions
	if opts != nil {
		o = *opts
	}
	if o.Chunk < 0 {
		return nil, Invalid("chunk", fmt.Sprintf("must be 0 (one commit) or a positive number of changes, got %d", o.Chunk))
	}
	b := &Bulk{ws: ws, chunk: o.Chunk}
	b.tx = b.begin()
	return b, nil
}

// Stage runs fn to stage changes in the current chunk's Tx, then commits
// the chunk when it holds at least Chunk changes. When fn fails, the
// changes it staged are taken back (their records get their headers
// back), the ones staged before stay, and fn's error is returned: a
// caller may skip the item or stop. When the commit fails, its error is
// returned and the Bulk is done.
func (b *Bulk) Stage(ctx context.Context, fn func(tx *Tx) error) error {
	if b.err != nil {
		return b.err
	}
	if b.tx.done {
		return errors.New("aims: Bulk used after Flush")
	}
	mark := b.tx.Len()
	if err := fn(b.tx); err != nil {
		b.tx.truncate(mark)
		return err
	}
	if b.chunk > 0 && b.tx.Len() >= b.chunk {
		return b.commit(ctx, false)
	}
	return nil
}

// Pending returns the number of changes staged and not yet committed.
func (b *Bulk) Pending() int { return b.tx.Len() }

// Committed returns the number of changes committed so far.
func (b *Bulk) Committed() int { return b.committed }

// Chunks returns the number of commits made so far.
func (b *Bulk) Chunks() int { return b.chunks }

// Flush commits the changes staged and not yet committed, and ends the
// Bulk.
func (b *Bulk) Flush(ctx context.Context) error {
	if b.err != nil {
		return b.err
	}
	if b.tx.done {
		return nil
	}
	return b.commit(ctx, true)
}

// Discard takes back the changes staged and not yet committed (their
// records get their headers back, latest first) and ends the Bulk; the
// chunks committed before stay. Callers that stop on a [Bulk.Stage]
// error call it so that the records of the unfinished chunk are left as
// they were passed.
func (b *Bulk) Discard() {
	if !b.tx.done {
		b.tx.truncate(0)
		b.tx.done = true
	}
	if b.err == nil {
		b.err = errors.New("aims: Bulk discarded")
	}
}

func (b *Bulk) commit(ctx context.Context, last bool) error {
	n := b.tx.Len()
	if err := b.tx.Commit(ctx); err != nil {
		b.err = fmt.Errorf("bulk: chunk %d (%d changes after the %d committed): %w", b.chunks+1, n, b.committed, err)
		return b.err
	}
	if n > 0 {
		b.committed += n
		b.chunks++
	}
	if !last {
		b.tx = b.begin()
	}
	return nil
}

// begin starts a chunk's Tx with room for its changes, so that staging a
// chunk of thousands does not grow (and copy) its slices a dozen times.
func (b *Bulk) begin() *Tx {
	tx := b.ws.Begin()
	if n := min(b.chunk, maxChunkHint); n > 0 {
		tx.writes, tx.entries, tx.undo = make([]Write, 0, n), make([]Entry, 0, n), make([]func(), 0, n)
	}
	return tx
}

// maxChunkHint bounds the room a chunk's Tx takes before it is staged.
const maxChunkHint = 1 << 16

// truncate takes back the changes staged after the first n, restoring
// their records' headers, latest first.
func (tx *Tx) truncate(n int) {
	for i := len(tx.undo) - 1; i >= n; i-- {
		tx.undo[i]()
	}
	clear(tx.writes[n:])
	clear(tx.entries[n:])
	clear(tx.undo[n:])
	tx.writes, tx.entries, tx.undo = tx.writes[:n], tx.entries[:n], tx.undo[:n]
}

// CreateMany creates every record of vs through one [Bulk] of opts, each
// as [Collection.Create] would (records with a workflow are staged with
// [Bulk.Stage] and [StartIn] instead). Every record is validated (and ids checked for
// duplicates) before the first write, so a bad one anywhere refuses the
// whole call with an error naming its index and nothing written; with a
// Chunk, a failure mid-way (a conflict with a stored record, the store
// failing) leaves the chunks before it committed, and the returned count
// says how many records were. Records with no id get a fresh one.
func CreateMany[T any, P Doc[T]](ctx context.Context, c *Collection[T, P], actor string, vs []P, opts *BulkOptions) (int, error) {
	for i, v := range vs {
		if v == nil {
			return 0, Invalid(fmt.Sprintf("records[%d]", i), "is required")
		}
	}
	if err := precheck(c, actor, vs); err != nil {
		return 0, err
	}
	b, err := c.ws.Bulk(opts)
	if err != nil {
		return 0, err
	}
	for i, v := range vs {
		if err := b.Stage(ctx, func(tx *Tx) error { return CreateIn(ctx, tx, c, actor, v) }); err != nil {
			b.Discard()
			return b.Committed(), fmt.Errorf("records[%d]: %w", i, err)
		}
	}
	if err := b.Flush(ctx); err != nil {
		return b.Committed(), err
	}
	return b.Committed(), nil
}

// precheck validates every record of vs as a create would (with the
// header the create gives it), without encoding, staging or writing, and
// refuses duplicate ids: the first problem, by index, is returned.
func precheck[T any, P Doc[T]](c *Collection[T, P], actor string, vs []P) error {
	if !ValidName(actor) {
		return E("create", c.kind, "", Invalid("actor", "is required"))
	}
	seen := make(map[string]int, len(vs))
	for i, v := range vs {
		h := v.Header()
		if h.State != "" || h.Workflow != "" {
			return fmt.Errorf("records[%d]: %w", i, E("create", c.kind, h.ID, Invalid("state", "is set by the record's workflow: create it with aims.Start")))
		}
		if h.ID == "" {
			continue // a fresh id; validated when staged
		}
		if !ValidName(h.ID) {
			return fmt.Errorf("records[%d]: %w", i, E("create", c.kind, h.ID, Invalid("id", fmt.Sprintf("must be 1-%d printable bytes", maxName))))
		}
		if j, dup := seen[h.ID]; dup {
			return fmt.Errorf("records[%d]: %w", i, E("create", c.kind, h.ID, fmt.Errorf("%w: the id is also used by records[%d]", ErrConflict, j)))
		}
		seen[h.ID] = i
		saved := *h
		*h = c.newHeader(actor, v)
		h.Version = 1
		err := v.Validate()
		*h = saved
		if err != nil {
			return fmt.Errorf("records[%d]: %w", i, E("create", c.kind, saved.ID, err))
		}
	}
	return nil
}
