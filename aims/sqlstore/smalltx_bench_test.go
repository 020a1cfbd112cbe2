package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
)

// The kernel writes one record and its journal entry per transaction
// (ApplyChained); at scale that small transaction is the hot path. These
// pair it with the bare database/sql work of the same transaction.

// BenchmarkSmallTxApplyChained creates one record with its sealed journal
// entry per transaction, as the kernel does.
func BenchmarkSmallTxApplyChained(b *testing.B) {
	_, s := benchDB(b)
	ctx := context.Background()
	recs := benchRecords(1)
	at := time.Date(2025, 6, 1, 12, 0, 0, 1, time.UTC)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := recs[0]
		r.ID = fmt.Sprintf("risk-%09d", i)
		i++
		e := aims.Entry{Time: at, Actor: "ana", Kind: r.Kind, ID: r.ID, Event: aims.EventCreate, Version: 1, Digest: aims.RecordDigest(r)}
		batch := aims.Batch{Writes: []aims.Write{{Record: r}}, Entries: []aims.Entry{e}}
		_, err := s.ApplyChained(ctx, "acme", batch, func(seq uint64, hash string) error {
			batch.Entries[0].Seq, batch.Entries[0].Prev = seq+1, hash
			batch.Entries[0].Hash = aims.EntryHash("acme", &batch.Entries[0])
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineSmallTxRaw inserts the same rows per transaction by
// hand with statements prepared once: the record, its two attributes and
// the entry after a read of the head.
func BenchmarkBaselineSmallTxRaw(b *testing.B) {
	db, _ := benchDB(b)
	ctx := context.Background()
	recs := benchRecords(1)
	at := time.Date(2025, 6, 1, 12, 0, 0, 1, time.UTC)
	insRec, err := db.Prepare(`INSERT INTO aims_records (tenant, kind, id, version, attrs, data) VALUES (?, ?, ?, 1, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	insAttr, err := db.Prepare(`INSERT INTO aims_record_attrs (tenant, kind, id, name, value) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	head, err := db.Prepare(`SELECT seq, hash FROM aims_journal WHERE tenant = ? ORDER BY seq DESC LIMIT 1`)
	if err != nil {
		b.Fatal(err)
	}
	insEntry, err := db.Prepare(`INSERT INTO aims_journal (tenant, seq, time, actor, kind, id, event, from_state, to_state, version, digest, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := recs[0]
		r.ID = fmt.Sprintf("risk-%09d", i)
		i++
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.StmtContext(ctx, insRec).ExecContext(ctx, "acme", r.Kind, r.ID, `{"owner":"ana","state":"draft"}`, r.Data); err != nil {
			b.Fatal(err)
		}
		attr := tx.StmtContext(ctx, insAttr)
		for k, v := range r.Attrs {
			if _, err := attr.ExecContext(ctx, "acme", r.Kind, r.ID, k, v); err != nil {
				b.Fatal(err)
			}
		}
		var seq int64
		hash := aims.GenesisHash
		_ = tx.StmtContext(ctx, head).QueryRowContext(ctx, "acme").Scan(&seq, &hash)
		e := aims.Entry{Seq: uint64(seq) + 1, Time: at, Actor: "ana", Kind: r.Kind, ID: r.ID, Event: aims.EventCreate, Version: 1, Digest: aims.RecordDigest(r), Prev: hash}
		e.Hash = aims.EntryHash("acme", &e)
		if _, err := tx.StmtContext(ctx, insEntry).ExecContext(ctx, "acme", int64(e.Seq), e.Time.Format(time.RFC3339Nano), e.Actor, e.Kind, e.ID, e.Event, e.From, e.To, e.Version, e.Digest, e.Prev, e.Hash); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
