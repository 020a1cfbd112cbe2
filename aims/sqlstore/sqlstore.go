package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/aimsgo/iso42001/aims"
)

// Store is an [aims.Store] and [aims.Transactor] on a database/sql
// database. It is safe for concurrent use, and for use by several
// processes sharing one database. It does not own the *sql.DB: the caller
// opens it, tunes its pool and closes it after the last call, which also
// closes the statements the store prepared on it.
type Store struct {
	db       *sql.DB
	dialect  Dialect
	q        [numQueries]string
	txOpts   *sql.TxOptions
	migrated atomic.Bool   // set once the schema was seen at SchemaVersion
	jitterAt atomic.Uint64 // state of the retry jitter sequence

	// The fixed statements, prepared on db once the schema is current;
	// transactions bind them with tx.StmtContext, which reuses the
	// statement prepared on the transaction's connection.
	prepMu   sync.Mutex
	prepared atomic.Bool
	stmts    [numQueries]*sql.Stmt
	// bulk holds the multi-row INSERTs of batches (bulk.go), prepared on
	// the first batch that needs them.
	bulk atomic.Pointer[bulkStmts]
	// lists holds List's statements by text (one per set of Where keys),
	// at most maxListStmts of them; nLists counts them.
	lists  sync.Map
	nLists atomic.Int32
}

// maxListStmts bounds the List statements a store keeps prepared: one per
// distinct set of filter keys, so a program that filters on arbitrary
// keys does not grow the cache without end; beyond it List runs its text.
const maxListStmts = 64

var (
	_ aims.Store        = (*Store)(nil)
	_ aims.Transactor   = (*Store)(nil)
	_ aims.ChainApplier = (*Store)(nil)
	_ aims.KindLister   = (*Store)(nil)
	_ aims.IndexChecker = (*Store)(nil)
)

// queryID names one of the store's fixed statements.
type queryID int

const (
	qGet queryID = iota
	qVersion
	qInsert
	qUpdate
	qDelete
	qDeleteAttrs
	qInsertAttr
	qMaxSeq
	qInsertEntry
	qReadJournal
	qHead
	qHeadLink
	qLockChain
	qInsertLock
	qKinds
	qIndexRows
	qIndexAfter
	qIndexBetween
	qRecordAttrs
	qIndexTail
	qBusyTimeout   // SQLite only
	qTakeWriteLock // SQLite only
	numQueries
)

const entryColumns = `seq, time, actor, kind, id, event, from_state, to_state, version, digest, prev, hash`

