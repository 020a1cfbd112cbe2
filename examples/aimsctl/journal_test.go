package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/aims"
)

// jwEnv is a workspace file with a key pair and a helper to run aimsctl on
// it.
type jwEnv struct {
	t             *testing.T
	dir, db       string
	priv, pub     string
	env           map[string]string
	checkpointsAt int
}

func newJournalEnv(t *testing.T) *jwEnv {
	t.Helper()
	dir := t.TempDir()
	e := &jwEnv{t: t, dir: dir, db: filepath.Join(dir, "ws.db"), priv: filepath.Join(dir, "key.pem"), pub: filepath.Join(dir, "key.pub.pem"),
		env: map[string]string{"AIMSCTL_NOW": "2026-11-24T10:00:00Z", "AIMSCTL_ACTOR": "alice"}}
	out := e.must("journal", "keygen", "--out", e.priv)
	if err := os.WriteFile(e.pub, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	e.ws("init", "--owner", "alice")
	e.ws("system", "add", "--id", "credit", "--name", "Credit scoring", "--role", "provider", "--owner", "alice")
	e.ws("system", "add", "--id", "assistant", "--name", "LLM assistant", "--role", "customer")
	return e
}

func (e *jwEnv) run(args ...string) (string, string, int) {
	e.t.Helper()
	return cli(e.t, e.env, args...)
}

func (e *jwEnv) must(args ...string) string {
	e.t.Helper()
	out, stderr, code := e.run(args...)
	if code != 0 {
		e.t.Fatalf("aimsctl %v: exit %d: %s", args, code, stderr)
	}
	return out
}

// ws runs a workspace command on e's database.
func (e *jwEnv) ws(args ...string) string {
	e.t.Helper()
	return e.must(append(args, "--db", e.db)...)
}

// checkpoint signs the head and keeps the checkpoint in a file.
func (e *jwEnv) checkpoint() string {
	e.t.Helper()
	e.checkpointsAt++
	path := filepath.Join(e.dir, "cp"+strings.Repeat("+", e.checkpointsAt)+".json")
	if err := os.WriteFile(path, []byte(e.ws("journal", "checkpoint", "--key", e.priv)), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return path
}

func (e *jwEnv) sql(q string, args ...any) {
	e.t.Helper()
	db, err := sql.Open("sqlite", sqliteDSN(e.db))
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), q, args...); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
}

func TestJournalKeygen(t *testing.T) {
	t.Parallel()
	e := newJournalEnv(t)
	info, err := os.Stat(e.priv)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("private key mode %o, want 600", perm)
	}
	before, _ := os.ReadFile(e.priv)
	if _, stderr, code := e.run("journal", "keygen", "--out", e.priv); code != 1 || !strings.Contains(stderr, "never overwrites") {
		t.Errorf("keygen over an existing key: exit %d, %q; want 1 refusing", code, stderr)
	}
	if after, _ := os.ReadFile(e.priv); string(after) != string(before) {
		t.Errorf("keygen changed an existing key file")
	}
	if _, stderr, code := e.run("journal", "keygen"); code != 2 || !strings.Contains(stderr, "--out") {
		t.Errorf("keygen without --out: exit %d, %q; want 2 naming --out", code, stderr)
	}
	missing := filepath.Join(e.dir, "nokey.pem")
	if _, stderr, code := e.run("journal", "checkpoint", "--key", missing, "--db", e.db); code != 1 || !strings.Contains(stderr, "aimsctl journal keygen --out "+missing) {
		t.Errorf("checkpoint with a missing key: exit %d, %q; want 1 telling how to make one", code, stderr)
	}
	if _, stderr, code := e.run("journal", "checkpoint", "--key", e.pub, "--db", e.db); code != 1 || !strings.Contains(stderr, "private key") {
		t.Errorf("checkpoint with a public key: exit %d, %q; want 1", code, stderr)
	}
}

