package sqlstore_test

import (
	"bytes"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/aims/sqlstore"
	"github.com/aimsgo/iso42001/aims/storetest"
)

const tamperTenant = "acme"

// tamperTime has nanoseconds, which the journal hash covers.
var tamperTime = time.Date(2025, 6, 1, 12, 0, 0, 987654321, time.UTC)

// tamperFixture makes a SQLite workspace whose journal holds five entries:
// the creation of notes n-1 to n-4 (seq 1-4) and an update of n-2 (seq 5).
func tamperFixture(t *testing.T) (*sql.DB, *sqlstore.Store, *aims.Workspace) {
	t.Helper()
	db, _ := openSQLite(t)
	s, err := sqlstore.Open(t.Context(), db, sqlstore.SQLite)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	ws, err := aims.NewWorkspace(s, tamperTenant, &aims.Options{Clock: func() time.Time { return tamperTime }})
	if err != nil {
		t.Fatalf("NewWorkspace: %v", err)
	}
	notes := storetest.Notes(ws)
	var second *storetest.Note
	for i := 1; i <= 4; i++ {
		n := &storetest.Note{Title: fmt.Sprintf("note %d", i), Owner: "ana"}
		n.ID = fmt.Sprintf("n-%d", i)
		if err := notes.Create(t.Context(), "ana", n); err != nil {
			t.Fatalf("Create %s: %v", n.ID, err)
		}
		if i == 2 {
			second = n
		}
	}
	second.Body = "edited"
	if err := notes.Update(t.Context(), "bob", second); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if rep, err := ws.Verify(t.Context()); err != nil || rep != (aims.VerifyReport{Entries: 5, Records: 4}) {
		t.Fatalf("Verify before tampering = %+v, %v; want 5 entries, 4 records", rep, err)
	}
	return db, s, ws
}

