package aims

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	mrand "math/rand/v2"
	"slices"
	"sync"
	"time"
)

// Workspace is one tenant's AIMS: a [Store] scoped to a tenant, the clock and
// id generator the kernel uses, and the [Authorizer] that workflow
// transitions consult. Domain services (risk.Register, soa.Builder, ...) are
// built on a Workspace. It is safe for concurrent use.
type Workspace struct {
	store  Store
	tenant string
	now    func() time.Time
	newID  func(kind string) string
	authz  Authorizer
	jitter func(d time.Duration) time.Duration
	// projections are the read models [Project] keeps.
	projections projectionSet
}

// Options configures a [Workspace]. The zero value means the defaults.
type Options struct {
	// Clock returns the current time; default time.Now. Tests inject a fixed
	// clock so that outputs are byte-identical.
	Clock func() time.Time
	// NewID returns a fresh id for a record of kind; default kind-<12 random
	// hex digits>.
	NewID func(kind string) string
	// Authorizer decides whether an actor holds a role; default
	// [RoleAuthorizer] on this workspace's role assignments.
	Authorizer Authorizer
	// Jitter returns a random duration in [0, d). Writers that found the
	// journal contended wait an exponential backoff plus this jitter
	// before retrying, so that they do not retry in lockstep. It must be
	// safe for concurrent use. Default: a generator private to the
	// workspace, seeded from crypto/rand.
	Jitter func(d time.Duration) time.Duration
	// Policy, when set, authorizes every change (every journal entry a
	// commit writes) by the roles it names, on top of the Authorizer's
	// workflow checks: see [Policy], [DefaultPolicy]. Nil: only workflow
	// steps and role assignments are checked, unless the Authorizer is a
	// [RequestAuthorizer] itself.
	Policy *Policy
}

// NewWorkspace returns the workspace of tenant in store.
func NewWorkspace(store Store, tenant string, opts *Options) (*Workspace, error) {
	if store == nil {
		return nil, Invalid("store", "is required")
	}
	if !ValidName(tenant) {
		return nil, Invalid("tenant", fmt.Sprintf("must be 1-%d printable bytes, got %q", maxName, tenant))
	}
	ws := &Workspace{store: store, tenant: tenant, now: time.Now, newID: randomID}
	if opts != nil {
		if opts.Clock != nil {
			ws.now = opts.Clock
		}
		if opts.NewID != nil {
			ws.newID = opts.NewID
		}
		ws.authz = opts.Authorizer
		ws.jitter = opts.Jitter
	}
	if ws.jitter == nil {
		ws.jitter = newJitter()
	}
	if ws.authz == nil {
		ws.authz = NewRoleAuthorizer(ws)
	}
	if opts != nil && opts.Policy != nil {
		ws.authz = NewPolicyAuthorizer(ws, ws.authz, opts.Policy)
	}
	return ws, nil
}

// newJitter returns a jitter source of its own, so that workspaces share no
// mutable state.
func newJitter() func(time.Duration) time.Duration {
	var seed [32]byte
	_, _ = rand.Read(seed[:]) // crypto/rand.Read never fails on supported platforms
	var mu sync.Mutex
	src := mrand.New(mrand.NewChaCha8(seed))
	return func(d time.Duration) time.Duration {
		if d <= 0 {
			return 0
		}
		mu.Lock()
		defer mu.Unlock()
		return time.Duration(src.Int64N(int64(d)))
	}
}

func randomID(kind string) string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return kind + "-" + hex.EncodeToString(b[:])
}

// Store returns the underlying store.
func (ws *Workspace) Store() Store { return ws.store }

// Tenant returns the tenant this workspace is scoped to.
func (ws *Workspace) Tenant() string { return ws.tenant }

// Now returns the workspace clock's time, in UTC.
func (ws *Workspace) Now() time.Time { return ws.now().UTC() }

// NewID returns a fresh id for a record of kind.
func (ws *Workspace) NewID(kind string) string { return ws.newID(kind) }

// Authorizer returns the authorizer workflow transitions consult.
func (ws *Workspace) Authorizer() Authorizer { return ws.authz }

