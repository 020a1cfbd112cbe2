package sqlstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/sqlstore"
)

// Each benchmark pairs a sqlstore operation with the bare database/sql code
// doing the same work on the same tables: the baseline shows what the
// store's checks, version logic and retries cost.

const batchSize = 10_000

func benchDB(b *testing.B) (*sql.DB, *sqlstore.Store) {
	b.Helper()
	db, err := sql.Open("sqlite", sqliteDSN(filepath.Join(b.TempDir(), "bench.db")))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	s, err := sqlstore.Open(context.Background(), db, sqlstore.SQLite)
	if err != nil {
		b.Fatal(err)
	}
	return db, s
}

// benchRecords returns n records shaped like the kernel's: a JSON
// document of about 200 bytes and two indexed attributes.
func benchRecords(n int) []aims.Record {
	data := []byte(`{"kind":"risk","schemaVersion":1,"title":"` + strings.Repeat("x", 120) + `","owner":"ana","state":"draft"}`)
	recs := make([]aims.Record, n)
	for i := range recs {
		recs[i] = aims.Record{Kind: "risk", ID: fmt.Sprintf("risk-%06d", i), Attrs: map[string]string{"state": "draft", "owner": "ana"}, Data: data}
	}
	return recs
}

// benchEntries returns a sealed chain journaling the creation of recs.
func benchEntries(recs []aims.Record) []aims.Entry {
	es := make([]aims.Entry, len(recs))
	var prev *aims.Entry
	at := time.Date(2025, 6, 1, 12, 0, 0, 1, time.UTC)
	for i, r := range recs {
		es[i] = aims.Entry{Time: at, Actor: "ana", Kind: r.Kind, ID: r.ID, Event: aims.EventCreate, Version: 1, Digest: aims.RecordDigest(r)}
		aims.Seal("acme", &es[i], prev)
		prev = &es[i]
	}
	return es
}

// Every iteration writes into a tenant of its own, so the records (and the
// journal from Seq 1) are the same each time without clearing the tables.
func benchBatch(b *testing.B, journaled bool) {
	_, s := benchDB(b)
	recs := benchRecords(batchSize)
	batch := aims.Batch{Writes: make([]aims.Write, len(recs))}
	for i, r := range recs {
		batch.Writes[i] = aims.Write{Record: r}
	}
	if journaled {
		batch.Entries = benchEntries(recs)
	}
	ctx := context.Background()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		if _, err := s.Apply(ctx, fmt.Sprintf("tenant-%d", n), batch); err != nil {
			b.Fatal(err)
		}
	}
}

func benchRawBatch(b *testing.B, journaled bool) {
	db, _ := benchDB(b)
	recs := benchRecords(batchSize)
	var entries []aims.Entry
	if journaled {
		entries = benchEntries(recs)
	}
	ctx := context.Background()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		if err := rawInsert(ctx, db, fmt.Sprintf("tenant-%d", n), recs, entries); err != nil {
			b.Fatal(err)
		}
	}
}

// rawInsert is what a caller would write by hand: one transaction,
// prepared statements, no version checks.
func rawInsert(ctx context.Context, db *sql.DB, tenant string, recs []aims.Record, entries []aims.Entry) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	insRec, err := tx.PrepareContext(ctx, `INSERT INTO aims_records (tenant, kind, id, version, attrs, data) VALUES (?, ?, ?, 1, ?, ?)`)
	if err != nil {
		return err
	}
	insAttr, err := tx.PrepareContext(ctx, `INSERT INTO aims_record_attrs (tenant, kind, id, name, value) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	for _, r := range recs {
		attrs, err := json.Marshal(r.Attrs)
		if err != nil {
			return err
		}
		if _, err := insRec.ExecContext(ctx, tenant, r.Kind, r.ID, string(attrs), r.Data); err != nil {
			return err
		}
		for k, v := range r.Attrs {
			if _, err := insAttr.ExecContext(ctx, tenant, r.Kind, r.ID, k, v); err != nil {
				return err
			}
		}
	}
	if len(entries) > 0 {
		insEntry, err := tx.PrepareContext(ctx, `INSERT INTO aims_journal (tenant, seq, time, actor, kind, id, event, from_state, to_state, version, digest, prev, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if _, err := insEntry.ExecContext(ctx, tenant, int64(e.Seq), e.Time.UTC().Format(time.RFC3339Nano),
				e.Actor, e.Kind, e.ID, e.Event, e.From, e.To, e.Version, e.Digest, e.Prev, e.Hash); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// BenchmarkBatchPut10k applies one batch creating 10,000 records.
func BenchmarkBatchPut10k(b *testing.B) { benchBatch(b, false) }

// BenchmarkBaselineRawInsert10k inserts the same rows by hand.
func BenchmarkBaselineRawInsert10k(b *testing.B) { benchRawBatch(b, false) }

// BenchmarkBatchPut10kJournaled adds a journal entry per record.
func BenchmarkBatchPut10kJournaled(b *testing.B) { benchBatch(b, true) }

// BenchmarkBaselineRawInsert10kJournaled inserts the same rows and entries
// by hand.
func BenchmarkBaselineRawInsert10kJournaled(b *testing.B) { benchRawBatch(b, true) }

func benchGetFixture(b *testing.B) (*sql.DB, *sqlstore.Store) {
	db, s := benchDB(b)
	if _, err := s.Put(context.Background(), "tenant", benchRecords(1)[0], 0); err != nil {
		b.Fatal(err)
	}
	return db, s
}

// BenchmarkGet reads one record by key.
func BenchmarkGet(b *testing.B) {
	_, s := benchGetFixture(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Get(ctx, "tenant", "risk", "risk-000000"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineRawGet runs the same SELECT by hand, without decoding
// the attributes.
func BenchmarkBaselineRawGet(b *testing.B) {
	db, _ := benchGetFixture(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		var version int64
		var attrs string
		var data []byte
		if err := db.QueryRowContext(ctx, `SELECT version, attrs, data FROM aims_records WHERE tenant = ? AND kind = ? AND id = ?`,
			"tenant", "risk", "risk-000000").Scan(&version, &attrs, &data); err != nil {
			b.Fatal(err)
		}
	}
}
