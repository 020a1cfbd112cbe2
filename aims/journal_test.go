package aims_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/aims/storetest"
)

// jtCanonical is an independent reading of EntryHash's documented encoding:
// the domain tag, then each field as a big-endian uint32 length and its
// bytes, numbers in decimal and the time as RFC 3339 in UTC with
// nanoseconds.
func jtCanonical(e *aims.Entry) []byte {
	var b []byte
	for _, f := range []string{
		"iso42001/journal/v2",
		jtTenant,
		strconv.FormatUint(e.Seq, 10),
		e.Time.UTC().Format(time.RFC3339Nano),
		e.Actor, e.Kind, e.ID, e.Event, e.From, e.To,
		strconv.FormatInt(e.Version, 10),
		e.Digest, e.Prev,
	} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(f)))
		b = append(b, f...)
	}
	return b
}

// jtTenant is the tenant of every journal these tests build.
const jtTenant = "acme"

var jtTime = time.Date(2025, 3, 4, 5, 6, 7, 123456789, time.UTC)

// jtChain returns n sealed entries with every field set and varied.
func jtChain(n int) []aims.Entry {
	es := make([]aims.Entry, n)
	var prev *aims.Entry
	for i := range es {
		e := &es[i]
		*e = aims.Entry{
			Time:    jtTime.Add(time.Duration(i) * (time.Minute + time.Nanosecond)),
			Actor:   fmt.Sprintf("actor-%d", i%3),
			Kind:    "risk",
			ID:      fmt.Sprintf("risk-%d", i%4),
			Event:   []string{aims.EventCreate, aims.EventUpdate, "approve"}[i%3],
			From:    []string{"", "draft", "review"}[i%3],
			To:      []string{"draft", "review", "approved"}[i%3],
			Version: int64(i + 1),
			Digest:  aims.Digest([]byte(strconv.Itoa(i))),
		}
		aims.Seal(jtTenant, e, prev)
		prev = e
	}
	return es
}

func TestEntryHashGolden(t *testing.T) {
	t.Parallel()
	e := aims.Entry{
		Seq: 42, Time: time.Date(2025, 1, 2, 3, 4, 5, 6, time.FixedZone("CET", 3600)),
		Actor: "ana@example.com", Kind: "risk", ID: "risk-1", Event: "approve",
		From: "review", To: "approved", Version: 7,
		Digest: aims.Digest([]byte(`{"title":"bias"}`)),
		Prev:   "1111111111111111111111111111111111111111111111111111111111111111",
		Hash:   "not part of the hash",
	}
	// The golden value pins the encoding: changing it breaks every stored
	// journal, so it changes only with the domain tag's version. Version 1
	// (no tenant) gave b6620c09e6d201b56322b7dc3e95491934954a7e7009073262d3751ab966f027.
	const golden = "b19f66674871a7fe3f6415bc05067c494ef5e8b0c7c8869441fb42fa76083bbe"
	sum := sha256.Sum256(jtCanonical(&e))
	if diff := cmp.Diff(hex.EncodeToString(sum[:]), aims.EntryHash(jtTenant, &e)); diff != "" {
		t.Errorf("EntryHash differs from the documented encoding (-want +got):\n%s", diff)
	}
	if got := aims.EntryHash(jtTenant, &e); got != golden {
		t.Errorf("EntryHash = %s, want golden %s", got, golden)
	}
	// The same instant in another location hashes the same.
	utc := e
	utc.Time = e.Time.UTC()
	if aims.EntryHash(jtTenant, &utc) != aims.EntryHash(jtTenant, &e) {
		t.Errorf("EntryHash depends on the time's location, not only its instant")
	}
}