// queryText is every fixed statement with ? placeholders; [New] rebinds
// them for the dialect once.
var queryText = [numQueries]string{
	qGet:         `SELECT version, attrs, data FROM ` + tableRecords + ` WHERE tenant = ? AND kind = ? AND id = ?`,
	qVersion:     `SELECT version FROM ` + tableRecords + ` WHERE tenant = ? AND kind = ? AND id = ?`,
	qInsert:      `INSERT INTO ` + tableRecords + ` (tenant, kind, id, version, attrs, data) VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (tenant, kind, id) DO NOTHING`,
	qUpdate:      `UPDATE ` + tableRecords + ` SET version = ?, attrs = ?, data = ? WHERE tenant = ? AND kind = ? AND id = ? AND version = ?`,
	qDelete:      `DELETE FROM ` + tableRecords + ` WHERE tenant = ? AND kind = ? AND id = ? AND version = ?`,
	qDeleteAttrs: `DELETE FROM ` + tableAttrs + ` WHERE tenant = ? AND kind = ? AND id = ?`,
	qInsertAttr:  `INSERT INTO ` + tableAttrs + ` (tenant, kind, id, name, value) VALUES (?, ?, ?, ?, ?)`,
	qMaxSeq:      `SELECT COALESCE(MAX(seq), 0) FROM ` + tableJournal + ` WHERE tenant = ?`,
	qInsertEntry: `INSERT INTO ` + tableJournal + ` (tenant, ` + entryColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	qReadJournal: `SELECT ` + entryColumns + ` FROM ` + tableJournal + ` WHERE tenant = ? AND seq >= ? ORDER BY seq LIMIT ?`,
	qHead:        `SELECT ` + entryColumns + ` FROM ` + tableJournal + ` WHERE tenant = ? ORDER BY seq DESC LIMIT 1`,
	qHeadLink:    `SELECT seq, hash FROM ` + tableJournal + ` WHERE tenant = ? ORDER BY seq DESC LIMIT 1`,
	qLockChain:   `SELECT 1 FROM ` + tableLocks + ` WHERE tenant = ? FOR UPDATE`,
	qInsertLock:  `INSERT INTO ` + tableLocks + ` (tenant) VALUES (?) ON CONFLICT (tenant) DO NOTHING`,
	qKinds:       `SELECT DISTINCT kind FROM ` + tableRecords + ` WHERE tenant = ? ORDER BY kind`,
	// CheckIndex pages through the records after a (kind, id) key and
	// reads the index rows of the same key range (integrity.go). Row
	// values, not ORs, so that SQLite seeks the primary key instead of
	// scanning the tenant for every page.
	// CheckIndex reads a page's index rows kind by kind: an equality on
	// kind and a range on id, or a range of kinds, which PostgreSQL's
	// generic plans serve from the primary key. A range over (kind, id)
	// row values made them scan the filter index instead (0.9 s a page
	// at a million records, against 2 ms).
	qIndexRows:    `SELECT kind, id, name, value FROM ` + tableAttrs + ` WHERE tenant = ? AND kind = ? AND id > ? AND id <= ? ORDER BY id, name`,
	qIndexAfter:   `SELECT kind, id, name, value FROM ` + tableAttrs + ` WHERE tenant = ? AND kind = ? AND id > ? ORDER BY id, name`,
	qIndexBetween: `SELECT kind, id, name, value FROM ` + tableAttrs + ` WHERE tenant = ? AND kind > ? AND kind < ? ORDER BY kind, id, name`,
	qRecordAttrs:  `SELECT kind, id, attrs FROM ` + tableRecords + ` WHERE tenant = ? AND (kind, id) > (?, ?) ORDER BY kind, id LIMIT ?`,
	qIndexTail:    `SELECT kind, id, name, value FROM ` + tableAttrs + ` WHERE tenant = ? AND (kind, id) > (?, ?) ORDER BY kind, id, name LIMIT 1`,
	qBusyTimeout:  `PRAGMA busy_timeout`,
	// A write that changes nothing, first in a transaction, takes SQLite's
	// write lock as BEGIN IMMEDIATE would.
	qTakeWriteLock: `UPDATE ` + tableLocks + ` SET tenant = tenant WHERE 0`,
}

// forDialect reports whether q is prepared for d: SQLite has no FOR
// UPDATE, PostgreSQL no PRAGMA.
func forDialect(q queryID, d Dialect) bool {
	switch q {
	case qLockChain:
		return d == Postgres
	case qBusyTimeout, qTakeWriteLock:
		return d == SQLite
	}
	return true
}

// prepare prepares every fixed statement of the dialect on the database,
// once per store; a failure leaves nothing prepared, to be tried again by
// the next call. It must not run inside a transaction of the store: with
// a pool of one connection it would wait for that connection forever.
func (s *Store) prepare(ctx context.Context) error {
	s.prepMu.Lock()
	defer s.prepMu.Unlock()
	if s.prepared.Load() {
		return nil
	}
	var stmts [numQueries]*sql.Stmt
	for q := range numQueries {
		if !forDialect(q, s.dialect) {
			continue
		}
		err := s.retry(ctx, func() error {
			var err error
			stmts[q], err = s.db.PrepareContext(ctx, s.q[q])
			return err
		})
		if err != nil {
			for _, st := range stmts {
				if st != nil {
					_ = st.Close()
				}
			}
			return s.fail(ctx, "prepare", "", "", err)
		}
	}
	s.stmts = stmts
	s.prepared.Store(true)
	return nil
}

// listStmt returns the prepared List statement of text, preparing it
// when the cache has room; nil means run the text unprepared.
func (s *Store) listStmt(ctx context.Context, text string) *sql.Stmt {
	if st, ok := s.lists.Load(text); ok {
		return st.(*sql.Stmt)
	}
	if s.nLists.Load() >= maxListStmts {
		return nil
	}
	st, err := s.db.PrepareContext(ctx, text)
	if err != nil {
		return nil // the unprepared run reports the error
	}
	if prev, loaded := s.lists.LoadOrStore(text, st); loaded {
		_ = st.Close()
		return prev.(*sql.Stmt)
	}
	s.nLists.Add(1)
	return st
}