// Retry bounds of [Workspace.Commit]. Lost races on the journal head (on
// stores without [ChainApplier]) are retried up to maxCommitAttempts times
// in all, [ErrContention] from a store (which has already waited for its
// lock) up to maxContentionAttempts times, each after an exponential
// backoff from minBackoff to maxBackoff, half of it jitter.
const (
	maxCommitAttempts     = 12
	maxContentionAttempts = 4
	minBackoff            = time.Millisecond
	maxBackoff            = 250 * time.Millisecond
)

// backoff returns the wait before retry attempt (1 for the first retry):
// half of the exponential step, plus jitter of up to the other half.
func (ws *Workspace) backoff(attempt int) time.Duration {
	d := minBackoff << min(attempt-1, 16)
	d = min(d, maxBackoff)
	return d/2 + ws.jitter(d/2+1)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Commit applies writes and appends one journal entry per element of
// entries. It fills in each entry's Seq, Prev and Hash, and the Digest
// ([RecordDigest]) of every entry whose Kind, ID and Version name a put in
// writes (the record at its new version); entries of deletes keep theirs.
// It returns the new version of each write (0 for deletes).
//
// On a [ChainApplier] the store seals the entries inside its own
// transaction, so writers of distinct records never fail each other; on a
// [Transactor] the kernel reads the head, seals, and retries when another
// writer appended first; on a plain Store the records are written first and
// the entries appended after. A stale record version returns [ErrConflict]
// at once; contention that outlasts the retries (with exponential backoff
// and jitter) returns an error matching [ErrContention].
func (ws *Workspace) Commit(ctx context.Context, writes []Write, entries []Entry) ([]int64, error) {
	var founding foundingNote // set when the policy allowed a founding change
	if err := ws.authorizeEntries(context.WithValue(ctx, foundingKey{}, &founding), distinctRequests(ws.authz, entries)); err != nil {
		return nil, err
	}
	if founder := founding.actor; founder != "" {
		// The founding marker is written in the same commit, at the
		// version the policy saw when it found the tenant unfounded, so
		// that of two role-less actors founding one tenant at once the
		// second conflicts instead of founding it again, and a tenant
		// whose assignments were all removed can be founded anew.
		v := founding.version
		event := EventCreate
		if v > 0 {
			event = EventUpdate
		}
		n := len(writes)
		writes = append(slices.Clip(writes), Write{Record: Record{Kind: KindFounding, ID: FoundingID, Data: []byte(`{}`)}, Expected: v})
		entries = append(slices.Clip(entries), Entry{Time: ws.now().UTC(), Actor: founder, Kind: KindFounding, ID: FoundingID, Event: event, Version: v + 1})
		versions, err := ws.commit(ctx, writes, entries)
		if err != nil {
			return nil, err
		}
		return versions[:n], nil
	}
	return ws.commit(ctx, writes, entries)
}

// commit is Commit once the entries are authorized.
func (ws *Workspace) commit(ctx context.Context, writes []Write, entries []Entry) ([]int64, error) {
	fillDigests(writes, entries)
	switch s := ws.store.(type) {
	case ChainApplier:
		return ws.commitChained(ctx, s, writes, entries)
	case Transactor:
		return ws.commitTx(ctx, s, writes, entries)
	}
	return ws.commitSequential(ctx, writes, entries)
}

// distinctRequests returns the entries the authorizer must be asked
// about. A [PolicyAuthorizer] decides by actor, action and record kind
// (the id only names the record in a refusal), so of a batch's entries
// that agree on those only the first is asked: an import of many records
// reads the actor's roles once, not once per record, and a refusal still
// names the first entry refused. Any other authorizer is asked about
// every entry.
func distinctRequests(authz Authorizer, entries []Entry) []Entry {
	if _, ok := authz.(*PolicyAuthorizer); !ok || len(entries) < 2 {
		return entries
	}
	type request struct{ actor, action, kind string }
	seen := make(map[request]bool)
	var out []Entry
	for i := range entries {
		e := &entries[i]
		r := request{e.Actor, e.Event, e.Kind}
		if !seen[r] {
			seen[r] = true
			out = append(out, *e)
		}
	}
	return out
}

// fillDigests sets the digest of each entry that journals a put of writes.
// Entries usually sit at the index of their write (a [Tx] stages them in
// pairs), which is checked first; the others are found through an index
// of the puts, so a commit of n writes costs O(n), never O(n²).
func fillDigests(writes []Write, entries []Entry) {
	type putKey struct {
		kind, id string
		version  int64
	}
	var index map[putKey]int
	for i := range entries {
		e := &entries[i]
		if i < len(writes) {
			if w := &writes[i]; putFor(w, e) {
				e.Digest = RecordDigest(w.Record)
				continue
			}
		}
		if index == nil {
			index = make(map[putKey]int, len(writes))
			for j := range writes {
				if w := &writes[j]; !w.Delete {
					// The last put of a key wins, as the loop over every
					// write did before.
					index[putKey{w.Record.Kind, w.Record.ID, w.Expected + 1}] = j
				}
			}
		}
		if j, ok := index[putKey{e.Kind, e.ID, e.Version}]; ok {
			e.Digest = RecordDigest(writes[j].Record)
		}
	}
}

// putFor reports whether w is the put that e journals.
func putFor(w *Write, e *Entry) bool {
	return !w.Delete && w.Record.Kind == e.Kind && w.Record.ID == e.ID && w.Expected+1 == e.Version
}

func (ws *Workspace) commitChained(ctx context.Context, s ChainApplier, writes []Write, entries []Entry) ([]int64, error) {
	seal := func(seq uint64, hash string) error {
		for i := range entries {
			SealAfter(ws.tenant, &entries[i], seq, hash)
			seq, hash = entries[i].Seq, entries[i].Hash
		}
		return nil
	}
	for attempt := 1; ; attempt++ {
		versions, err := s.ApplyChained(ctx, ws.tenant, Batch{Writes: writes, Entries: entries}, seal)
		if err == nil || !errors.Is(err, ErrContention) || attempt == maxContentionAttempts {
			return versions, err
		}
		if err := sleep(ctx, ws.backoff(attempt)); err != nil {
			return nil, err
		}
	}
}

func (ws *Workspace) commitTx(ctx context.Context, tx Transactor, writes []Write, entries []Entry) ([]int64, error) {
	for attempt := 1; ; attempt++ {
		head, err := ws.head(ctx)
		if err != nil {
			return nil, err
		}
		sealAll(ws.tenant, entries, head)
		versions, err := tx.Apply(ctx, ws.tenant, Batch{Writes: writes, Entries: entries})
		if err == nil || !errors.Is(err, ErrConflict) {
			return versions, err
		}
		now, herr := ws.head(ctx)
		if herr != nil {
			return nil, herr
		}
		if sameHead(head, now) {
			return nil, err // the record itself is stale
		}
		if attempt == maxCommitAttempts {
			return nil, fmt.Errorf("%w: the journal head moved during each of %d attempts (last: %v)", ErrContention, attempt, err)
		}
		if err := sleep(ctx, ws.backoff(attempt)); err != nil {
			return nil, err
		}
	}
}

func (ws *Workspace) commitSequential(ctx context.Context, writes []Write, entries []Entry) ([]int64, error) {
	versions := make([]int64, len(writes))
	for i, w := range writes {
		if w.Delete {
			if err := ws.store.Delete(ctx, ws.tenant, w.Record.Kind, w.Record.ID, w.Expected); err != nil {
				return nil, err
			}
			continue
		}
		v, err := ws.store.Put(ctx, ws.tenant, w.Record, w.Expected)
		if err != nil {
			return nil, err
		}
		versions[i] = v
	}
	for attempt := 1; len(entries) > 0; attempt++ {
		head, err := ws.head(ctx)
		if err != nil {
			return nil, err
		}
		sealAll(ws.tenant, entries, head)
		err = ws.store.Append(ctx, ws.tenant, entries...)
		if err == nil {
			break
		}
		if !errors.Is(err, ErrConflict) {
			return nil, fmt.Errorf("records written but journal append failed: %w", err)
		}
		if attempt == maxCommitAttempts {
			return nil, fmt.Errorf("records written but journal append failed: %w: the journal head moved during each of %d attempts (last: %v)", ErrContention, attempt, err)
		}
		if err := sleep(ctx, ws.backoff(attempt)); err != nil {
			return nil, fmt.Errorf("records written but journal append failed: %w", err)
		}
	}
	return versions, nil
}

func (ws *Workspace) head(ctx context.Context) (*Entry, error) {
	h, err := ws.store.Head(ctx, ws.tenant)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &h, nil
}

func sameHead(a, b *Entry) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Seq == b.Seq && a.Hash == b.Hash
}

