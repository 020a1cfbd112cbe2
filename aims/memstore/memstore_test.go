package memstore

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) aims.Store { return New() })
}

// newNotes makes a workspace on a fresh store with three notes: n-0 created
// and updated, n-1 created, n-2 created and deleted (5 journal entries).
func newNotes(t *testing.T) (*Store, *aims.Workspace) {
	t.Helper()
	s := New()
	clock := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	ws, err := aims.NewWorkspace(s, "acme", &aims.Options{Clock: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	notes := storetest.Notes(ws)
	ctx := t.Context()
	for i := range 3 {
		n := &storetest.Note{Title: fmt.Sprintf("note %d", i)}
		n.ID = fmt.Sprintf("n-%d", i)
		if err := notes.Create(ctx, "ana", n); err != nil {
			t.Fatal(err)
		}
		switch i {
		case 0:
			n.Body = "edited"
			if err := notes.Update(ctx, "bob", n); err != nil {
				t.Fatal(err)
			}
		case 2:
			if err := notes.Delete(ctx, "bob", n.ID, n.Version); err != nil {
				t.Fatal(err)
			}
		}
	}
	if rep, err := ws.Verify(ctx); err != nil || rep != (aims.VerifyReport{Entries: 5, Records: 2}) {
		t.Fatalf("Verify before tampering = %+v, %v", rep, err)
	}
	return s, ws
}

// TestTamper edits the store behind the interface's back, which no Store
// method allows, and checks that Workspace.Verify names the first broken
// entry.
func TestTamper(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		tamper  func(sp *space)
		wantSeq uint64
	}{
		{"EditActor", edit(func(j []aims.Entry) []aims.Entry { j[1].Actor = "mallory"; return j }), 2},
		{"EditTime", edit(func(j []aims.Entry) []aims.Entry { j[0].Time = j[0].Time.Add(time.Nanosecond); return j }), 1},
		{"EditDigest", edit(func(j []aims.Entry) []aims.Entry { j[3].Digest = aims.Digest([]byte("forged")); return j }), 4},
		{"DropFirst", edit(func(j []aims.Entry) []aims.Entry { return j[1:] }), 1},
		{"DropMiddle", edit(func(j []aims.Entry) []aims.Entry { return append(j[:2:2], j[3:]...) }), 3},
		{"Swap", edit(func(j []aims.Entry) []aims.Entry { j[1], j[2] = j[2], j[1]; return j }), 2},
		{"Duplicate", edit(func(j []aims.Entry) []aims.Entry {
			return append(j[:2:2], append([]aims.Entry{j[1]}, j[2:]...)...)
		}), 3},
		{"Resealed", edit(func(j []aims.Entry) []aims.Entry {
			// Editing and resealing one entry breaks the next link.
			j[1].Actor = "mallory"
			j[1].Hash = aims.EntryHash("acme", &j[1])
			return j
		}), 3},
		// Cutting the tail leaves a valid chain; the records give it away.
		{"CutLast", edit(func(j []aims.Entry) []aims.Entry { return j[:4] }), 4},
		{"CutUpdate", edit(func(j []aims.Entry) []aims.Entry { return j[:1] }), 1},
		{"EditRecord", func(sp *space) {
			r := sp.kinds[storetest.NoteKind].recs["n-1"]
			r.Data = []byte(`{"title":"forged"}`)
		}, 3},
		{"EditAttrs", func(sp *space) {
			sp.kinds[storetest.NoteKind].recs["n-1"].Attrs = map[string]string{"owner": "mallory"}
		}, 3},
		// Records whose creating entries were cut have no entry at all
		// (Seq 0 names the record, not an entry).
		{"CutCreates", edit(func(j []aims.Entry) []aims.Entry { return j[:2] }), 0},
		{"InsertRecord", func(sp *space) {
			sp.kinds["secret"] = &kindIndex{recs: map[string]*aims.Record{"x": {Kind: "secret", ID: "x", Version: 1}}, ids: indexOf("x"), counts: map[string]map[string]int{}}
		}, 0},
		{"WipeJournal", func(sp *space) { sp.journal = journal{} }, 0},
		{"BumpVersion", func(sp *space) { sp.kinds[storetest.NoteKind].recs["n-1"].Version++ }, 3},
		{"DropRecord", func(sp *space) {
			k := sp.kinds[storetest.NoteKind]
			delete(k.recs, "n-1")
			k.ids.Delete("n-1")
		}, 3},
		{"ResurrectRecord", func(sp *space) {
			k := sp.kinds[storetest.NoteKind]
			k.recs["n-2"] = &aims.Record{Kind: storetest.NoteKind, ID: "n-2", Version: 1, Data: []byte("{}")}
			k.ids.Insert("n-2")
		}, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, ws := newNotes(t)
			tc.tamper(s.tenants["acme"])
			_, err := ws.Verify(t.Context())
			if !errors.Is(err, aims.ErrTampered) {
				t.Fatalf("Verify after tampering: error = %v, want ErrTampered", err)
			}
			var ce *aims.ChainError
			if !errors.As(err, &ce) || ce.Seq != tc.wantSeq {
				t.Errorf("Verify after tampering: %v; want a *ChainError at entry %d", err, tc.wantSeq)
			}
		})
	}
}