// New returns a store on db for dialect. It does no I/O: call
// [Store.Migrate] before the first operation (until then every operation
// returns [ErrNotMigrated]), or use [Open].
func New(db *sql.DB, dialect Dialect) (*Store, error) {
	if db == nil {
		return nil, aims.Invalid("db", "is required")
	}
	if !dialect.Valid() {
		return nil, aims.Invalid("dialect", fmt.Sprintf("must be %q or %q, got %q", SQLite, Postgres, dialect))
	}
	s := &Store{db: db, dialect: dialect}
	for i, q := range queryText {
		s.q[i] = dialect.rebind(q)
	}
	if dialect == Postgres {
		// The conditional UPDATE and INSERT ... ON CONFLICT DO NOTHING are
		// exact under READ COMMITTED: a writer that waited on a row lock
		// re-reads the row before deciding.
		s.txOpts = &sql.TxOptions{Isolation: sql.LevelReadCommitted}
	}
	return s, nil
}

// Open returns a store on db for dialect with its schema migrated to
// [SchemaVersion]; see [Store.Migrate].
func Open(ctx context.Context, db *sql.DB, dialect Dialect) (*Store, error) {
	s, err := New(db, dialect)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Dialect returns the store's dialect.
func (s *Store) Dialect() Dialect { return s.dialect }

// Retry bounds for lock contention (SQLite busy, PostgreSQL serialization
// failures and deadlocks). SQLite's busy timeout does most of the waiting;
// these cover what it cannot (a reader meeting a commit in rollback-journal
// mode, a deadlock). Waits double from firstBackoff to maxBackoff, half of
// each one jittered, about 10 s in all; then the store gives up with
// [aims.ErrContention].
const (
	maxAttempts  = 60
	firstBackoff = time.Millisecond
	maxBackoff   = 200 * time.Millisecond
)

// sqliteBusyTimeout is the busy timeout, in milliseconds, the store sets on
// a SQLite connection it writes on when the caller's DSN left it at 0, so
// that writers queue on SQLite's lock rather than fail at once.
const sqliteBusyTimeout = 5000

// jitter returns a duration in [0, d) from a splitmix64 sequence private to
// the store: retries of concurrent writers spread out without a shared or
// global random source.
func (s *Store) jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	x := s.jitterAt.Add(0x9e3779b97f4a7c15)
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	x ^= x >> 31
	return time.Duration(x % uint64(d))
}

// retry runs fn until it succeeds, fails with an error that is not lock
// contention, the attempts run out (an error matching
// [aims.ErrContention]) or ctx ends. fn must be a whole transaction, safe
// to run again.
func (s *Store) retry(ctx context.Context, fn func() error) error {
	backoff := firstBackoff
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || ctx.Err() != nil || s.dialect.classify(err) != classRetry {
			return err
		}
		if attempt == maxAttempts {
			return fmt.Errorf("gave up after %d attempts (last: %v): %w", attempt, err, aims.ErrContention)
		}
		t := time.NewTimer(backoff/2 + s.jitter(backoff/2+1))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// inTx runs fn in one transaction, retried on lock contention. Anything fn
// wrote is rolled back when it or the commit fails. fn runs the store's
// prepared statements through a [writer].
func (s *Store) inTx(ctx context.Context, fn func(w *writer) error) error {
	return s.retry(ctx, func() error {
		tx, err := s.db.BeginTx(ctx, s.txOpts)
		if err != nil {
			return err
		}
		w := &writer{s: s, tx: tx, bulk: s.bulk.Load()}
		if s.dialect == SQLite {
			err = w.takeSQLiteLock(ctx)
		}
		if err == nil {
			err = fn(w)
		}
		if err != nil {
			_ = tx.Rollback()
			return err
		}
		return tx.Commit()
	})
}

// takeSQLiteLock makes the transaction immediate, whatever the DSN says:
// its first statement is a write, which takes the database's write lock
// before any read, so a read inside the transaction can never need an
// upgrade that fails with SQLITE_BUSY. The connection gets a busy timeout
// first when it has none, so writers wait for the lock inside SQLite
// instead of failing.
func (w *writer) takeSQLiteLock(ctx context.Context) error {
	var timeout int
	if err := w.stmt(ctx, qBusyTimeout).QueryRowContext(ctx).Scan(&timeout); err != nil {
		return err
	}
	if timeout == 0 {
		if _, err := w.tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, sqliteBusyTimeout)); err != nil {
			return err
		}
	}
	_, err := w.exec(ctx, qTakeWriteLock)
	return err
}

