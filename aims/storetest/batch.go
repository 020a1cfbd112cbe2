package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/aimsgo/iso42001/aims"
)

// The batch path: an import of many records through [aims.Workspace.Bulk]
// and [aims.CreateMany], large enough to cross the multi-row statement
// sizes of a SQL store (hundreds of records, attributes and entries in one
// commit). Every store runs it; on a store that is neither a Transactor
// nor a ChainApplier the all-or-nothing cases are skipped.
func init() {
	cases = append(cases, testCase{"Batch", testBatch})
}

// batchSize is more than any multi-row statement of sqlstore holds, and
// not a power of two, so that every statement size and the one-row tail
// are used.
const batchSize = 301

func batchNotes(n int, prefix string) []*Note {
	out := make([]*Note, n)
	for i := range out {
		out[i] = &Note{Meta: aims.Meta{ID: fmt.Sprintf("%s-%04d", prefix, i)}, Title: fmt.Sprintf("note %d", i)}
		if i%3 != 0 { // some without attributes
			out[i].Owner = fmt.Sprintf("owner-%d", i%7)
		}
	}
	return out
}

func atomicStore(t *testing.T, s aims.Store) {
	t.Helper()
	_, tx := s.(aims.Transactor)
	_, ch := s.(aims.ChainApplier)
	if !tx && !ch {
		t.Skipf("%T is neither a Transactor nor a ChainApplier: a batch is not atomic", s)
	}
}