// TestTenantMove moves a tenant's whole space, records and journal, to
// another tenant name: the hashes bind the tenant, so it does not verify
// there.
func TestTenantMove(t *testing.T) {
	t.Parallel()
	s, _ := newNotes(t)
	s.tenants["globex"] = s.tenants["acme"]
	delete(s.tenants, "acme")
	ws, err := aims.NewWorkspace(s, "globex", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ws.Verify(t.Context())
	var ce *aims.ChainError
	if !errors.As(err, &ce) || ce.Seq != 1 {
		t.Errorf("Verify of a moved tenant: %v; want a *ChainError at entry 1", err)
	}
}

func TestInvalidAttrs(t *testing.T) {
	t.Parallel()
	s := New()
	ctx := t.Context()
	_, err := s.Put(ctx, "acme", aims.Record{Kind: "k", ID: "i", Attrs: map[string]string{"": "x"}}, 0)
	if !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("Put with an empty attribute key: error = %v, want ErrInvalid", err)
	}
	_, err = s.Apply(ctx, "acme", aims.Batch{Writes: []aims.Write{{Record: aims.Record{Kind: "k", ID: "i", Attrs: map[string]string{"a\nb": "x"}}}}})
	if !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("Apply with a control character in an attribute key: error = %v, want ErrInvalid", err)
	}
	_, err = s.List(ctx, "acme", aims.Query{Kind: "k", Where: map[string]string{"": "x"}})
	if !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("List with an empty Where key: error = %v, want ErrInvalid", err)
	}
	if _, err := s.Get(ctx, "acme", "k", "i"); !errors.Is(err, aims.ErrNotFound) {
		t.Errorf("Get after refused writes: error = %v, want ErrNotFound", err)
	}
}

// TestApplyInOrder checks that a batch sees its own earlier writes.
func TestApplyInOrder(t *testing.T) {
	t.Parallel()
	s := New()
	ctx := t.Context()
	rec := aims.Record{Kind: "k", ID: "i", Data: []byte("1")}
	versions, err := s.Apply(ctx, "acme", aims.Batch{Writes: []aims.Write{
		{Record: rec, Expected: 0},
		{Record: aims.Record{Kind: "k", ID: "i", Data: []byte("2")}, Expected: 1},
		{Record: aims.Record{Kind: "k", ID: "j"}, Expected: 0},
		{Record: aims.Record{Kind: "k", ID: "j"}, Expected: 1, Delete: true},
	}})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if diff := cmp.Diff([]int64{1, 2, 1, 0}, versions); diff != "" {
		t.Errorf("versions (-want +got):\n%s", diff)
	}
	got, err := s.Get(ctx, "acme", "k", "i")
	if err != nil || got.Version != 2 || string(got.Data) != "2" {
		t.Errorf("Get = version %d data %q, %v; want 2 \"2\"", got.Version, got.Data, err)
	}
	if _, err := s.Get(ctx, "acme", "k", "j"); !errors.Is(err, aims.ErrNotFound) {
		t.Errorf("Get of a record created and deleted in one batch: error = %v, want ErrNotFound", err)
	}
	// Deleting twice in one batch fails as a whole.
	_, err = s.Apply(ctx, "acme", aims.Batch{Writes: []aims.Write{
		{Record: aims.Record{Kind: "k", ID: "i"}, Expected: 2, Delete: true},
		{Record: aims.Record{Kind: "k", ID: "i"}, Expected: 2, Delete: true},
	}})
	if !errors.Is(err, aims.ErrNotFound) {
		t.Errorf("double delete in a batch: error = %v, want ErrNotFound", err)
	}
	if _, err := s.Get(ctx, "acme", "k", "i"); err != nil {
		t.Errorf("Get after a refused batch: %v", err)
	}
}

// TestIndexOrder checks the sorted id index through deletes and
// re-inserts, against a sort of the map's keys.
func TestIndexOrder(t *testing.T) {
	t.Parallel()
	s := New()
	ctx := t.Context()
	live := map[string]int64{}
	for i := range 2000 {
		id := fmt.Sprintf("%x", (i*7919)%701)
		if v, ok := live[id]; ok && i%3 == 0 {
			if err := s.Delete(ctx, "t", "k", id, v); err != nil {
				t.Fatal(err)
			}
			delete(live, id)
			continue
		}
		v, err := s.Put(ctx, "t", aims.Record{Kind: "k", ID: id}, live[id])
		if err != nil {
			t.Fatal(err)
		}
		live[id] = v
	}
	k := s.tenants["t"].kinds["k"]
	ids := k.ids.all()
	if len(ids) != len(live) || k.ids.Len() != len(live) || len(k.recs) != len(live) {
		t.Fatalf("index holds %d ids (Len %d) and %d records, want %d", len(ids), k.ids.Len(), len(k.recs), len(live))
	}
	for i := 1; i < len(ids); i++ {
		if ids[i-1] >= ids[i] {
			t.Fatalf("index out of order at %d: %q, %q", i, ids[i-1], ids[i])
		}
	}
	for _, id := range ids {
		if _, ok := live[id]; !ok {
			t.Errorf("index holds deleted id %q", id)
		}
	}
}