// fail turns what an operation returned into the store's error: category
// errors unchanged, a cancelled context as ctx.Err(), a missing table as
// [ErrNotMigrated], a unique violation as [aims.ErrConflict], anything else
// wrapped with the operation.
func (s *Store) fail(ctx context.Context, op, kind, id string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, aims.ErrConflict), errors.Is(err, aims.ErrNotFound), errors.Is(err, aims.ErrInvalid),
		errors.Is(err, ErrNotMigrated):
		return err
	case errors.Is(err, aims.ErrContention):
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	case ctx.Err() != nil:
		return fmt.Errorf("sqlstore: %s: %w", op, ctx.Err())
	}
	switch s.dialect.classify(err) {
	case classNoTable:
		return fmt.Errorf("sqlstore: %s: %w (%v)", op, ErrNotMigrated, err)
	case classUnique:
		return aims.E(op, kind, id, fmt.Errorf("a concurrent writer got there first (%v): %w", err, aims.ErrConflict))
	}
	if kind != "" || id != "" {
		return fmt.Errorf("sqlstore: %s %s/%s: %w", op, kind, id, err)
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

// storable reports whether a text value can be stored by every dialect:
// PostgreSQL's TEXT holds only valid UTF-8 without NUL bytes.
func storable(v string) bool {
	return utf8.ValidString(v) && strings.IndexByte(v, 0) < 0
}

func checkTenant(tenant string) error {
	if !aims.ValidName(tenant) {
		return aims.Invalid("tenant", fmt.Sprintf("must be 1-200 printable bytes, got %q", tenant))
	}
	return nil
}

// checkRecord validates a record's key and attributes.
func checkRecord(tenant string, rec *aims.Record) error {
	if err := aims.CheckKey(tenant, rec.Kind, rec.ID); err != nil {
		return err
	}
	var p aims.Problems
	for k, v := range rec.Attrs {
		if !aims.ValidName(k) {
			p.Addf("attrs", "key %q must be 1-200 printable bytes", k)
		} else if !storable(v) {
			p.Addf("attrs["+k+"]", "value must be valid UTF-8 without NUL bytes, got %q", v)
		}
	}
	return p.Err()
}

func checkExpected(op, kind, id string, expected int64) error {
	if expected < 0 {
		return aims.E(op, kind, id, aims.Invalid("expected", fmt.Sprintf("must be 0 (create) or a stored version, got %d", expected)))
	}
	return nil
}

// checkEntries validates what a journal row can hold: text every dialect
// stores, and a time whose RFC 3339 form parses back (years 0-9999).
func checkEntries(entries []aims.Entry) error {
	var p aims.Problems
	for i := range entries {
		e := &entries[i]
		for _, f := range [...]struct{ name, v string }{
			{"actor", e.Actor}, {"kind", e.Kind}, {"id", e.ID}, {"event", e.Event}, {"from", e.From},
			{"to", e.To}, {"digest", e.Digest}, {"prev", e.Prev}, {"hash", e.Hash},
		} {
			if !storable(f.v) {
				p.Addf(fmt.Sprintf("entries[%d].%s", i, f.name), "must be valid UTF-8 without NUL bytes, got %q", f.v)
			}
		}
		if y := e.Time.UTC().Year(); y < 0 || y > 9999 {
			p.Addf(fmt.Sprintf("entries[%d].time", i), "year must be between 0 and 9999, got %d", y)
		}
		if e.Seq > math.MaxInt64 {
			p.Addf(fmt.Sprintf("entries[%d].seq", i), "must be at most %d, got %d", int64(math.MaxInt64), e.Seq)
		}
	}
	return p.Err()
}

// encodeAttrs returns the JSON object kept beside the data, so that a Get
// or List reads a record in one row; the empty string when there are none.
func encodeAttrs(attrs map[string]string) (string, error) {
	if len(attrs) == 0 {
		return "", nil
	}
	b, err := json.Marshal(attrs)
	return string(b), err
}

// decodeAttrs reads what encodeAttrs wrote. The common case, an object of
// plain strings without escapes, is parsed here without copying (keys and
// values share s's bytes); anything else goes to encoding/json.
func decodeAttrs(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	if m, ok := decodePlainAttrs(s); ok {
		return m, nil
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("stored attributes are corrupt: %w", err)
	}
	return m, nil
}

// decodePlainAttrs parses {"k":"v",...} with no whitespace and no escaped,
// control or invalid UTF-8 characters in the strings; ok is false for any
// other input, which encoding/json then decodes (or refuses).
func decodePlainAttrs(s string) (m map[string]string, ok bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, false
	}
	rest := s[1 : len(s)-1]
	m = make(map[string]string, strings.Count(rest, `":"`))
	for {
		var k, v string
		if k, rest, ok = plainString(rest); !ok || rest == "" || rest[0] != ':' {
			return nil, false
		}
		if v, rest, ok = plainString(rest[1:]); !ok {
			return nil, false
		}
		m[k] = v
		if rest == "" {
			return m, true
		}
		if rest[0] != ',' {
			return nil, false
		}
		rest = rest[1:]
	}
}