// TestEntryHashFieldsBound checks that moving bytes from one field to the
// next changes the hash: the length prefixes make the encoding unambiguous.
// TestRecordDigest checks RecordDigest against an independent reading of
// its documented encoding, and that it covers the attributes.
func TestRecordDigest(t *testing.T) {
	t.Parallel()
	rec := aims.Record{Kind: "risk", ID: "r-1", Version: 3, Data: []byte(`{"title":"bias"}`),
		Attrs: map[string]string{"state": "draft", "owner": "ana"}}
	var b []byte
	field := func(s string) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	field("iso42001/record/v1")
	field(string(rec.Data))
	b = binary.BigEndian.AppendUint32(b, 2)
	field("owner")
	field("ana")
	field("state")
	field("draft")
	sum := sha256.Sum256(b)
	if diff := cmp.Diff(hex.EncodeToString(sum[:]), aims.RecordDigest(rec)); diff != "" {
		t.Errorf("RecordDigest differs from the documented encoding (-want +got):\n%s", diff)
	}
	edited := rec
	edited.Attrs = map[string]string{"state": "approved", "owner": "ana"}
	noAttrs := rec
	noAttrs.Attrs = nil
	moved := rec
	moved.Attrs = map[string]string{"stat": "edraft", "owner": "ana"}
	for name, other := range map[string]aims.Record{"edited attribute": edited, "no attributes": noAttrs, "shifted boundary": moved} {
		if aims.RecordDigest(other) == aims.RecordDigest(rec) {
			t.Errorf("RecordDigest does not change with %s", name)
		}
	}
	same := rec
	same.Kind, same.ID, same.Version = "other", "x", 9
	if aims.RecordDigest(same) != aims.RecordDigest(rec) {
		t.Errorf("RecordDigest depends on the key or version, which the entry carries")
	}
}

// TestEntryHashBindsTenant checks that the same entry hashes differently in
// another tenant's journal, so that a journal moved between tenants does
// not verify.
func TestEntryHashBindsTenant(t *testing.T) {
	t.Parallel()
	es := jtChain(3)
	if aims.EntryHash("acme", &es[1]) == aims.EntryHash("globex", &es[1]) {
		t.Errorf("EntryHash is the same in two tenants")
	}
	err := aims.Chain("globex", nil, es)
	var ce *aims.ChainError
	if !errors.As(err, &ce) || ce.Seq != 1 {
		t.Errorf("Chain of acme's journal as globex's: error = %v, want a *ChainError at entry 1", err)
	}
}

func TestEntryHashFieldsBound(t *testing.T) {
	t.Parallel()
	a := aims.Entry{Seq: 1, Time: jtTime, Actor: "ab", Kind: "c"}
	b := aims.Entry{Seq: 1, Time: jtTime, Actor: "a", Kind: "bc"}
	if aims.EntryHash(jtTenant, &a) == aims.EntryHash(jtTenant, &b) {
		t.Errorf("entries with shifted field boundaries hash alike")
	}
}

func TestChainValid(t *testing.T) {
	t.Parallel()
	es := jtChain(10)
	if err := aims.Chain(jtTenant, nil, es); err != nil {
		t.Errorf("Chain of a sealed journal: %v", err)
	}
	if err := aims.Chain(jtTenant, &es[3], es[4:]); err != nil {
		t.Errorf("Chain of a suffix after its predecessor: %v", err)
	}
	if err := aims.Chain(jtTenant, nil, nil); err != nil {
		t.Errorf("Chain of nothing: %v", err)
	}
	if err := aims.Chain(jtTenant, nil, es[4:]); !errors.Is(err, aims.ErrTampered) {
		t.Errorf("Chain of a suffix from the start: error = %v, want ErrTampered", err)
	}
}

