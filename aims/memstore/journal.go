package memstore

import "github.com/aimsgo/iso42001/aims"

// journalSegment is the number of entries of one segment of a [journal].
const journalSegment = 4096

// journal is a tenant's journal as a list of fixed-size segments, so
// that appending never copies the entries already kept: a single slice
// would copy all of them each time it grows. Entry i (0-based) has Seq
// i+1. The zero value is an empty journal.
type journal struct {
	segs [][]aims.Entry // every segment but the last is full
	n    int
}

// Len returns the number of entries.
func (j *journal) Len() int { return j.n }

// At returns a pointer to entry i, 0 <= i < Len.
func (j *journal) At(i int) *aims.Entry {
	return &j.segs[i/journalSegment][i%journalSegment]
}

// Append adds entries at the end.
func (j *journal) Append(entries []aims.Entry) {
	for len(entries) > 0 {
		if j.n%journalSegment == 0 {
			j.segs = append(j.segs, make([]aims.Entry, 0, journalSegment))
		}
		last := &j.segs[len(j.segs)-1]
		k := min(len(entries), journalSegment-len(*last))
		*last = append(*last, entries[:k]...)
		entries = entries[k:]
		j.n += k
	}
}

// Copy returns a copy of entries start to end-1, 0 <= start <= end <= Len.
func (j *journal) Copy(start, end int) []aims.Entry {
	if start >= end {
		return nil
	}
	out := make([]aims.Entry, 0, end-start)
	for start < end {
		seg := j.segs[start/journalSegment]
		off := start % journalSegment
		k := min(end-start, len(seg)-off)
		out = append(out, seg[off:off+k]...)
		start += k
	}
	return out
}