// plainString splits a leading JSON string without escapes off s.
func plainString(s string) (v, rest string, ok bool) {
	if s == "" || s[0] != '"' {
		return "", "", false
	}
	end := strings.IndexByte(s[1:], '"')
	if end < 0 {
		return "", "", false
	}
	v = s[1 : 1+end]
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c == '\\' {
			return "", "", false
		}
	}
	if !utf8.ValidString(v) {
		return "", "", false
	}
	return v, s[2+end:], true
}

// Get returns the record, or an error matching [aims.ErrNotFound].
func (s *Store) Get(ctx context.Context, tenant, kind, id string) (aims.Record, error) {
	if err := ctx.Err(); err != nil {
		return aims.Record{}, err
	}
	if err := aims.CheckKey(tenant, kind, id); err != nil {
		return aims.Record{}, err
	}
	if err := s.ready(ctx); err != nil {
		return aims.Record{}, err
	}
	rec := aims.Record{Kind: kind, ID: id}
	var attrs string
	err := s.retry(ctx, func() error {
		return s.stmts[qGet].QueryRowContext(ctx, tenant, kind, id).Scan(&rec.Version, &attrs, &rec.Data)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return aims.Record{}, aims.E("get", kind, id, aims.ErrNotFound)
	}
	if err != nil {
		return aims.Record{}, s.fail(ctx, "get", kind, id, err)
	}
	if rec.Attrs, err = decodeAttrs(attrs); err != nil {
		return aims.Record{}, fmt.Errorf("sqlstore: get %s/%s: %w", kind, id, err)
	}
	return rec, nil
}

// Put writes rec if the stored version equals expected and returns the new
// version; see [aims.Store.Put]. It runs in one transaction: a conditional
// UPDATE (or an INSERT that does nothing on an existing key) whose row
// count decides between success, [aims.ErrConflict] and
// [aims.ErrNotFound], then the attribute rows.
func (s *Store) Put(ctx context.Context, tenant string, rec aims.Record, expected int64) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := checkRecord(tenant, &rec); err != nil {
		return 0, err
	}
	if err := checkExpected("put", rec.Kind, rec.ID, expected); err != nil {
		return 0, err
	}
	attrs, err := encodeAttrs(rec.Attrs)
	if err != nil {
		return 0, err
	}
	if err := s.ready(ctx); err != nil {
		return 0, err
	}
	err = s.inTx(ctx, func(w *writer) error {
		return w.put(ctx, tenant, &rec, attrs, expected)
	})
	if err != nil {
		return 0, s.fail(ctx, "put", rec.Kind, rec.ID, err)
	}
	return expected + 1, nil
}

// Delete removes the record if its version equals expected; see
// [aims.Store.Delete].
func (s *Store) Delete(ctx context.Context, tenant, kind, id string, expected int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := aims.CheckKey(tenant, kind, id); err != nil {
		return err
	}
	if err := checkExpected("delete", kind, id, expected); err != nil {
		return err
	}
	if err := s.ready(ctx); err != nil {
		return err
	}
	err := s.inTx(ctx, func(w *writer) error {
		return w.delete(ctx, tenant, kind, id, expected)
	})
	return s.fail(ctx, "delete", kind, id, err)
}

// List returns one page of q.Kind's records whose Attrs hold every pair of
// q.Where, in ascending byte order of ID after q.After; see
// [aims.Store.List]. Each filter pair is an EXISTS on the attribute
// table's (tenant, kind, name, value) index; the page is read in one
// statement, so it is one consistent snapshot.
func (s *Store) List(ctx context.Context, tenant string, q aims.Query) (aims.Page, error) {
	if err := ctx.Err(); err != nil {
		return aims.Page{}, err
	}
	where, args, err := s.filter(tenant, q, "r")
	if err != nil {
		return aims.Page{}, err
	}
	if err := s.ready(ctx); err != nil {
		return aims.Page{}, err
	}
	limit := aims.PageLimit(q.Limit)

	var b strings.Builder
	b.WriteString(`SELECT r.id, r.version, r.attrs, r.data FROM ` + tableRecords + ` r WHERE ` + where + ` AND r.id > ?`)
	args = append(args, q.After)
	// One row more than the page tells whether another page follows.
	b.WriteString(` ORDER BY r.id LIMIT ?`)
	args = append(args, limit+1)
	query := s.dialect.rebind(b.String())
	st := s.listStmt(ctx, query)

	var page aims.Page
	err = s.retry(ctx, func() error {
		page = aims.Page{}
		var rows *sql.Rows
		var err error
		if st != nil {
			rows, err = st.QueryContext(ctx, args...)
		} else {
			rows, err = s.db.QueryContext(ctx, query, args...)
		}
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			rec := aims.Record{Kind: q.Kind}
			var attrs string
			if err := rows.Scan(&rec.ID, &rec.Version, &attrs, &rec.Data); err != nil {
				return err
			}
			if rec.Attrs, err = decodeAttrs(attrs); err != nil {
				return fmt.Errorf("record %s/%s: %w", q.Kind, rec.ID, err)
			}
			page.Records = append(page.Records, rec)
		}
		return rows.Err()
	})
	if err != nil {
		return aims.Page{}, s.fail(ctx, "list", q.Kind, "", err)
	}
	if len(page.Records) > limit {
		page.Records = page.Records[:limit]
		page.Next = page.Records[limit-1].ID
	}
	return page, nil
}