func exec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(t.Context(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// entry reads one stored entry back through the store.
func entry(t *testing.T, s *sqlstore.Store, seq uint64) aims.Entry {
	t.Helper()
	es, err := s.ReadJournal(t.Context(), tamperTenant, seq, 1)
	if err != nil || len(es) != 1 {
		t.Fatalf("ReadJournal(%d) = %d entries, %v", seq, len(es), err)
	}
	return es[0]
}

func insertEntry(t *testing.T, db *sql.DB, e aims.Entry) {
	t.Helper()
	exec(t, db, `INSERT INTO aims_journal (tenant, seq, time, actor, kind, id, event, from_state, to_state, version, digest, prev, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tamperTenant, int64(e.Seq), e.Time.UTC().Format(time.RFC3339Nano), e.Actor, e.Kind, e.ID, e.Event, e.From, e.To, e.Version, e.Digest, e.Prev, e.Hash)
}

// TestTamper edits the SQLite tables behind the store's back, as someone
// with database access could, and checks that the journal chain
// (aims.VerifyJournal) or the workspace check (Workspace.Verify) names the
// first entry that no longer verifies.
func TestTamper(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tamper func(t *testing.T, db *sql.DB, s *sqlstore.Store)
		// chainSeq is the Seq aims.VerifyJournal reports, 0 when the
		// chain alone still verifies; verifySeq is Workspace.Verify's
		// (with a checkpoint of the untampered head, signed before the
		// tampering, when checkpoint is set), and verifyID the record it
		// names when that is a record no entry mentions (verifySeq 0).
		chainSeq, verifySeq uint64
		verifyID            string
		checkpoint          bool
	}{
		{"EditActor", func(t *testing.T, db *sql.DB, _ *sqlstore.Store) {
			exec(t, db, `UPDATE aims_journal SET actor = 'mallory' WHERE tenant = ? AND seq = 3`, tamperTenant)
		}, 3, 3, "", false},
		{"EditTimeByOneNanosecond", func(t *testing.T, db *sql.DB, _ *sqlstore.Store) {
			exec(t, db, `UPDATE aims_journal SET time = ? WHERE tenant = ? AND seq = 4`,
				tamperTime.Add(time.Nanosecond).Format(time.RFC3339Nano), tamperTenant)
		}, 4, 4, "", false},
		{"EditDigest", func(t *testing.T, db *sql.DB, _ *sqlstore.Store) {
			exec(t, db, `UPDATE aims_journal SET digest = ? WHERE tenant = ? AND seq = 1`, aims.Digest([]byte("forged")), tamperTenant)
		}, 1, 1, "", false},
		{"EditAndRehash", func(t *testing.T, db *sql.DB, s *sqlstore.Store) {
			// A forger who recomputes the edited entry's hash breaks the
			// next entry's link instead.
			e := entry(t, s, 2)
			e.Actor = "mallory"
			exec(t, db, `UPDATE aims_journal SET actor = ?, hash = ? WHERE tenant = ? AND seq = 2`, e.Actor, aims.EntryHash(tamperTenant, &e), tamperTenant)
		}, 3, 3, "", false},
		{"DeleteMiddle", func(t *testing.T, db *sql.DB, _ *sqlstore.Store) {
			exec(t, db, `DELETE FROM aims_journal WHERE tenant = ? AND seq = 3`, tamperTenant)
		}, 3, 3, "", false},
		{"DeleteFirst", func(t *testing.T, db *sql.DB, _ *sqlstore.Store) {
			exec(t, db, `DELETE FROM aims_journal WHERE tenant = ? AND seq = 1`, tamperTenant)
		}, 1, 1, "", false},
		{"Reorder", func(t *testing.T, db *sql.DB, _ *sqlstore.Store) {
			// Swap the Seqs of entries 2 and 3 (through -1: the key is
			// unique at every step).
			exec(t, db, `UPDATE aims_journal SET seq = -1 WHERE tenant = ? AND seq = 2`, tamperTenant)
			exec(t, db, `UPDATE aims_journal SET seq = 2 WHERE tenant = ? AND seq = 3`, tamperTenant)
			exec(t, db, `UPDATE aims_journal SET seq = 3 WHERE tenant = ? AND seq = -1`, tamperTenant)
		}, 2, 2, "", false},
		{"InsertUnsealed", func(t *testing.T, db *sql.DB, s *sqlstore.Store) {
			// Make room at 3 and insert an entry with a stale hash.
			for seq := 5; seq >= 3; seq-- {
				exec(t, db, `UPDATE aims_journal SET seq = ? WHERE tenant = ? AND seq = ?`, seq+1, tamperTenant, seq)
			}
			forged := entry(t, s, 2)
			forged.Seq, forged.Actor = 3, "mallory"
			insertEntry(t, db, forged)
		}, 3, 3, "", false},
		{"InsertSealed", func(t *testing.T, db *sql.DB, s *sqlstore.Store) {
			// A correctly sealed entry at 3 verifies; the entry it pushed
			// to 4 no longer links to its predecessor.
			for seq := 5; seq >= 3; seq-- {
				exec(t, db, `UPDATE aims_journal SET seq = ? WHERE tenant = ? AND seq = ?`, seq+1, tamperTenant, seq)
			}
			prev := entry(t, s, 2)
			forged := aims.Entry{Time: tamperTime, Actor: "mallory", Kind: storetest.NoteKind, ID: "n-1", Event: aims.EventUpdate, Version: 2, Digest: aims.Digest(nil)}
			aims.Seal(tamperTenant, &forged, &prev)
			insertEntry(t, db, forged)
		}, 4, 4, "", false},
		{"AppendSealed", func(t *testing.T, db *sql.DB, s *sqlstore.Store) {
			// A sealed entry at the end keeps the chain whole; the record
			// it claims to have changed does not match it.
			prev := entry(t, s, 5)
			forged := aims.Entry{Time: tamperTime, Actor: "mallory", Kind: storetest.NoteKind, ID: "n-3", Event: aims.EventUpdate, Version: 2, Digest: aims.Digest([]byte("{}"))}
			aims.Seal(tamperTenant, &forged, &prev)
			insertEntry(t, db, forged)
		}, 0, 6, "", false},
		{"TruncateTail", func(t *testing.T, db *sql.DB, _ *sqlstore.Store) {
			// Cutting the last entry leaves a valid but shorter chain; n-2
			// is at version 2 while its last entry (seq 2) says 1.
			exec(t, db, `DELETE FROM aims_journal WHERE tenant = ? AND seq = 5`, tamperTenant)
		}, 0, 2, "", false},
		{"EditRecord", func(t *testing.T, db *sql.DB, _ *sqlstore.Store) {
			exec(t, db, `UPDATE aims_records SET data = ? WHERE tenant = ? AND kind = ? AND id = 'n-4'`, []byte(`{"title":"forged"}`), tamperTenant, storetest.NoteKind)
		}, 0, 4, "", false},
		{"DeleteRecord", func(t *testing.T, db *sql.DB, _ *sqlstore.Store) {
			exec(t, db, `DELETE FROM aims_records WHERE tenant = ? AND id = 'n-1'`, tamperTenant)
		}, 0, 1, "", false},
		{"InsertRecordWithoutEntry", func(t *testing.T, db *sql.DB, _ *sqlstore.Store) {
			exec(t, db, `INSERT INTO aims_records (tenant, kind, id, version, attrs, data) VALUES (?, ?, 'n-9', 1, '', ?)`,
				tamperTenant, storetest.NoteKind, []byte(`{"title":"unjournaled"}`))
		}, 0, 0, "n-9", false},
		{"InsertRecordOfNewKind", func(t *testing.T, db *sql.DB, _ *sqlstore.Store) {
			exec(t, db, `INSERT INTO aims_records (tenant, kind, id, version, attrs, data) VALUES (?, 'secret', 'x-1', 1, '', ?)`,
				tamperTenant, []byte(`{}`))
		}, 0, 0, "x-1", false},
		{"EditStoredAttrs", func(t *testing.T, db *sql.DB, _ *sqlstore.Store) {
			exec(t, db, `UPDATE aims_records SET attrs = '{"owner":"mallory"}' WHERE tenant = ? AND id = 'n-3'`, tamperTenant)
		}, 0, 3, "", false},
		{"EditAttrIndex", func(t *testing.T, db *sql.DB, _ *sqlstore.Store) {
			// List filters on the index table: a record moved to another
			// owner there, and only there, is found by CheckIndex.
			exec(t, db, `UPDATE aims_record_attrs SET value = 'mallory' WHERE tenant = ? AND id = 'n-3' AND name = 'owner'`, tamperTenant)
		}, 0, 0, "n-3", false},
		{"DeleteAttrIndex", func(t *testing.T, db *sql.DB, _ *sqlstore.Store) {
			exec(t, db, `DELETE FROM aims_record_attrs WHERE tenant = ? AND id = 'n-1'`, tamperTenant)
		}, 0, 0, "n-1", false},
		{"CutTailAgainstCheckpoint", func(t *testing.T, db *sql.DB, _ *sqlstore.Store) {
			// Cut the update of n-2 and put n-2 back at version 1 as it
			// was (rebuilt the same way in memory): journal and records
			// agree; only the checkpoint shows the cut.
			mem := memstore.New()
			mws, err := aims.NewWorkspace(mem, tamperTenant, &aims.Options{Clock: func() time.Time { return tamperTime }})
			if err != nil {
				t.Fatal(err)
			}
			n := &storetest.Note{Title: "note 2", Owner: "ana"}
			n.ID = "n-2"
			if err := storetest.Notes(mws).Create(t.Context(), "ana", n); err != nil {
				t.Fatal(err)
			}
			v1, err := mem.Get(t.Context(), tamperTenant, storetest.NoteKind, "n-2")
			if err != nil {
				t.Fatal(err)
			}
			exec(t, db, `DELETE FROM aims_journal WHERE tenant = ? AND seq = 5`, tamperTenant)
			exec(t, db, `UPDATE aims_records SET version = 1, data = ? WHERE tenant = ? AND id = 'n-2'`, v1.Data, tamperTenant)
		}, 0, 5, "", true},
		{"WipeAgainstCheckpoint", func(t *testing.T, db *sql.DB, _ *sqlstore.Store) {
			for _, table := range []string{"aims_records", "aims_record_attrs", "aims_journal"} {
				exec(t, db, `DELETE FROM `+table+` WHERE tenant = ?`, tamperTenant)
			}
		}, 0, 1, "", true},
		{"RehashAllAgainstCheckpoint", func(t *testing.T, db *sql.DB, s *sqlstore.Store) {
			// Edit entry 2 and recompute every hash after it: the chain
			// and the records verify; the checkpoint's entry does not.
			var prev *aims.Entry
			for seq := uint64(1); seq <= 5; seq++ {
				e := entry(t, s, seq)
				if seq == 2 {
					e.Actor = "mallory"
				}
				aims.Seal(tamperTenant, &e, prev)
				exec(t, db, `UPDATE aims_journal SET actor = ?, prev = ?, hash = ? WHERE tenant = ? AND seq = ?`, e.Actor, e.Prev, e.Hash, tamperTenant, int64(seq))
				prev = &e
			}
		}, 0, 5, "", true},
	}
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, ed25519.SeedSize))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db, s, ws := tamperFixture(t)
			cp, err := ws.Checkpoint(t.Context(), key, nil)
			if err != nil {
				t.Fatalf("Checkpoint: %v", err)
			}
			tc.tamper(t, db, s)

			_, err = aims.VerifyJournal(t.Context(), s, tamperTenant)
			checkChainError(t, "VerifyJournal", err, tc.chainSeq, "")
			var opts *aims.VerifyOptions
			if tc.checkpoint {
				opts = &aims.VerifyOptions{Checkpoints: []aims.Checkpoint{cp}, Keys: []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}}
				// Without the checkpoint, the tampering goes unseen.
				_, err = ws.Verify(t.Context())
				checkChainError(t, "Workspace.Verify without the checkpoint", err, 0, "")
			}
			_, err = ws.VerifyWith(t.Context(), opts)
			checkChainError(t, "Workspace.VerifyWith", err, tc.verifySeq, tc.verifyID)
		})
	}
}

// TestTamperMovedTenant moves a tenant's rows to another tenant name with
// SQL: the hashes bind the tenant, so the moved journal does not verify.
func TestTamperMovedTenant(t *testing.T) {
	t.Parallel()
	db, s, _ := tamperFixture(t)
	for _, table := range []string{"aims_records", "aims_record_attrs", "aims_journal"} {
		exec(t, db, `UPDATE `+table+` SET tenant = 'globex' WHERE tenant = ?`, tamperTenant)
	}
	ws, err := aims.NewWorkspace(s, "globex", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ws.Verify(t.Context())
	checkChainError(t, "Verify of a moved tenant", err, 1, "")
}

// checkChainError wants a *aims.ChainError naming seq (and id, when
// given), or no error when both are zero.
func checkChainError(t *testing.T, what string, err error, seq uint64, id string) {
	t.Helper()
	if seq == 0 && id == "" {
		if err != nil {
			t.Errorf("%s: %v, want no error", what, err)
		}
		return
	}
	var ce *aims.ChainError
	if !errors.As(err, &ce) {
		t.Fatalf("%s: error = %v, want a *aims.ChainError", what, err)
	}
	if !errors.Is(err, aims.ErrTampered) {
		t.Errorf("%s: error %v does not match ErrTampered", what, err)
	}
	if ce.Seq != seq || (id != "" && ce.ID != id) {
		t.Errorf("%s: ChainError names seq %d record %q (%v), want %d %q", what, ce.Seq, ce.ID, err, seq, id)
	}
}