func testBatch(t *testing.T, h Harness) {
	t.Run("OneCommit", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		ctx := t.Context()
		ws := newWorkspace(t, s, tenantA)
		notes := batchNotes(batchSize, "n")
		n, err := aims.CreateMany(ctx, Notes(ws), "ana", notes, nil)
		if err != nil || n != batchSize {
			t.Fatalf("CreateMany = %d, %v; want %d, nil", n, err, batchSize)
		}
		for i, nt := range notes {
			if nt.Version != 1 {
				t.Fatalf("notes[%d].Version = %d after CreateMany, want 1", i, nt.Version)
			}
		}
		for _, i := range []int{0, 1, 150, batchSize - 1} {
			rec := get(t, s, tenantA, NoteKind, notes[i].ID)
			if rec.Version != 1 || rec.Attrs["owner"] != notes[i].Owner {
				t.Errorf("%s: version %d owner attr %q, want 1 %q", notes[i].ID, rec.Version, rec.Attrs["owner"], notes[i].Owner)
			}
		}
		var want []string
		for _, nt := range notes {
			if nt.Owner == "owner-1" {
				want = append(want, nt.ID)
			}
		}
		if got := listIDs(t, s, tenantA, aims.Query{Kind: NoteKind, Where: map[string]string{"owner": "owner-1"}}); !slices.Equal(got, want) {
			t.Errorf("List owner-1 after the batch = %v, want %v (the attribute index rows)", got, want)
		}
		wantHead(t, s, tenantA, batchSize)
		rep, err := ws.Verify(ctx)
		if err != nil || rep.Entries != batchSize || rep.Records != batchSize {
			t.Errorf("Verify after the batch = %+v, %v; want %d entries and records", rep, err, batchSize)
		}
		// Updates after a batch see version 1.
		notes[7].Body = "edited"
		if err := Notes(ws).Update(ctx, "ana", notes[7]); err != nil || notes[7].Version != 2 {
			t.Errorf("Update after the batch: version %d, %v; want 2, nil", notes[7].Version, err)
		}
	})
	t.Run("AllOrNothing", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		atomicStore(t, s)
		ctx := t.Context()
		ws := newWorkspace(t, s, tenantA)
		if err := Notes(ws).Create(ctx, "ana", &Note{Meta: aims.Meta{ID: "n-0200"}, Title: "already here"}); err != nil {
			t.Fatal(err)
		}
		notes := batchNotes(batchSize, "n")
		n, err := aims.CreateMany(ctx, Notes(ws), "ana", notes, nil)
		if !errors.Is(err, aims.ErrConflict) || n != 0 {
			t.Fatalf("CreateMany over an existing record = %d, %v; want 0 and ErrConflict", n, err)
		}
		var oe *aims.Error
		if !errors.As(err, &oe) || oe.ID != "n-0200" {
			t.Errorf("CreateMany error %v does not name the existing record n-0200", err)
		}
		wantHead(t, s, tenantA, 1)
		wantNotFound(t, s, tenantA, NoteKind, "n-0000")
		wantNotFound(t, s, tenantA, NoteKind, "n-0300")
		if notes[0].Version != 0 || notes[0].CreatedBy != "" {
			t.Errorf("notes[0] after a refused batch: version %d createdBy %q, want its header back", notes[0].Version, notes[0].CreatedBy)
		}
		if rep, err := ws.Verify(ctx); err != nil || rep.Records != 1 {
			t.Errorf("Verify after a refused batch = %+v, %v; want 1 record", rep, err)
		}
	})
	t.Run("InvalidBeforeFirstWrite", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		ctx := t.Context()
		ws := newWorkspace(t, s, tenantA)
		notes := batchNotes(batchSize, "n")
		notes[250].Title = ""
		n, err := aims.CreateMany(ctx, Notes(ws), "ana", notes, &aims.BulkOptions{Chunk: 50})
		if !errors.Is(err, aims.ErrInvalid) || n != 0 {
			t.Fatalf("CreateMany with an invalid record = %d, %v; want 0 and ErrInvalid", n, err)
		}
		var ve *aims.ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) == 0 || ve.Problems[0].Path != "title" {
			t.Errorf("error %v does not name the field", err)
		}
		wantHead(t, s, tenantA, 0)
		notes = batchNotes(5, "d")
		notes[3].ID = notes[1].ID
		if n, err := aims.CreateMany(ctx, Notes(ws), "ana", notes, nil); !errors.Is(err, aims.ErrConflict) || n != 0 {
			t.Errorf("CreateMany with a duplicate id = %d, %v; want 0 and ErrConflict", n, err)
		}
		wantHead(t, s, tenantA, 0)
	})
	t.Run("Chunks", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		atomicStore(t, s)
		ctx := t.Context()
		ws := newWorkspace(t, s, tenantA)
		// A record of the fourth chunk exists: the first three commit.
		if err := Notes(ws).Create(ctx, "ana", &Note{Meta: aims.Meta{ID: "n-0160"}, Title: "already here"}); err != nil {
			t.Fatal(err)
		}
		b, err := ws.Bulk(&aims.BulkOptions{Chunk: 50})
		if err != nil {
			t.Fatal(err)
		}
		notes := batchNotes(batchSize, "n")
		var stageErr error
		for _, nt := range notes {
			if stageErr = b.Stage(ctx, func(tx *aims.Tx) error { return aims.CreateIn(ctx, tx, Notes(ws), "ana", nt) }); stageErr != nil {
				break
			}
		}
		if !errors.Is(stageErr, aims.ErrConflict) {
			t.Fatalf("Stage error = %v, want ErrConflict from the fourth chunk", stageErr)
		}
		if b.Committed() != 150 || b.Chunks() != 3 {
			t.Errorf("Committed %d in %d chunks, want 150 in 3", b.Committed(), b.Chunks())
		}
		if err := b.Flush(ctx); !errors.Is(err, aims.ErrConflict) {
			t.Errorf("Flush after a failed chunk = %v, want the chunk's error", err)
		}
		wantHead(t, s, tenantA, 151)
		get(t, s, tenantA, NoteKind, "n-0149")
		wantNotFound(t, s, tenantA, NoteKind, "n-0150")
		if rep, err := ws.Verify(ctx); err != nil || rep.Records != 151 {
			t.Errorf("Verify after a partial import = %+v, %v; want 151 records", rep, err)
		}
	})
	t.Run("DuplicateInBatch", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		tx, ok := s.(aims.Transactor)
		if !ok {
			t.Skipf("%T does not implement aims.Transactor", s)
		}
		// 100 creates, then the 40th created again, then 20 more: the
		// repeat conflicts and nothing of the batch is written.
		var b aims.Batch
		for i := range 100 {
			b.Writes = append(b.Writes, aims.Write{Record: record(kindX, fmt.Sprintf("d-%03d", i), "x", map[string]string{"v": "1"})})
		}
		b.Writes = append(b.Writes, aims.Write{Record: record(kindX, "d-040", "again", nil)})
		for i := 100; i < 120; i++ {
			b.Writes = append(b.Writes, aims.Write{Record: record(kindX, fmt.Sprintf("d-%03d", i), "x", nil)})
		}
		b.Entries = entries(nil, len(b.Writes), "ana")
		_, err := tx.Apply(t.Context(), tenantA, b)
		wantErr(t, "Apply creating a record twice", err, aims.ErrConflict)
		wantNotFound(t, s, tenantA, kindX, "d-000")
		wantNotFound(t, s, tenantA, kindX, "d-119")
		wantHead(t, s, tenantA, 0)
		if got := listIDs(t, s, tenantA, aims.Query{Kind: kindX, Where: map[string]string{"v": "1"}}); len(got) != 0 {
			t.Errorf("attribute index after a refused batch lists %d records", len(got))
		}
		// The same batch without the repeat applies, versions all 1.
		b.Writes = append(b.Writes[:100], b.Writes[101:]...)
		b.Entries = entries(nil, len(b.Writes), "ana")
		versions, err := tx.Apply(t.Context(), tenantA, b)
		if err != nil {
			t.Fatalf("Apply: %v", err)
		}
		for i, v := range versions {
			if v != 1 {
				t.Fatalf("versions[%d] = %d, want 1", i, v)
			}
		}
		wantHead(t, s, tenantA, uint64(len(b.Writes)))
		if got := listIDs(t, s, tenantA, aims.Query{Kind: kindX, Where: map[string]string{"v": "1"}}); len(got) != 100 {
			t.Errorf("attribute index lists %d records with v=1, want 100", len(got))
		}
	})
	t.Run("StageTakesBack", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		ctx := t.Context()
		ws := newWorkspace(t, s, tenantA)
		b, err := ws.Bulk(nil)
		if err != nil {
			t.Fatal(err)
		}
		good, bad := &Note{Meta: aims.Meta{ID: "g"}, Title: "good"}, &Note{Meta: aims.Meta{ID: "b"}}
		err = b.Stage(ctx, func(tx *aims.Tx) error {
			if err := aims.CreateIn(ctx, tx, Notes(ws), "ana", good); err != nil {
				return err
			}
			return aims.CreateIn(ctx, tx, Notes(ws), "ana", bad)
		})
		if !errors.Is(err, aims.ErrInvalid) || b.Pending() != 0 || good.Version != 0 {
			t.Errorf("Stage with a bad second record = %v, pending %d, good.Version %d; want ErrInvalid, 0, 0", err, b.Pending(), good.Version)
		}
		if err := b.Stage(ctx, func(tx *aims.Tx) error { return aims.CreateIn(ctx, tx, Notes(ws), "ana", good) }); err != nil {
			t.Fatal(err)
		}
		if err := b.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		wantHead(t, s, tenantA, 1)
		if _, err := ws.Bulk(&aims.BulkOptions{Chunk: -1}); !errors.Is(err, aims.ErrInvalid) {
			t.Errorf("Bulk with a negative chunk: %v, want ErrInvalid", err)
		}
	})
}