func sealAll(tenant string, entries []Entry, head *Entry) {
	prev := head
	for i := range entries {
		Seal(tenant, &entries[i], prev)
		prev = &entries[i]
	}
}

// VerifyReport is the result of [Workspace.Verify] and
// [Workspace.VerifyWith].
type VerifyReport struct {
	Entries     int // journal entries whose links verified
	Records     int // stored records checked against their last journal entry
	Checkpoints int // signed checkpoints the journal was checked against
}

// VerifyOptions configures [Workspace.VerifyWith]. The zero value checks
// the whole journal and every record, with no checkpoints.
type VerifyOptions struct {
	// Checkpoints are signed heads of this tenant's journal, kept outside
	// the store ([Workspace.Checkpoint]). The journal must still hold the
	// entry each one signed, with the same hash: this catches a cut tail,
	// a wiped tenant and history rewritten with recomputed hashes.
	Checkpoints []Checkpoint
	// Keys are the Ed25519 public keys trusted to sign checkpoints; each
	// checkpoint must verify with one of them. Required with Checkpoints.
	Keys []ed25519.PublicKey
	// Incremental trusts the journal up to the checkpoint with the highest
	// Seq: only the entries after it are chained, and only the records
	// they mention are compared, so the cost is that of the new entries.
	// Records changed behind the kernel's back without a journal entry
	// after the checkpoint are found only by a full verification.
	Incremental bool
}

