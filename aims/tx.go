package aims

import (
	"context"
	"errors"
)

// Tx gathers the changes of several records, each checked exactly as its
// own write would be (validation, guards, workflow authority and duties),
// and commits them with their journal entries in one [Workspace.Commit]:
// all or nothing on a store that is a [Transactor] or a [ChainApplier].
// On a plain Store the records are written in order and the entries
// appended after them, as Commit documents; every change was still
// checked before the first write. Services use it for steps that change
// more than one record (approving a version and superseding the last one,
// a finding and the nonconformity it opens).
//
// A Tx is not safe for concurrent use, and stages each record at most
// once: a second change to the same record in one Tx conflicts at commit.
type Tx struct {
	ws      *Workspace
	writes  []Write
	entries []Entry
	undo    []func()
	done    bool
}

// Begin starts a Tx on ws.
func (ws *Workspace) Begin() *Tx { return &Tx{ws: ws} }

// Len returns the number of changes staged.
func (tx *Tx) Len() int { return len(tx.writes) }

func (tx *Tx) add(w Write, e Entry, undo func()) {
	tx.writes = append(tx.writes, w)
	tx.entries = append(tx.entries, e)
	tx.undo = append(tx.undo, undo)
}

// Commit writes every staged change and its journal entry. On failure
// nothing is written (on a Transactor or ChainApplier), the records passed
// to the Tx get their headers back, and the error is returned. A Tx
// commits once.
func (tx *Tx) Commit(ctx context.Context) error {
	if tx.done {
		return errors.New("aims: Tx committed twice")
	}
	tx.done = true
	if len(tx.writes) == 0 {
		return nil
	}
	if _, err := tx.ws.Commit(ctx, tx.writes, tx.entries); err != nil {
		for i := len(tx.undo) - 1; i >= 0; i-- {
			tx.undo[i]()
		}
		return err
	}
	return nil
}

// StartIn stages the creation of v in m's initial state, as [Start] would
// create it, in tx.
func StartIn[T any, P Doc[T], S, E ~string](ctx context.Context, tx *Tx, c *Collection[T, P], m *Machine[T, S, E], actor string, v P) error {
	saved := *v.Header()
	v.Header().State, v.Header().Workflow = string(m.initial), m.id
	h := c.newHeader(actor, v)
	w, e, restore, err := c.stage(ctx, "create", actor, v, h, 0, Entry{Event: EventCreate, To: h.State})
	if err != nil {
		*v.Header() = saved
		return err
	}
	tx.add(w, e, func() { restore(); *v.Header() = saved })
	return nil
}

// CreateIn stages the creation of v, as [Collection.Create] would create
// it, in tx.
func CreateIn[T any, P Doc[T]](ctx context.Context, tx *Tx, c *Collection[T, P], actor string, v P) error {
	if h := v.Header(); h.State != "" || h.Workflow != "" {
		return E("create", c.kind, h.ID, Invalid("state", "is set by the record's workflow: create it with aims.Start"))
	}
	h := c.newHeader(actor, v)
	w, e, restore, err := c.stage(ctx, "create", actor, v, h, 0, Entry{Event: EventCreate, To: h.State})
	if err != nil {
		return err
	}
	tx.add(w, e, restore)
	return nil
}

// FireIn stages a workflow transition, checked as [Fire] checks it, in
// tx, and returns the record as it will be once tx commits.
func FireIn[T any, P Doc[T], S, E ~string](ctx context.Context, tx *Tx, c *Collection[T, P], m *Machine[T, S, E], f Firing[T, E]) (P, error) {
	p, w, e, restore, err := fireStage(ctx, c, m, f)
	if err != nil {
		return nil, err
	}
	tx.add(w, e, restore)
	return p, nil
}