func TestJournalHeadAndCheckpoint(t *testing.T) {
	t.Parallel()
	e := newJournalEnv(t)
	head := e.ws("journal", "head")
	for _, want := range []string{"tenant: default", "seq:    5", "entry:  create ai-system/assistant v1 by alice"} {
		if !strings.Contains(head, want) {
			t.Errorf("journal head lacks %q:\n%s", want, head)
		}
	}
	cpFile := e.checkpoint()
	data, _ := os.ReadFile(cpFile)
	cp, err := aims.ParseCheckpoint(data)
	if err != nil {
		t.Fatalf("checkpoint output does not parse: %v\n%s", err, data)
	}
	if cp.Seq != 5 || cp.Tenant != "default" || !strings.Contains(head, cp.Hash) {
		t.Errorf("checkpoint = seq %d tenant %q hash %s; want the head:\n%s", cp.Seq, cp.Tenant, cp.Hash, head)
	}
	e.ws("system", "add", "--id", "third", "--name", "Third", "--role", "provider")
	for _, args := range [][]string{
		{"journal", "verify", "--checkpoint", cpFile},
		{"journal", "verify", "--checkpoint", cpFile, "--key", e.pub},
		{"journal", "verify", "--checkpoint", cpFile, "--key", e.priv, "--incremental"},
	} {
		if out := e.ws(args...); !strings.Contains(out, "consistent with 1 signed checkpoint") {
			t.Errorf("%v: %s", args, out)
		}
	}
	other := filepath.Join(e.dir, "other.pem")
	e.must("journal", "keygen", "--out", other)
	if _, stderr, code := e.run("journal", "verify", "--checkpoint", cpFile, "--key", other, "--db", e.db); code != 1 || !strings.Contains(stderr, "signature") {
		t.Errorf("verify with an untrusted key: exit %d, %q; want 1 naming the signature", code, stderr)
	}
	if _, stderr, code := e.run("journal", "verify", "--incremental", "--db", e.db); code != 2 {
		t.Errorf("--incremental without a checkpoint: exit %d, %q; want 2", code, stderr)
	}
}

// TestJournalMovedTenant moves the default tenant's rows to another
// tenant: its hashes name "default", so they fail there.
func TestJournalMovedTenant(t *testing.T) {
	t.Parallel()
	e := newJournalEnv(t)
	for _, table := range []string{"aims_journal", "aims_records", "aims_record_attrs"} {
		e.sql(`UPDATE ` + table + ` SET tenant = 'globex'`)
	}
	_, stderr, code := e.run("journal", "verify", "--db", e.db, "--tenant", "globex")
	if code != 1 || !strings.Contains(stderr, "journal entry 1 (pdca-cycle/pdca): entry content does not match its hash") {
		t.Errorf("verify of a moved tenant: exit %d, %q; want 1 naming entry 1", code, stderr)
	}
}

// TestJournalTamper edits the SQLite file as someone with database access
// could; journal verify must exit 1 naming what is wrong.
func TestJournalTamper(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// tamper edits the database after a checkpoint of its head.
		tamper func(e *jwEnv)
		// withCheckpoint says verify gets the checkpoint; want is what its
		// error names.
		withCheckpoint bool
		want           string
	}{
		{"RecordWithoutEntry", func(e *jwEnv) {
			e.sql(`INSERT INTO aims_records (tenant, kind, id, version, attrs, data) SELECT tenant, kind, 'ghost', 1, attrs, data FROM aims_records WHERE id = 'credit'`)
		}, false, "record ai-system/ghost: is stored at version 1 but no journal entry mentions it"},
		{"AttributeIndexEdited", func(e *jwEnv) {
			e.sql(`UPDATE aims_record_attrs SET value = 'mallory' WHERE id = 'credit' AND name = 'owner'`)
		}, false, "record ai-system/credit: attribute \"owner\""},
		{"CutTail", func(e *jwEnv) {
			e.sql(`DELETE FROM aims_journal WHERE seq = (SELECT MAX(seq) FROM aims_journal)`)
			e.sql(`DELETE FROM aims_records WHERE id = 'assistant'`)
			e.sql(`DELETE FROM aims_record_attrs WHERE id = 'assistant'`)
		}, true, "journal entry 5: the journal ends at entry 4 but the checkpoint"},
		{"Wiped", func(e *jwEnv) {
			for _, table := range []string{"aims_journal", "aims_records", "aims_record_attrs"} {
				e.sql(`DELETE FROM ` + table)
			}
		}, true, "journal entry 1: the journal ends at entry 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newJournalEnv(t)
			cp := e.checkpoint()
			tc.tamper(e)
			args := []string{"journal", "verify", "--db", e.db}
			if tc.withCheckpoint {
				// Without the checkpoint, the cut goes unseen.
				if out := e.ws("journal", "verify"); !strings.Contains(out, "intact") {
					t.Errorf("verify without the checkpoint: %s", out)
				}
				args = append(args, "--checkpoint", cp)
			}
			_, stderr, code := e.run(args...)
			if code != 1 || !strings.Contains(stderr, "journal is NOT intact: "+tc.want) {
				t.Errorf("journal verify after %s: exit %d, %q; want 1 naming %q", tc.name, code, stderr, tc.want)
			}
		})
	}
}