// Verify checks the whole journal and every record; it is VerifyWith with
// no options.
func (ws *Workspace) Verify(ctx context.Context) (VerifyReport, error) {
	rep, _, err := ws.verify(ctx, nil)
	return rep, err
}

// VerifyWith checks the tenant's journal hash chain (every hash binds the
// tenant, so entries copied from another tenant fail), then the journal
// against each signed checkpoint of opts, then compares records and
// journal both ways: every stored record must be at the version and
// [RecordDigest] of its last journal entry, and every record whose last
// entry is not a delete must be stored. It lists kinds through
// [KindLister] when the store has it, and checks a separate attribute
// index through [IndexChecker]. Tampering is reported as a *[ChainError]
// (matching [ErrTampered]) naming the entry with the lowest Seq that is
// wrong, or, failing that, the first record no entry accounts for; bad
// options match [ErrInvalid]; other errors are the store's.
func (ws *Workspace) VerifyWith(ctx context.Context, opts *VerifyOptions) (VerifyReport, error) {
	rep, _, err := ws.verify(ctx, opts)
	return rep, err
}

type recKey struct{ kind, id string }

// lastEntry is what verification keeps of a record's last journal entry:
// the fields compare reads, a quarter of an [Entry], so that the map of a
// long journal stays small.
type lastEntry struct {
	seq     uint64
	version int64
	event   string
	digest  string
}

func (l *lastEntry) entry() *Entry {
	return &Entry{Seq: l.seq, Version: l.version, Event: l.event, Digest: l.digest}
}

