package memstore

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aimsgo/iso42001/aims"
)

// all returns every id of x in order.
func (x *idIndex) all() []string {
	var out []string
	x.After("", func(id string) bool { out = append(out, id); return true })
	return out
}

// indexOf returns an index holding ids.
func indexOf(ids ...string) idIndex {
	var x idIndex
	for _, id := range ids {
		x.Insert(id)
	}
	return x
}

// edit returns a tamper function that rewrites a copy of the tenant's
// journal entries with fn and stores the result as the journal.
func edit(fn func(j []aims.Entry) []aims.Entry) func(sp *space) {
	return func(sp *space) {
		es := fn(sp.journal.Copy(0, sp.journal.Len()))
		sp.journal = journal{}
		sp.journal.Append(es)
	}
}

// TestIDIndex checks inserts, deletes and cursors of the chunked index
// against a sorted slice, over enough ids to split and empty chunks.
func TestIDIndex(t *testing.T) {
	t.Parallel()
	var x idIndex
	var want []string
	check := func(step string) {
		t.Helper()
		if got := x.all(); !slices.Equal(got, want) {
			t.Fatalf("%s: index holds %d ids, want %d (first difference near %v)", step, len(got), len(want), firstDiff(got, want))
		}
		if x.Len() != len(want) {
			t.Fatalf("%s: Len = %d, want %d", step, x.Len(), len(want))
		}
		for ci, c := range x.chunks {
			if len(c) == 0 || len(c) > idChunk {
				t.Fatalf("%s: chunk %d holds %d ids", step, ci, len(c))
			}
		}
	}
	for i := range 5 * idChunk {
		id := fmt.Sprintf("%05d", (i*7919)%(5*idChunk))
		if !x.Insert(id) {
			t.Fatalf("Insert(%q) of a new id = false", id)
		}
		j, _ := slices.BinarySearch(want, id)
		want = slices.Insert(want, j, id)
		if x.Insert(id) {
			t.Fatalf("Insert(%q) again = true", id)
		}
	}
	check("after inserts")
	// Cursors: every id, one below every id, and past the end.
	for _, after := range []string{"", want[0], want[idChunk], want[len(want)-1], "00100x", "99999"} {
		var got []string
		x.After(after, func(id string) bool { got = append(got, id); return len(got) < 3 })
		i, found := slices.BinarySearch(want, after)
		if found {
			i++
		}
		exp := want[i:min(len(want), i+3)]
		if !slices.Equal(got, exp) && !(len(got) == 0 && len(exp) == 0) {
			t.Errorf("After(%q) = %v, want %v", after, got, exp)
		}
	}
	// Delete all but every 7th id, emptying whole chunks.
	for i := len(want) - 1; i >= 0; i-- {
		if i%7 == 0 {
			continue
		}
		if !x.Delete(want[i]) {
			t.Fatalf("Delete(%q) = false", want[i])
		}
		if x.Delete(want[i]) {
			t.Fatalf("Delete(%q) again = true", want[i])
		}
		want = slices.Delete(want, i, i+1)
	}
	check("after deletes")
	if x.Delete("nope") || x.Delete("") || x.Delete("zzzzz") {
		t.Error("Delete of a missing id = true")
	}
	for _, id := range slices.Clone(want) {
		x.Delete(id)
	}
	want = nil
	check("emptied")
	if len(x.chunks) != 0 {
		t.Errorf("an empty index keeps %d chunks", len(x.chunks))
	}
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("%d: %q != %q", i, a[i], b[i])
		}
	}
	return fmt.Sprintf("length %d vs %d", len(a), len(b))
}

// TestJournalSegments appends across segment boundaries in uneven batches
// and reads back every range that crosses one.
func TestJournalSegments(t *testing.T) {
	t.Parallel()
	var j journal
	n := 2*journalSegment + 17
	for i := 0; i < n; {
		k := min(n-i, 1+i%1000)
		batch := make([]aims.Entry, k)
		for b := range batch {
			batch[b].Seq = uint64(i + b + 1)
		}
		j.Append(batch)
		i += k
	}
	if j.Len() != n {
		t.Fatalf("Len = %d, want %d", j.Len(), n)
	}
	for _, r := range [][2]int{{0, n}, {journalSegment - 1, journalSegment + 1}, {journalSegment, 2 * journalSegment}, {n - 1, n}, {5, 5}} {
		got := j.Copy(r[0], r[1])
		if len(got) != r[1]-r[0] {
			t.Fatalf("Copy(%d, %d) returned %d entries", r[0], r[1], len(got))
		}
		for i, e := range got {
			if e.Seq != uint64(r[0]+i+1) {
				t.Fatalf("Copy(%d, %d)[%d].Seq = %d", r[0], r[1], i, e.Seq)
			}
		}
	}
	if got := j.At(n - 1).Seq; got != uint64(n) {
		t.Errorf("At(last).Seq = %d, want %d", got, n)
	}
}
