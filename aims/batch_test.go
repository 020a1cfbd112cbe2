package aims_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/aims/storetest"
)

// TestCommitDigestsOutOfOrder: entries need not sit at their write's
// index; each still gets the digest of the record it journals, and a
// delete's entry keeps its own.
func TestCommitDigestsOutOfOrder(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := memstore.New()
	ws, err := aims.NewWorkspace(s, "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	gone := aims.Record{Kind: "note", ID: "gone", Data: []byte(`{}`)}
	if _, err := ws.Commit(ctx, []aims.Write{{Record: gone}}, []aims.Entry{{Actor: "ana", Kind: "note", ID: "gone", Event: aims.EventCreate, Version: 1}}); err != nil {
		t.Fatal(err)
	}
	a := aims.Record{Kind: "note", ID: "a", Data: []byte(`{"a":1}`), Attrs: map[string]string{"owner": "ana"}}
	b := aims.Record{Kind: "note", ID: "b", Data: []byte(`{"b":2}`)}
	writes := []aims.Write{{Record: a}, {Record: gone, Expected: 1, Delete: true}, {Record: b}}
	entries := []aims.Entry{
		{Actor: "ana", Kind: "note", ID: "b", Event: aims.EventCreate, Version: 1},
		{Actor: "ana", Kind: "note", ID: "gone", Event: aims.EventDelete, Version: 1, Digest: aims.Digest(nil)},
		{Actor: "ana", Kind: "note", ID: "a", Event: aims.EventCreate, Version: 1},
	}
	if _, err := ws.Commit(ctx, writes, entries); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{aims.RecordDigest(b), aims.Digest(nil), aims.RecordDigest(a)} {
		if entries[i].Digest != want {
			t.Errorf("entries[%d] (%s) digest %s, want %s", i, entries[i].ID, entries[i].Digest, want)
		}
	}
	if rep, err := ws.Verify(ctx); err != nil || rep.Records != 2 {
		t.Errorf("Verify = %+v, %v; want 2 records", rep, err)
	}
}

// TestBulkOnPlainStore: on a store that is only an aims.Store, a Bulk
// still checks everything first and writes chunk by chunk.
func TestBulkOnPlainStore(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws, err := aims.NewWorkspace(struct{ aims.Store }{memstore.New()}, "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	notes := make([]*storetest.Note, 25)
	for i := range notes {
		notes[i] = &storetest.Note{Meta: aims.Meta{ID: fmt.Sprintf("n-%02d", i)}, Title: "t"}
	}
	n, err := aims.CreateMany(ctx, storetest.Notes(ws), "ana", notes, &aims.BulkOptions{Chunk: 10})
	if err != nil || n != 25 {
		t.Fatalf("CreateMany = %d, %v", n, err)
	}
	if rep, err := ws.Verify(ctx); err != nil || rep.Records != 25 || rep.Entries != 25 {
		t.Errorf("Verify = %+v, %v; want 25 records and entries", rep, err)
	}
}

// The kernel's share of a batch import: 10,000 notes staged (validated,
// encoded) and committed in one Tx, digests and seals included, beside
// memstore applying the same records and sealed entries prebuilt.
const benchBulk = 10_000

func benchNotes() []*storetest.Note {
	notes := make([]*storetest.Note, benchBulk)
	for i := range notes {
		notes[i] = &storetest.Note{Meta: aims.Meta{ID: fmt.Sprintf("n-%06d", i)}, Title: "a note to import", Owner: "ana"}
	}
	return notes
}

func BenchmarkCreateMany10k(b *testing.B) {
	notes := benchNotes()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		ws, err := aims.NewWorkspace(memstore.New(), "t", nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range notes {
			n.Meta = aims.Meta{ID: n.ID}
		}
		if n, err := aims.CreateMany(ctx, storetest.Notes(ws), "ana", notes, nil); err != nil || n != benchBulk {
			b.Fatal(n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchBulk), "ns/rec")
}

func BenchmarkBaselineApplyPrebuilt10k(b *testing.B) {
	notes := benchNotes()
	ctx := context.Background()
	// Build the very rows CreateMany writes, once.
	s := memstore.New()
	ws, err := aims.NewWorkspace(s, "t", nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := aims.CreateMany(ctx, storetest.Notes(ws), "ana", notes, nil); err != nil {
		b.Fatal(err)
	}
	var batch aims.Batch
	for p := uint64(1); ; {
		es, err := s.ReadJournal(ctx, "t", p, aims.MaxPageSize)
		if err != nil {
			b.Fatal(err)
		}
		if len(es) == 0 {
			break
		}
		for _, e := range es {
			rec, err := s.Get(ctx, "t", e.Kind, e.ID)
			if err != nil {
				b.Fatal(err)
			}
			batch.Writes = append(batch.Writes, aims.Write{Record: rec})
		}
		batch.Entries = append(batch.Entries, es...)
		p = es[len(es)-1].Seq + 1
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := memstore.New().Apply(ctx, "t", batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchBulk), "ns/rec")
}

// TestBulkAuthorizesEveryActor: under a policy, a commit asks about each
// actor, action and kind of its entries; the refusal names the first
// entry refused, and nothing is written.
func TestBulkAuthorizesEveryActor(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := memstore.New()
	ws, err := aims.NewWorkspace(s, "t", &aims.Options{Policy: aims.DefaultPolicy()})
	if err != nil {
		t.Fatal(err)
	}
	if err := aims.RoleAssignments(ws).Create(ctx, "ana", &aims.RoleAssignment{Meta: aims.Meta{ID: "ana"}, Roles: []aims.Role{aims.RoleAIMSManager}}); err != nil {
		t.Fatal(err)
	}
	head := func() uint64 {
		h, err := s.Head(ctx, "t")
		if err != nil {
			t.Fatal(err)
		}
		return h.Seq
	}
	before := head()
	b, err := ws.Bulk(nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, actor := range []string{"ana", "ana", "ana", "eve", "eve"} {
		n := &storetest.Note{Meta: aims.Meta{ID: fmt.Sprintf("n-%d", i)}, Title: "t"}
		if err := b.Stage(ctx, func(tx *aims.Tx) error { return aims.CreateIn(ctx, tx, storetest.Notes(ws), actor, n) }); err != nil {
			t.Fatal(err)
		}
	}
	err = b.Flush(ctx)
	if !errors.Is(err, aims.ErrForbidden) || !strings.Contains(err.Error(), `"eve"`) || !strings.Contains(err.Error(), "note/n-3") {
		t.Errorf("Flush with an actor holding no role = %v, want ErrForbidden naming eve and note/n-3", err)
	}
	if got := head(); got != before {
		t.Errorf("journal moved from %d to %d on a refused commit", before, got)
	}
	notes := []*storetest.Note{{Meta: aims.Meta{ID: "a"}, Title: "t"}, {Meta: aims.Meta{ID: "b"}, Title: "t"}}
	if n, err := aims.CreateMany(ctx, storetest.Notes(ws), "ana", notes, nil); err != nil || n != 2 {
		t.Errorf("CreateMany by the AIMS manager = %d, %v", n, err)
	}
}

// TestCreateManyStopsAtRefusal: a record refused while staging (here by
// the collection's guard, which the checks before the first write do not
// ask) stops the import: the chunks committed stay, the records staged
// since get their headers back, and nothing after is written.
func TestCreateManyStopsAtRefusal(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := memstore.New()
	ws, err := aims.NewWorkspace(s, "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	guarded := storetest.Notes(ws).Guard(func(_ context.Context, _, id string) error {
		if id == "n-07" {
			return fmt.Errorf("%w: n-07 is locked", aims.ErrForbidden)
		}
		return nil
	})
	notes := make([]*storetest.Note, 10)
	for i := range notes {
		notes[i] = &storetest.Note{Meta: aims.Meta{ID: fmt.Sprintf("n-%02d", i)}, Title: "t"}
	}
	n, err := aims.CreateMany(ctx, guarded, "ana", notes, &aims.BulkOptions{Chunk: 5})
	if !errors.Is(err, aims.ErrForbidden) || n != 5 || !strings.Contains(err.Error(), "records[7]") {
		t.Fatalf("CreateMany = %d, %v; want 5 and ErrForbidden at records[7]", n, err)
	}
	for i, nt := range notes {
		want := int64(0)
		if i < 5 {
			want = 1
		}
		if nt.Version != want {
			t.Errorf("notes[%d].Version = %d, want %d", i, nt.Version, want)
		}
	}
	if rep, err := ws.Verify(ctx); err != nil || rep.Records != 5 {
		t.Errorf("Verify = %+v, %v; want the 5 committed records", rep, err)
	}
	b, err := ws.Bulk(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Stage(ctx, func(tx *aims.Tx) error { return aims.CreateIn(ctx, tx, storetest.Notes(ws), "ana", notes[9]) }); err != nil {
		t.Fatal(err)
	}
	b.Discard()
	if notes[9].Version != 0 || notes[9].CreatedBy != "" || b.Pending() != 0 {
		t.Errorf("after Discard: version %d createdBy %q pending %d, want the record as passed", notes[9].Version, notes[9].CreatedBy, b.Pending())
	}
	if err := b.Flush(ctx); err == nil {
		t.Error("Flush after Discard succeeded")
	}
	if rep, err := ws.Verify(ctx); err != nil || rep.Records != 5 {
		t.Errorf("Verify after Discard = %+v, %v; want 5 records", rep, err)
	}
}