// verify is VerifyWith; it also returns the last entry it verified (nil
// for an empty journal).
func (ws *Workspace) verify(ctx context.Context, opts *VerifyOptions) (VerifyReport, *Entry, error) {
	var o VerifyOptions
	if opts != nil {
		o = *opts
	}
	var rep VerifyReport
	cps, err := checkCheckpoints(ws.tenant, o.Checkpoints, o.Keys)
	if err != nil {
		return rep, nil, err
	}
	rep.Checkpoints = len(cps)
	// want maps a checkpointed Seq to the hash signed for it.
	want := make(map[uint64]Checkpoint, len(cps))
	for _, cp := range cps {
		if prior, ok := want[cp.Seq]; ok && prior.Hash != cp.Hash {
			return rep, nil, &ChainError{Seq: cp.Seq, Reason: fmt.Sprintf("two trusted checkpoints sign different hashes for this entry (%s and %s): the journal was forked", prior.Time.Format(time.RFC3339), cp.Time.Format(time.RFC3339))}
		}
		want[cp.Seq] = cp
	}
	var last map[recKey]lastEntry
	var prev *Entry
	from := uint64(1)
	if !o.Incremental || len(cps) == 0 {
		// A full pass keeps an entry per record: size the map for the
		// records stored, so that it does not grow (and rehash) its way
		// there.
		n, err := ws.storedRecords(ctx)
		if err != nil {
			return rep, nil, err
		}
		last = make(map[recKey]lastEntry, n)
	} else {
		last = map[recKey]lastEntry{}
	}
	if o.Incremental && len(cps) > 0 {
		for _, cp := range cps {
			e, err := ws.checkpointed(ctx, cp)
			if err != nil {
				return rep, nil, err
			}
			if cp.Seq == cps[len(cps)-1].Seq {
				prev, from = &e, cp.Seq+1
			}
		}
	}
	for {
		page, err := ws.store.ReadJournal(ctx, ws.tenant, from, MaxPageSize)
		if err != nil {
			return rep, prev, err
		}
		if len(page) == 0 {
			break
		}
		if err := Chain(ws.tenant, prev, page); err != nil {
			return rep, prev, err
		}
		rep.Entries += len(page)
		for _, e := range page {
			if cp, ok := want[e.Seq]; ok && e.Hash != cp.Hash {
				return rep, prev, rewritten(e, cp)
			}
			if e.Kind != "" && e.ID != "" {
				last[recKey{e.Kind, e.ID}] = lastEntry{seq: e.Seq, version: e.Version, event: e.Event, digest: e.Digest}
			}
		}
		l := page[len(page)-1]
		prev = &l
		from = l.Seq + 1
	}
	if len(cps) > 0 {
		top := cps[len(cps)-1]
		if head := headSeq(prev); head < top.Seq {
			return rep, prev, &ChainError{Seq: head + 1, Reason: fmt.Sprintf(
				"the journal ends at entry %d but the checkpoint signed at %s covers %d entries: entries were cut from the end, or the tenant was wiped",
				head, top.Time.Format(time.RFC3339), top.Seq)}
		}
	}
	if o.Incremental && len(cps) > 0 {
		n, err := ws.checkMentioned(ctx, last)
		rep.Records = n
		return rep, prev, err
	}
	n, err := ws.checkRecords(ctx, last)
	rep.Records = n
	if err != nil {
		return rep, prev, err
	}
	if ic, ok := ws.store.(IndexChecker); ok {
		if err := ic.CheckIndex(ctx, ws.tenant); err != nil {
			return rep, prev, err
		}
	}
	return rep, prev, nil
}

