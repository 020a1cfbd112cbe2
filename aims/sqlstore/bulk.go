package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
)

// Multi-row INSERTs for batches. A batch's runs of creates, their
// attribute rows and its journal entries are written with statements of
// 2, 4, ... up to maxBulkRows rows each (the largest that fits, then
// smaller ones for the rest, then the one-row statements), all prepared
// once per store. maxBulkVars bounds the parameters of one statement
// under SQLite's historical limit of 999 (PostgreSQL allows 65,535), so
// the statements work on any SQLite build.
const (
	maxBulkVars = 999
	maxBulkRows = 32
)

// bulkTable is one table the batch path inserts into.
type bulkTable int

const (
	bulkRecords bulkTable = iota
	bulkAttrs
	bulkJournal
	numBulkTables
)

// bulkHead is each table's INSERT up to VALUES, its row template and the
// number of parameters per row.
var bulkHead = [numBulkTables]struct {
	head, row, tail string
	cols            int
}{
	bulkRecords: {`INSERT INTO ` + tableRecords + ` (tenant, kind, id, version, attrs, data) VALUES `, `(?, ?, ?, 1, ?, ?)`, ` ON CONFLICT (tenant, kind, id) DO NOTHING`, 5},
	bulkAttrs:   {`INSERT INTO ` + tableAttrs + ` (tenant, kind, id, name, value) VALUES `, `(?, ?, ?, ?, ?)`, ``, 5},
	bulkJournal: {`INSERT INTO ` + tableJournal + ` (tenant, ` + entryColumns + `) VALUES `, `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ``, 13},
}

// bulkSizes returns the statement sizes of table t, largest first: powers
// of two from the largest that fits maxBulkVars down to 2.
func bulkSizes(t bulkTable) []int {
	limit := min(maxBulkRows, maxBulkVars/bulkHead[t].cols)
	var out []int
	for n := 2; n <= limit; n *= 2 {
		out = append([]int{n}, out...)
	}
	return out
}

// bulkText returns the multi-row INSERT of n rows into t for d.
//
// On SQLite the statement is INSERT OR IGNORE: a multi-row statement that
// may abort on a constraint makes SQLite keep a statement journal, to undo
// the rows it already wrote, and writing that journal was a fifth of a
// batch import's time. With OR IGNORE no row aborts the statement; a row
// that breaks a constraint is skipped instead, and the caller compares the
// rows written with the rows given and fails the transaction on any
// shortfall (a record that existed, a journal entry a concurrent writer
// took). PostgreSQL keeps no such journal and keeps the plain statements.
func bulkText(t bulkTable, n int, d Dialect) string {
	h := bulkHead[t]
	if d == SQLite {
		h.head = strings.Replace(h.head, "INSERT INTO", "INSERT OR IGNORE INTO", 1)
		h.tail = ""
	}
	var b strings.Builder
	b.Grow(len(h.head) + n*(len(h.row)+2) + len(h.tail))
	b.WriteString(h.head)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(h.row)
	}
	b.WriteString(h.tail)
	return d.rebind(b.String())
}

// bulkStmts are a store's prepared multi-row statements: by table, then
// by size as listed by bulkSizes.
type bulkStmts [numBulkTables]map[int]*sql.Stmt

// prepareBulk prepares the multi-row statements once per store, outside
// any transaction (see prepare); a failure leaves none prepared, and the
// batch falls back to one-row statements.
func (s *Store) prepareBulk(ctx context.Context) *bulkStmts {
	if b := s.bulk.Load(); b != nil {
		return b
	}
	s.prepMu.Lock()
	defer s.prepMu.Unlock()
	if b := s.bulk.Load(); b != nil {
		return b
	}
	var b bulkStmts
	for t := range numBulkTables {
		b[t] = map[int]*sql.Stmt{}
		for _, n := range bulkSizes(t) {
			st, err := s.db.PrepareContext(ctx, bulkText(t, n, s.dialect))
			if err != nil {
				for _, m := range b {
					for _, st := range m {
						_ = st.Close()
					}
				}
				return nil
			}
			b[t][n] = st
		}
	}
	s.bulk.Store(&b)
	return &b
}

// errShortfall reports that a multi-row insert of records wrote fewer rows
// than it was given: one of them existed. The batch is run again row by
// row, which names the record.
var errShortfall = errors.New("sqlstore: a multi-row insert met an existing record")

// insertRows writes rows (each of t's column count of values) with the
// largest prepared statements that fit, then the one-row statement one,
// and returns the number of rows the database reports written.
func (w *writer) insertRows(ctx context.Context, t bulkTable, one queryID, args []any) (int64, error) {
	cols := bulkHead[t].cols
	rows := len(args) / cols
	var total int64
	if w.bulk != nil {
		for _, n := range bulkSizes(t) {
			for rows >= n {
				st := w.bulkStmt(ctx, t, n)
				res, err := st.ExecContext(ctx, args[:n*cols]...)
				k, err := affected(res, err)
				if err != nil {
					return total, err
				}
				total += k
				args, rows = args[n*cols:], rows-n
			}
		}
	}
	for rows > 0 {
		k, err := affected(w.exec(ctx, one, args[:cols]...))
		if err != nil {
			return total, err
		}
		total += k
		args, rows = args[cols:], rows-1
	}
	return total, nil
}

// bulkStmt returns the store's statement of n rows into t, bound to the
// transaction.
func (w *writer) bulkStmt(ctx context.Context, t bulkTable, n int) *sql.Stmt {
	if w.bulkTx[t] == nil {
		w.bulkTx[t] = map[int]*sql.Stmt{}
	}
	st := w.bulkTx[t][n]
	if st == nil {
		st = w.tx.StmtContext(ctx, w.bulk[t][n])
		w.bulkTx[t][n] = st
	}
	return st
}

// createRun returns the end of the run of creates that starts at i: the
// writes from i on that create records (Expected 0) with distinct keys.
// seen is empty on entry and on return (the run's keys are taken out
// again rather than cleared, which would cost the map's whole capacity
// on every call).
func createRun(writes []aims.Write, i int, seen map[[2]string]bool) int {
	j := i
	for ; j < len(writes); j++ {
		w := &writes[j]
		k := [2]string{w.Record.Kind, w.Record.ID}
		if w.Delete || w.Expected != 0 || seen[k] {
			break
		}
		seen[k] = true
	}
	for k := i; k < j; k++ {
		delete(seen, [2]string{writes[k].Record.Kind, writes[k].Record.ID})
	}
	return j
}

// putMany creates the records of writes (a run found by createRun) and
// their attribute rows with multi-row statements. It returns errShortfall
// when one of them existed.
func (w *writer) putMany(ctx context.Context, tenant string, writes []aims.Write, attrs []string) error {
	args := make([]any, 0, 5*len(writes))
	nattrs := 0
	for i := range writes {
		rec := &writes[i].Record
		data := rec.Data
		if data == nil {
			data = []byte{} // nil binds as NULL
		}
		args = append(args, tenant, rec.Kind, rec.ID, attrs[i], data)
		nattrs += len(rec.Attrs)
	}
	n, err := w.insertRows(ctx, bulkRecords, qInsert, args)
	if err != nil {
		return err
	}
	if n != int64(len(writes)) {
		return errShortfall
	}
	if nattrs == 0 {
		return nil
	}
	args = make([]any, 0, 5*nattrs)
	for i := range writes {
		rec := &writes[i].Record
		for k, v := range rec.Attrs {
			args = append(args, tenant, rec.Kind, rec.ID, k, v)
		}
	}
	n, err = w.insertRows(ctx, bulkAttrs, qInsertAttr, args)
	if err == nil && n != int64(nattrs) {
		err = fmt.Errorf("put: %d of %d attribute rows written: rows of these records existed", n, nattrs)
	}
	return err
}

// insertEntries inserts checked, linked entries.
func (w *writer) insertEntries(ctx context.Context, tenant string, entries []aims.Entry) error {
	args := make([]any, 0, 13*len(entries))
	var ts [40]byte
	for i := range entries {
		e := &entries[i]
		args = append(args, tenant, int64(e.Seq), string(e.Time.UTC().AppendFormat(ts[:0], time.RFC3339Nano)),
			e.Actor, e.Kind, e.ID, e.Event, e.From, e.To, e.Version, e.Digest, e.Prev, e.Hash)
	}
	n, err := w.insertRows(ctx, bulkJournal, qInsertEntry, args)
	if err != nil {
		if w.s.dialect.classify(err) == classUnique {
			return fmt.Errorf("append: seq %d to %d met a concurrent writer's entry (%v): %w", entries[0].Seq, entries[len(entries)-1].Seq, err, aims.ErrConflict)
		}
		return err
	}
	if n != int64(len(entries)) {
		// An ignored row (SQLite's OR IGNORE, see bulkText): its seq
		// was taken.
		return fmt.Errorf("append: seq %d to %d met a concurrent writer's entry (%d of %d written): %w", entries[0].Seq, entries[len(entries)-1].Seq, n, len(entries), aims.ErrConflict)
	}
	return nil
}