// Append adds entries to the tenant's journal, all or none; see
// [aims.Store.Append]. In one transaction it reads the head's Seq and
// inserts the entries if they follow it; a concurrent appender that wins
// the same Seq makes the primary key refuse the loser with
// [aims.ErrConflict].
func (s *Store) Append(ctx context.Context, tenant string, entries ...aims.Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkTenant(tenant); err != nil {
		return err
	}
	if err := checkEntries(entries); err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if err := s.ready(ctx); err != nil {
		return err
	}
	err := s.inTx(ctx, func(w *writer) error {
		return w.append(ctx, tenant, entries, nil)
	})
	return s.fail(ctx, "append", "", "", err)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanEntry(sc scanner) (aims.Entry, error) {
	var e aims.Entry
	var seq int64
	var ts string
	if err := sc.Scan(&seq, &ts, &e.Actor, &e.Kind, &e.ID, &e.Event, &e.From, &e.To, &e.Version, &e.Digest, &e.Prev, &e.Hash); err != nil {
		return aims.Entry{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return aims.Entry{}, fmt.Errorf("journal entry %d: stored time %q is corrupt: %w", seq, ts, err)
	}
	e.Seq, e.Time = uint64(seq), t
	return e, nil
}

// ReadJournal returns up to limit entries with Seq >= from, in Seq order;
// see [aims.Store.ReadJournal].
func (s *Store) ReadJournal(ctx context.Context, tenant string, from uint64, limit int) ([]aims.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkTenant(tenant); err != nil {
		return nil, err
	}
	if from > math.MaxInt64 { // no stored Seq is that high
		return nil, nil
	}
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	limit = aims.PageLimit(limit)
	var out []aims.Entry
	err := s.retry(ctx, func() error {
		out = nil
		rows, err := s.stmts[qReadJournal].QueryContext(ctx, tenant, int64(from), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanEntry(rows)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, s.fail(ctx, "read journal", "", "", err)
	}
	return out, nil
}

// Head returns the tenant's last journal entry, or an error matching
// [aims.ErrNotFound] when the journal is empty.
func (s *Store) Head(ctx context.Context, tenant string) (aims.Entry, error) {
	if err := ctx.Err(); err != nil {
		return aims.Entry{}, err
	}
	if err := checkTenant(tenant); err != nil {
		return aims.Entry{}, err
	}
	if err := s.ready(ctx); err != nil {
		return aims.Entry{}, err
	}
	var e aims.Entry
	err := s.retry(ctx, func() error {
		var err error
		e, err = scanEntry(s.stmts[qHead].QueryRowContext(ctx, tenant))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return aims.Entry{}, fmt.Errorf("head of tenant %q: journal is empty: %w", tenant, aims.ErrNotFound)
	}
	if err != nil {
		return aims.Entry{}, s.fail(ctx, "head", "", "", err)
	}
	return e, nil
}

// Apply makes every write of b and appends its entries in one transaction,
// or changes nothing; see [aims.Transactor]. Writes apply in order, so a
// batch may create a record and update it again.
func (s *Store) Apply(ctx context.Context, tenant string, b aims.Batch) ([]int64, error) {
	return s.apply(ctx, tenant, b, nil)
}

// ApplyChained is Apply with the journal entries sealed inside the
// transaction, after the head it reads there; see [aims.ChainApplier].
// The records are written first; then the transaction takes the tenant's
// journal lock (on PostgreSQL a row of aims_journal_locks, SELECT ... FOR
// UPDATE; on SQLite the database's write lock, held since BEGIN
// IMMEDIATE), reads the head, lets seal link the entries and inserts them.
// Concurrent writers queue on that lock for only the append and the
// commit, and never fail each other. Lock waits that outlast the store's
// retries return an error matching [aims.ErrContention].
func (s *Store) ApplyChained(ctx context.Context, tenant string, b aims.Batch, seal func(seq uint64, hash string) error) ([]int64, error) {
	if seal == nil {
		return nil, aims.Invalid("seal", "is required")
	}
	return s.apply(ctx, tenant, b, seal)
}

func (s *Store) apply(ctx context.Context, tenant string, b aims.Batch, seal func(seq uint64, hash string) error) ([]int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkTenant(tenant); err != nil {
		return nil, err
	}
	attrs := make([]string, len(b.Writes))
	for i := range b.Writes {
		w := &b.Writes[i]
		op := "put"
		if w.Delete {
			op = "delete"
		}
		err := checkRecord(tenant, &w.Record)
		if err == nil {
			err = checkExpected(op, w.Record.Kind, w.Record.ID, w.Expected)
		}
		if err == nil && !w.Delete {
			attrs[i], err = encodeAttrs(w.Record.Attrs)
		}
		if err != nil {
			return nil, fmt.Errorf("write %d: %w", i, err)
		}
	}
	if err := checkEntries(b.Entries); err != nil {
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	versions := make([]int64, len(b.Writes))
	// A batch with several creates or entries writes them with multi-row
	// statements; if one of its creates meets an existing record, it is
	// run again row by row, which names the record.
	bulk := len(b.Writes) > 1 || len(b.Entries) > 1
	if bulk {
		bulk = s.prepareBulk(ctx) != nil
	}
	err := s.inTx(ctx, func(w *writer) error {
		if !bulk {
			w.bulk = nil
		}
		return w.applyBatch(ctx, tenant, b, attrs, versions, seal)
	})
	if errors.Is(err, errShortfall) {
		err = s.inTx(ctx, func(w *writer) error {
			w.bulk = nil
			return w.applyBatch(ctx, tenant, b, attrs, versions, seal)
		})
	}
	if err != nil {
		return nil, s.fail(ctx, "apply", "", "", err)
	}
	return versions, nil
}

// applyBatch makes b's writes and appends its entries in w's transaction.
// With multi-row statements, each run of creates of distinct records goes
// to putMany.
func (w *writer) applyBatch(ctx context.Context, tenant string, b aims.Batch, attrs []string, versions []int64, seal func(seq uint64, hash string) error) error {
	var seen map[[2]string]bool
	for i := 0; i < len(b.Writes); {
		if w.bulk != nil {
			if seen == nil {
				seen = map[[2]string]bool{}
			}
			if j := createRun(b.Writes, i, seen); j-i > 1 {
				if err := w.putMany(ctx, tenant, b.Writes[i:j], attrs[i:j]); err != nil {
					return err
				}
				for k := i; k < j; k++ {
					versions[k] = 1
				}
				i = j
				continue
			}
		}
		bw := &b.Writes[i]
		if bw.Delete {
			if err := w.delete(ctx, tenant, bw.Record.Kind, bw.Record.ID, bw.Expected); err != nil {
				return err
			}
			versions[i] = 0
			i++
			continue
		}
		if err := w.put(ctx, tenant, &bw.Record, attrs[i], bw.Expected); err != nil {
			return err
		}
		versions[i] = bw.Expected + 1
		i++
	}
	if len(b.Entries) == 0 {
		return nil
	}
	return w.append(ctx, tenant, b.Entries, seal)
}

// writer runs the statements of one write transaction: the store's
// prepared statements, bound to the transaction on first use (database/sql
// closes them when the transaction ends).
type writer struct {
	s     *Store
	tx    *sql.Tx
	stmts [numQueries]*sql.Stmt
	// bulk is the store's multi-row statements (nil: none prepared, or
	// disabled for this transaction) and bulkTx those bound to tx.
	bulk   *bulkStmts
	bulkTx [numBulkTables]map[int]*sql.Stmt
}

// stmt returns the store's statement q bound to the transaction.
func (w *writer) stmt(ctx context.Context, q queryID) *sql.Stmt {
	st := w.stmts[q]
	if st == nil {
		st = w.tx.StmtContext(ctx, w.s.stmts[q])
		w.stmts[q] = st
	}
	return st
}

func (w *writer) exec(ctx context.Context, q queryID, args ...any) (sql.Result, error) {
	return w.stmt(ctx, q).ExecContext(ctx, args...)
}

// affected returns the row count of an exec.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// version returns the stored version of a record, or 0 when it is missing.
func (w *writer) version(ctx context.Context, tenant, kind, id string) (int64, error) {
	var v int64
	err := w.stmt(ctx, qVersion).QueryRowContext(ctx, tenant, kind, id).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// refused explains a write whose conditional statement touched no row.
func (w *writer) refused(ctx context.Context, op, tenant, kind, id string, expected int64) error {
	cur, err := w.version(ctx, tenant, kind, id)
	switch {
	case err != nil:
		return err
	case cur == 0 && expected > 0, cur == 0 && op == "delete":
		return aims.E(op, kind, id, fmt.Errorf("expected version %d of a missing record: %w", expected, aims.ErrNotFound))
	case expected == 0:
		return aims.E(op, kind, id, fmt.Errorf("record exists at version %d: %w", cur, aims.ErrConflict))
	}
	return aims.E(op, kind, id, fmt.Errorf("expected version %d, stored %d: %w", expected, cur, aims.ErrConflict))
}

func (w *writer) put(ctx context.Context, tenant string, rec *aims.Record, attrs string, expected int64) error {
	data := rec.Data
	if data == nil {
		data = []byte{} // nil binds as NULL
	}
	var n int64
	var err error
	if expected == 0 {
		n, err = affected(w.exec(ctx, qInsert, tenant, rec.Kind, rec.ID, attrs, data))
	} else {
		n, err = affected(w.exec(ctx, qUpdate, expected+1, attrs, data, tenant, rec.Kind, rec.ID, expected))
	}
	if err != nil {
		return err
	}
	if n == 0 {
		return w.refused(ctx, "put", tenant, rec.Kind, rec.ID, expected)
	}
	if expected > 0 {
		if _, err := w.exec(ctx, qDeleteAttrs, tenant, rec.Kind, rec.ID); err != nil {
			return err
		}
	}
	for k, v := range rec.Attrs {
		if _, err := w.exec(ctx, qInsertAttr, tenant, rec.Kind, rec.ID, k, v); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) delete(ctx context.Context, tenant, kind, id string, expected int64) error {
	n, err := affected(w.exec(ctx, qDelete, tenant, kind, id, expected))
	if err != nil {
		return err
	}
	if n == 0 {
		return w.refused(ctx, "delete", tenant, kind, id, expected)
	}
	_, err = w.exec(ctx, qDeleteAttrs, tenant, kind, id)
	return err
}

// lockChain takes the tenant's journal lock on PostgreSQL: the row lock on
// its aims_journal_locks row, made on the tenant's first append. It is held
// until the transaction ends.
func (w *writer) lockChain(ctx context.Context, tenant string) error {
	if w.s.dialect != Postgres {
		return nil // SQLite: BEGIN IMMEDIATE holds the database's write lock
	}
	var one int
	err := w.stmt(ctx, qLockChain).QueryRowContext(ctx, tenant).Scan(&one)
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if _, err := w.exec(ctx, qInsertLock, tenant); err != nil {
		return err
	}
	return w.stmt(ctx, qLockChain).QueryRowContext(ctx, tenant).Scan(&one)
}

// sealError carries a failure of the kernel's seal function out of the
// transaction unchanged.
type sealError struct{ err error }

func (e *sealError) Error() string { return "seal: " + e.err.Error() }
func (e *sealError) Unwrap() error { return e.err }

// append inserts entries after the tenant's head, holding the journal
// lock. With seal, it reads the head's Seq and Hash and lets seal link the
// entries to it; without, the entries must already follow the head.
func (w *writer) append(ctx context.Context, tenant string, entries []aims.Entry, seal func(seq uint64, hash string) error) error {
	if err := w.lockChain(ctx, tenant); err != nil {
		return err
	}
	var head int64
	if seal != nil {
		hash := aims.GenesisHash
		err := w.stmt(ctx, qHeadLink).QueryRowContext(ctx, tenant).Scan(&head, &hash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := seal(uint64(head), hash); err != nil {
			return &sealError{err}
		}
	} else if err := w.stmt(ctx, qMaxSeq).QueryRowContext(ctx, tenant).Scan(&head); err != nil {
		return err
	}
	want := uint64(head) + 1
	for i := range entries {
		if entries[i].Seq != want {
			return fmt.Errorf("append: entry %d of %d has seq %d where %d belongs (another writer appended first, or the entries do not follow each other): %w",
				i+1, len(entries), entries[i].Seq, want, aims.ErrConflict)
		}
		want++
	}
	return w.insertEntries(ctx, tenant, entries)
}