// storedRecords returns the number of records the tenant stores, when the
// store can count them without reading them ([KindLister] and
// [Querier]); 0 otherwise. It is a size hint only.
func (ws *Workspace) storedRecords(ctx context.Context) (int, error) {
	kl, ok := ws.store.(KindLister)
	if !ok {
		return 0, nil
	}
	q, ok := ws.store.(Querier)
	if !ok {
		return 0, nil
	}
	kinds, err := kl.Kinds(ctx, ws.tenant)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, k := range kinds {
		n, err := q.Count(ctx, ws.tenant, Query{Kind: k})
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

func headSeq(e *Entry) uint64 {
	if e == nil {
		return 0
	}
	return e.Seq
}

func rewritten(e Entry, cp Checkpoint) error {
	return &ChainError{Seq: e.Seq, Kind: e.Kind, ID: e.ID, Reason: fmt.Sprintf(
		"entry differs from the one the checkpoint signed at %s (hash %s, not %s): the journal was rewritten up to here",
		cp.Time.Format(time.RFC3339), e.Hash, cp.Hash)}
}

// checkpointed reads the entry cp signed and checks it against cp and its
// own hash.
func (ws *Workspace) checkpointed(ctx context.Context, cp Checkpoint) (Entry, error) {
	page, err := ws.store.ReadJournal(ctx, ws.tenant, cp.Seq, 1)
	if err != nil {
		return Entry{}, err
	}
	if len(page) == 0 || page[0].Seq != cp.Seq {
		head, herr := ws.head(ctx)
		if herr != nil {
			return Entry{}, herr
		}
		return Entry{}, &ChainError{Seq: cp.Seq, Reason: fmt.Sprintf(
			"entry %d, which the checkpoint signed at %s covers, is missing (the journal ends at %d): entries were cut, or the tenant was wiped",
			cp.Seq, cp.Time.Format(time.RFC3339), headSeq(head))}
	}
	e := page[0]
	if !hashMatches(ws.tenant, &e) {
		return Entry{}, &ChainError{Seq: e.Seq, Kind: e.Kind, ID: e.ID, Reason: "entry content does not match its hash (the entry was edited, or copied from another tenant)"}
	}
	if e.Hash != cp.Hash {
		return Entry{}, rewritten(e, cp)
	}
	return e, nil
}

// problem is one disagreement between records and journal.
type problem struct {
	err ChainError
}

// first returns the problem to report: the lowest Seq, then records with
// no entry in kind and id order.
func first(ps []problem) error {
	if len(ps) == 0 {
		return nil
	}
	slices.SortFunc(ps, func(a, b problem) int {
		if (a.err.Seq == 0) != (b.err.Seq == 0) {
			if a.err.Seq == 0 {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.err.Seq, b.err.Seq), cmp.Compare(a.err.Kind, b.err.Kind), cmp.Compare(a.err.ID, b.err.ID))
	})
	e := ps[0].err
	return &e
}

// compare checks a stored record (nil when missing) against its last
// entry (nil when the journal never mentions it).
func compare(k recKey, rec *Record, e *Entry) *problem {
	switch {
	case e == nil && rec != nil:
		return &problem{ChainError{Kind: k.kind, ID: k.id, Reason: fmt.Sprintf("is stored at version %d but no journal entry mentions it: written outside the kernel, or its entries were cut", rec.Version)}}
	case e == nil:
		return nil
	case rec == nil && e.Event != EventDelete:
		return &problem{ChainError{Seq: e.Seq, Kind: k.kind, ID: k.id, Reason: "record is missing but its last journal entry is not a delete"}}
	case rec == nil:
		return nil
	case e.Event == EventDelete:
		return &problem{ChainError{Seq: e.Seq, Kind: k.kind, ID: k.id, Reason: "record exists but its last journal entry deletes it"}}
	case rec.Version != e.Version:
		return &problem{ChainError{Seq: e.Seq, Kind: k.kind, ID: k.id, Reason: fmt.Sprintf(
			"record is at version %d but its last journal entry says %d: changed outside the kernel, or later entries were removed", rec.Version, e.Version)}}
	case RecordDigest(*rec) != e.Digest:
		return &problem{ChainError{Seq: e.Seq, Kind: k.kind, ID: k.id, Reason: fmt.Sprintf(
			"record at version %d does not match the digest of its last journal entry: its data or attributes were changed outside the kernel", rec.Version)}}
	}
	return nil
}

// checkRecords lists every stored record of every kind, in pages, and
// compares it with its last entry, then looks for journaled records that
// are gone: those left in last once every listed record took its own out.
func (ws *Workspace) checkRecords(ctx context.Context, last map[recKey]lastEntry) (int, error) {
	kinds := map[string]bool{}
	for k := range last {
		kinds[k.kind] = true
	}
	if kl, ok := ws.store.(KindLister); ok {
		stored, err := kl.Kinds(ctx, ws.tenant)
		if err != nil {
			return 0, err
		}
		for _, k := range stored {
			kinds[k] = true
		}
	}
	var ps []problem
	n := 0
	for _, kind := range slices.Sorted(maps.Keys(kinds)) {
		q := Query{Kind: kind, Limit: MaxPageSize}
		for {
			page, err := ws.store.List(ctx, ws.tenant, q)
			if err != nil {
				return n, err
			}
			for i := range page.Records {
				rec := &page.Records[i]
				k := recKey{kind, rec.ID}
				var e *Entry
				if le, ok := last[k]; ok {
					e = le.entry()
					delete(last, k)
				}
				if p := compare(k, rec, e); p != nil {
					ps = append(ps, *p)
					continue
				}
				n++
			}
			if page.Next == "" {
				break
			}
			q.After = page.Next
		}
	}
	for k, e := range last {
		if p := compare(k, nil, e.entry()); p != nil {
			ps = append(ps, *p)
		}
	}
	return n, first(ps)
}

// checkMentioned compares only the records the verified entries mention.
func (ws *Workspace) checkMentioned(ctx context.Context, last map[recKey]lastEntry) (int, error) {
	var ps []problem
	n := 0
	for k, e := range last {
		var recp *Record
		rec, err := ws.store.Get(ctx, ws.tenant, k.kind, k.id)
		switch {
		case err == nil:
			recp = &rec
		case !errors.Is(err, ErrNotFound):
			return n, err
		}
		if p := compare(k, recp, e.entry()); p != nil {
			ps = append(ps, *p)
			continue
		}
		if recp != nil {
			n++
		}
	}
	return n, first(ps)
}
