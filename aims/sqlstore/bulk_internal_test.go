package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	_ "modernc.org/sqlite"
)

// TestBulkShortfall covers the rows SQLite's multi-row INSERT OR IGNORE
// skips (see bulkText): a journal entry whose seq another writer took is
// a conflict, an attribute row that exists fails the put, and in both
// cases the transaction writes nothing.
func TestBulkShortfall(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "aims.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := Open(ctx, db, SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ready(ctx); err != nil {
		t.Fatal(err)
	}
	if s.prepareBulk(ctx) == nil {
		t.Fatal("no multi-row statements prepared")
	}
	if !strings.Contains(bulkText(bulkJournal, 4, SQLite), "INSERT OR IGNORE") || strings.Contains(bulkText(bulkJournal, 4, Postgres), "IGNORE") {
		t.Fatal("bulkText: want INSERT OR IGNORE on SQLite only")
	}
	entries := func(from, n int) []aims.Entry {
		out := make([]aims.Entry, n)
		for i := range out {
			seq := uint64(from + i)
			out[i] = aims.Entry{Seq: seq, Time: time.Unix(int64(seq), 0), Actor: "ana", Kind: "note", ID: fmt.Sprint("n", seq),
				Event: "create", Version: 1, Digest: "d", Prev: "p", Hash: fmt.Sprint("h", seq)}
		}
		return out
	}
	countOf := func(table string) int {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := s.inTx(ctx, func(w *writer) error { return w.insertEntries(ctx, "t", entries(1, 3)) }); err != nil {
		t.Fatalf("insertEntries(1..3): %v", err)
	}
	// Seqs 3 to 10: a multi-row statement of 8 whose first row exists.
	err = s.inTx(ctx, func(w *writer) error { return w.insertEntries(ctx, "t", entries(3, 8)) })
	if !errors.Is(err, aims.ErrConflict) {
		t.Fatalf("insertEntries over a taken seq: %v, want ErrConflict", err)
	}
	if n := countOf(tableJournal); n != 3 {
		t.Fatalf("journal holds %d entries after the refused insert, want 3", n)
	}

	recs := func(ids ...string) []aims.Write {
		var ws []aims.Write
		for _, id := range ids {
			ws = append(ws, aims.Write{Record: aims.Record{Kind: "note", ID: id, Data: []byte(`{}`), Attrs: map[string]string{"owner": "ana"}}})
		}
		return ws
	}
	attrs := func(ws []aims.Write) []string {
		out := make([]string, len(ws))
		for i := range out {
			a, err := encodeAttrs(ws[i].Record.Attrs)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = a
		}
		return out
	}
	// An attribute row left behind for b (as a damaged store might hold)
	// makes the put of a and b write fewer attribute rows than it has.
	if _, err := db.Exec("INSERT INTO " + tableAttrs + " (tenant, kind, id, name, value) VALUES ('t', 'note', 'b', 'owner', 'x')"); err != nil {
		t.Fatal(err)
	}
	ws := recs("a", "b")
	err = s.inTx(ctx, func(w *writer) error { return w.putMany(ctx, "t", ws, attrs(ws)) })
	if err == nil || !strings.Contains(err.Error(), "attribute rows") {
		t.Fatalf("putMany over an existing attribute row: %v, want the shortfall named", err)
	}
	if n := countOf(tableRecords); n != 0 {
		t.Fatalf("records hold %d rows after the refused put, want 0", n)
	}
	// A record that exists: errShortfall, which the batch path answers
	// by writing row by row, naming the record.
	ws = recs("c", "d")
	if err := s.inTx(ctx, func(w *writer) error { return w.putMany(ctx, "t", ws[:1], attrs(ws[:1])) }); err != nil {
		t.Fatal(err)
	}
	err = s.inTx(ctx, func(w *writer) error { return w.putMany(ctx, "t", ws, attrs(ws)) })
	if !errors.Is(err, errShortfall) {
		t.Fatalf("putMany over an existing record: %v, want errShortfall", err)
	}
	if n := countOf(tableRecords); n != 1 {
		t.Fatalf("records hold %d rows, want 1", n)
	}
}
