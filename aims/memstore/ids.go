package memstore

import (
	"slices"
	"sort"
)

// idChunk bounds the ids of one chunk of an [idIndex]: an insert moves at
// most this many strings, and a split moves the chunk list, which is
// idChunk/2 times shorter than the ids.
const idChunk = 512

// idIndex is a set of ids kept in ascending byte order as a list of sorted
// chunks, each holding 1 to idChunk ids, the chunks in order. Inserting or
// deleting costs a binary search over the chunks' last ids, one within the
// chunk and a move of at most idChunk ids, instead of a move of half of
// all the ids in one sorted slice. The zero value is an empty set.
type idIndex struct {
	chunks [][]string
	n      int
}

// Len returns the number of ids.
func (x *idIndex) Len() int { return x.n }

// chunkFor returns the first chunk whose last id is >= id, or
// len(x.chunks) when id is above every id.
func (x *idIndex) chunkFor(id string) int {
	return sort.Search(len(x.chunks), func(i int) bool {
		c := x.chunks[i]
		return c[len(c)-1] >= id
	})
}

// Insert adds id; it reports whether id was new.
func (x *idIndex) Insert(id string) bool {
	if len(x.chunks) == 0 {
		x.chunks = append(x.chunks, append(make([]string, 0, idChunk), id))
		x.n++
		return true
	}
	ci := x.chunkFor(id)
	if ci == len(x.chunks) {
		ci-- // above every id: append to the last chunk
	}
	c := x.chunks[ci]
	i, found := slices.BinarySearch(c, id)
	if found {
		return false
	}
	if len(c) == idChunk {
		// Split the full chunk in two halves, each with room to grow,
		// and insert into the half id belongs to.
		right := append(make([]string, 0, idChunk), c[idChunk/2:]...)
		clear(c[idChunk/2:])
		c = c[:idChunk/2]
		x.chunks[ci] = c
		x.chunks = slices.Insert(x.chunks, ci+1, right)
		if i > idChunk/2 {
			ci, i = ci+1, i-idChunk/2
		}
	}
	x.chunks[ci] = slices.Insert(x.chunks[ci], i, id)
	x.n++
	return true
}

// Delete removes id; it reports whether id was there.
func (x *idIndex) Delete(id string) bool {
	ci := x.chunkFor(id)
	if ci == len(x.chunks) {
		return false
	}
	c := x.chunks[ci]
	i, found := slices.BinarySearch(c, id)
	if !found {
		return false
	}
	c = slices.Delete(c, i, i+1)
	if len(c) == 0 {
		x.chunks = slices.Delete(x.chunks, ci, ci+1)
	} else {
		x.chunks[ci] = c
	}
	x.n--
	return true
}

// After returns the ids strictly greater than after, in ascending order;
// the iteration stops when yield returns false.
func (x *idIndex) After(after string, yield func(id string) bool) {
	ci := sort.Search(len(x.chunks), func(i int) bool {
		c := x.chunks[i]
		return c[len(c)-1] > after
	})
	for ; ci < len(x.chunks); ci++ {
		c := x.chunks[ci]
		i, found := slices.BinarySearch(c, after)
		if found {
			i++
		}
		for _, id := range c[i:] {
			if !yield(id) {
				return
			}
		}
		after = "" // every id of the following chunks is greater
	}
}