func TestChainDetects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		mutate  func(es []aims.Entry) []aims.Entry
		wantSeq uint64
	}{
		{"EditedActor", func(es []aims.Entry) []aims.Entry { es[2].Actor = "mallory"; return es }, 3},
		{"EditedTimeByOneNanosecond", func(es []aims.Entry) []aims.Entry { es[2].Time = es[2].Time.Add(1); return es }, 3},
		{"EditedKind", func(es []aims.Entry) []aims.Entry { es[2].Kind = "control"; return es }, 3},
		{"EditedID", func(es []aims.Entry) []aims.Entry { es[2].ID += "x"; return es }, 3},
		{"EditedEvent", func(es []aims.Entry) []aims.Entry { es[2].Event = "reject"; return es }, 3},
		{"EditedFrom", func(es []aims.Entry) []aims.Entry { es[2].From = "x"; return es }, 3},
		{"EditedTo", func(es []aims.Entry) []aims.Entry { es[2].To = ""; return es }, 3},
		{"EditedVersion", func(es []aims.Entry) []aims.Entry { es[2].Version++; return es }, 3},
		{"EditedDigest", func(es []aims.Entry) []aims.Entry { es[2].Digest = aims.Digest(nil); return es }, 3},
		{"EditedPrev", func(es []aims.Entry) []aims.Entry { es[2].Prev = es[0].Hash; return es }, 3},
		{"EditedHash", func(es []aims.Entry) []aims.Entry { es[2].Hash = es[1].Hash; return es }, 3},
		{"EditedSeq", func(es []aims.Entry) []aims.Entry { es[2].Seq = 9; return es }, 3},
		{"EditedAndResealed", func(es []aims.Entry) []aims.Entry {
			es[2].Actor = "mallory"
			es[2].Hash = aims.EntryHash(jtTenant, &es[2])
			return es
		}, 4},
		{"DeletedFirst", func(es []aims.Entry) []aims.Entry { return es[1:] }, 1},
		{"DeletedMiddle", func(es []aims.Entry) []aims.Entry { return slices.Delete(es, 2, 3) }, 3},
		{"DeletedMiddleRenumbered", func(es []aims.Entry) []aims.Entry {
			es = slices.Delete(es, 2, 3)
			for i := 2; i < len(es); i++ {
				es[i].Seq--
			}
			return es
		}, 3},
		{"Inserted", func(es []aims.Entry) []aims.Entry {
			forged := es[1]
			forged.Actor = "mallory"
			return slices.Insert(es, 2, forged)
		}, 3},
		{"InsertedSealed", func(es []aims.Entry) []aims.Entry {
			forged := es[1]
			forged.Actor = "mallory"
			aims.Seal(jtTenant, &forged, &es[1])
			es = slices.Insert(es, 2, forged)
			for i := 3; i < len(es); i++ {
				es[i].Seq++
			}
			return es
		}, 4},
		{"ReorderedPair", func(es []aims.Entry) []aims.Entry { es[2], es[3] = es[3], es[2]; return es }, 3},
		{"ReorderedPairRenumbered", func(es []aims.Entry) []aims.Entry {
			es[2], es[3] = es[3], es[2]
			es[2].Seq, es[3].Seq = 3, 4
			return es
		}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := aims.Chain(jtTenant, nil, tc.mutate(jtChain(6)))
			var ce *aims.ChainError
			if !errors.Is(err, aims.ErrTampered) || !errors.As(err, &ce) {
				t.Fatalf("Chain after %s: error = %v, want a *ChainError matching ErrTampered", tc.name, err)
			}
			if ce.Seq != tc.wantSeq {
				t.Errorf("Chain after %s: first broken entry %d, want %d (%v)", tc.name, ce.Seq, tc.wantSeq, err)
			}
		})
	}
}

// jtTruncated hides the journal after seq keep, as if the tail had been cut
// from the store.
type jtTruncated struct {
	aims.Store
	keep uint64
}

func (s jtTruncated) ReadJournal(ctx context.Context, tenant string, from uint64, limit int) ([]aims.Entry, error) {
	es, err := s.Store.ReadJournal(ctx, tenant, from, limit)
	return slices.DeleteFunc(es, func(e aims.Entry) bool { return e.Seq > s.keep }), err
}

// jtEdited returns altered data for one record at its stored version, as if
// it had been edited in place.
type jtEdited struct {
	aims.Store
	id string
}

func (s jtEdited) List(ctx context.Context, tenant string, q aims.Query) (aims.Page, error) {
	p, err := s.Store.List(ctx, tenant, q)
	for i := range p.Records {
		if p.Records[i].ID == s.id {
			p.Records[i].Data = append(p.Records[i].Data, ' ')
		}
	}
	return p, err
}

func (s jtEdited) Get(ctx context.Context, tenant, kind, id string) (aims.Record, error) {
	r, err := s.Store.Get(ctx, tenant, kind, id)
	if err == nil && id == s.id {
		r.Data = append(r.Data, ' ')
	}
	return r, err
}

// jtWorkspace returns a store with three notes in tenant "acme": n-0
// created and updated, n-1 created, n-2 created and deleted.
func jtWorkspace(t *testing.T) *memstore.Store {
	t.Helper()
	s := memstore.New()
	ws, err := aims.NewWorkspace(s, "acme", &aims.Options{Clock: func() time.Time { return jtTime }})
	if err != nil {
		t.Fatal(err)
	}
	notes := storetest.Notes(ws)
	for i := range 3 {
		n := &storetest.Note{Title: fmt.Sprint("note ", i)}
		n.ID = fmt.Sprint("n-", i)
		if err := notes.Create(t.Context(), "ana", n); err != nil {
			t.Fatal(err)
		}
		switch i {
		case 0:
			n.Body = "edited"
			err = notes.Update(t.Context(), "bob", n)
		case 2:
			err = notes.Delete(t.Context(), "bob", n.ID, n.Version)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestWorkspaceVerify(t *testing.T) {
	t.Parallel()
	// Journal: 1 create n-0, 2 update n-0, 3 create n-1, 4 create n-2,
	// 5 delete n-2.
	tests := []struct {
		name  string
		store func(s *memstore.Store) aims.Store
		// wantSeq and wantID name the *ChainError Verify reports; both
		// zero: it verifies, with wantRep. A wantSeq of 0 with an id is a
		// record that no entry mentions.
		wantSeq uint64
		wantID  string
		wantRep aims.VerifyReport
	}{
		{"Intact", func(s *memstore.Store) aims.Store { return s }, 0, "", aims.VerifyReport{Entries: 5, Records: 2}},
		{"CutLast", func(s *memstore.Store) aims.Store { return jtTruncated{s, 4} }, 4, "n-2", aims.VerifyReport{}},
		// The records the cut entries created are still stored, with no
		// entry: listing every kind finds them.
		{"CutCreates", func(s *memstore.Store) aims.Store { return jtTruncated{s, 2} }, 0, "n-1", aims.VerifyReport{}},
		{"CutToFirst", func(s *memstore.Store) aims.Store { return jtTruncated{s, 1} }, 1, "n-0", aims.VerifyReport{}},
		{"EditedInPlace", func(s *memstore.Store) aims.Store { return jtEdited{s, "n-1"} }, 3, "n-1", aims.VerifyReport{}},
		{"WrittenAroundKernel", func(s *memstore.Store) aims.Store {
			r, err := s.Get(context.Background(), "acme", storetest.NoteKind, "n-0")
			if err != nil {
				panic(err)
			}
			if _, err := s.Put(context.Background(), "acme", r, r.Version); err != nil {
				panic(err)
			}
			return s
		}, 2, "n-0", aims.VerifyReport{}},
		{"ResurrectedAroundKernel", func(s *memstore.Store) aims.Store {
			r := aims.Record{Kind: storetest.NoteKind, ID: "n-2", Data: []byte(`{"title":"back"}`)}
			if _, err := s.Put(context.Background(), "acme", r, 0); err != nil {
				panic(err)
			}
			return s
		}, 5, "n-2", aims.VerifyReport{}},
		{"InsertedWithoutEntry", func(s *memstore.Store) aims.Store {
			r := aims.Record{Kind: "secret", ID: "x-1", Data: []byte(`{"title":"unjournaled"}`)}
			if _, err := s.Put(context.Background(), "acme", r, 0); err != nil {
				panic(err)
			}
			return s
		}, 0, "x-1", aims.VerifyReport{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws, err := aims.NewWorkspace(tc.store(jtWorkspace(t)), "acme", nil)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := ws.Verify(t.Context())
			if tc.wantSeq == 0 && tc.wantID == "" {
				if err != nil || rep != tc.wantRep {
					t.Errorf("Verify = %+v, %v; want %+v, nil", rep, err, tc.wantRep)
				}
				return
			}
			var ce *aims.ChainError
			if !errors.Is(err, aims.ErrTampered) || !errors.As(err, &ce) {
				t.Fatalf("Verify: error = %v, want a *ChainError matching ErrTampered", err)
			}
			if ce.Seq != tc.wantSeq || ce.ID != tc.wantID {
				t.Errorf("Verify: reported entry %d record %q, want %d %q (%v)", ce.Seq, ce.ID, tc.wantSeq, tc.wantID, err)
			}
		})
	}
}

func TestVerifyJournalPages(t *testing.T) {
	t.Parallel()
	s := memstore.New()
	es := jtChain(2*aims.MaxPageSize + 3)
	if err := s.Append(t.Context(), "acme", es...); err != nil {
		t.Fatal(err)
	}
	n, err := aims.VerifyJournal(t.Context(), s, "acme")
	if err != nil || n != len(es) {
		t.Errorf("VerifyJournal = %d, %v; want %d, nil", n, err, len(es))
	}
}

// jtBenchEntries is the journal length of the journal benchmarks.
const jtBenchEntries = 1000

// BenchmarkBaselineSHA256 hashes the canonical encoding of each entry twice,
// as sealing and then verifying a journal must: the floor for
// BenchmarkJournalAppendVerify.
func BenchmarkBaselineSHA256(b *testing.B) {
	es := jtChain(jtBenchEntries)
	bufs := make([][]byte, len(es))
	n := 0
	for i := range es {
		bufs[i] = jtCanonical(&es[i])
		n += 2 * len(bufs[i])
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, buf := range bufs {
			s1 := sha256.Sum256(buf)
			s2 := sha256.Sum256(buf)
			if s1 != s2 {
				b.Fatal("unstable hash")
			}
		}
	}
}

// BenchmarkJournalAppendVerify seals a journal entry by entry, then checks
// it with Chain: the kernel's cost of writing and verifying it.
func BenchmarkJournalAppendVerify(b *testing.B) {
	es := jtChain(jtBenchEntries)
	n := 0
	for i := range es {
		n += 2 * len(jtCanonical(&es[i]))
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		var prev *aims.Entry
		for i := range es {
			aims.Seal(jtTenant, &es[i], prev)
			prev = &es[i]
		}
		if err := aims.Chain(jtTenant, nil, es); err != nil {
			b.Fatal(err)
		}
	}
}

// jtEntryEqual compares entries field by field, times by instant.
func jtEntryEqual(a, b aims.Entry) bool {
	ta, tb := a.Time, b.Time
	a.Time, b.Time = time.Time{}, time.Time{}
	return a == b && ta.Equal(tb)
}

// FuzzChain mutates a sealed journal (a changed field, a dropped,
// duplicated or swapped entry) and checks that a verifier holding the
// journal's head hash (see the package doc: keep it elsewhere) detects
// every mutation that changes the journal, and that nothing panics. Chain
// alone cannot see a cut tail; the head hash does, as Workspace.Verify's
// record check does in the kernel.
func FuzzChain(f *testing.F) {
	for op := range byte(4) {
		for _, i := range []byte{0, 3, 5} {
			f.Add(op, i, byte(2), byte(0), byte(1), int64(1))
		}
	}
	f.Add(byte(0), byte(2), byte(1), byte(0), byte(0), int64(0)) // no-op
	f.Add(byte(3), byte(2), byte(2), byte(0), byte(0), int64(0)) // swap with itself
	f.Fuzz(func(t *testing.T, op, i, j, field, x byte, delta int64) {
		orig := jtChain(6)
		es := slices.Clone(orig)
		head := orig[len(orig)-1].Hash
		i, j = i%byte(len(es)), j%byte(len(es))
		switch op % 4 {
		case 0:
			jtMutateField(&es[i], field, j, x, delta)
		case 1:
			es = slices.Delete(es, int(i), int(i)+1)
		case 2:
			es = slices.Insert(es, int(i), es[i])
		case 3:
			es[i], es[j] = es[j], es[i]
		}
		err := aims.Chain(jtTenant, nil, es)
		if err != nil && !errors.Is(err, aims.ErrTampered) {
			t.Fatalf("Chain returned %v, which is not ErrTampered", err)
		}
		detected := err != nil || len(es) == 0 || es[len(es)-1].Hash != head
		changed := !slices.EqualFunc(orig, es, jtEntryEqual)
		if changed != detected {
			t.Fatalf("mutation op %d at %d/%d field %d: changed %v, detected %v (Chain: %v)", op%4, i, j, field, changed, detected, err)
		}
	})
}

// jtMutateField changes one field of e: for strings it xors byte pos with
// x (appending x when pos is past the end), for numbers it xors with x,
// for the time it adds delta nanoseconds.
func jtMutateField(e *aims.Entry, field, pos, x byte, delta int64) {
	flip := func(s string) string {
		b := []byte(s)
		if int(pos) < len(b) {
			b[pos] ^= x
		} else if x != 0 {
			b = append(b, x)
		}
		return string(b)
	}
	switch field % 12 {
	case 0:
		e.Seq ^= uint64(x)
	case 1:
		e.Time = e.Time.Add(time.Duration(delta))
	case 2:
		e.Actor = flip(e.Actor)
	case 3:
		e.Kind = flip(e.Kind)
	case 4:
		e.ID = flip(e.ID)
	case 5:
		e.Event = flip(e.Event)
	case 6:
		e.From = flip(e.From)
	case 7:
		e.To = flip(e.To)
	case 8:
		e.Version ^= int64(x)
	case 9:
		e.Digest = flip(e.Digest)
	case 10:
		e.Prev = flip(e.Prev)
	case 11:
		e.Hash = flip(e.Hash)
	}
}
