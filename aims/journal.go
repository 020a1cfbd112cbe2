package aims

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// GenesisHash is the Prev of a tenant's first journal entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// entryDomain separates journal hashes from any other SHA-256 use.
const entryDomain = "iso42001/journal/v1"

// EntryHash returns the hex SHA-256 of e's canonical encoding: the domain
// tag, then Seq, Time (RFC 3339, UTC, nanoseconds), Actor, Kind, ID, Event,
// From, To, Version, Digest and Prev, each as a big-endian uint32 length
// followed by its UTF-8 bytes. e.Hash is not part of it.
func EntryHash(e *Entry) string {
	var hexSum [2 * sha256.Size]byte
	entryHex(&hexSum, e)
	return string(hexSum[:])
}

// entryHex writes the lowercase hex of e's hash into dst without
// allocating, so that Chain can verify long journals at close to the speed
// of SHA-256 itself.
func entryHex(dst *[2 * sha256.Size]byte, e *Entry) {
	var scratch [512]byte
	sum := sha256.Sum256(appendCanonical(scratch[:0], e))
	hex.Encode(dst[:], sum[:])
}

func appendCanonical(b []byte, e *Entry) []byte {
	b = appendField(b, entryDomain)
	var num [20]byte
	b = appendBytesField(b, strconv.AppendUint(num[:0], e.Seq, 10))
	var ts [40]byte
	b = appendBytesField(b, e.Time.UTC().AppendFormat(ts[:0], time.RFC3339Nano))
	b = appendField(b, e.Actor)
	b = appendField(b, e.Kind)
	b = appendField(b, e.ID)
	b = appendField(b, e.Event)
	b = appendField(b, e.From)
	b = appendField(b, e.To)
	b = appendBytesField(b, strconv.AppendInt(num[:0], e.Version, 10))
	b = appendField(b, e.Digest)
	b = appendField(b, e.Prev)
	return b
}

func appendField(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func appendBytesField(b []byte, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// Digest returns the hex SHA-256 of a record's data, as journal entries
// carry it.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Seal links e after prev (nil for the first entry): it sets Seq, Prev and
// Hash. Time and the other fields must be set first.
func Seal(e *Entry, prev *Entry) {
	if prev == nil {
		e.Seq, e.Prev = 1, GenesisHash
	} else {
		e.Seq, e.Prev = prev.Seq+1, prev.Hash
	}
	e.Hash = EntryHash(e)
}

// ChainError reports the first journal entry that does not verify.
type ChainError struct {
	Seq    uint64 // the first broken entry (the expected Seq when one is missing)
	Kind   string // the entry's record kind, when known
	ID     string // the entry's record id, when known
	Reason string
}

func (e *ChainError) Error() string {
	if e.Kind != "" {
		return fmt.Sprintf("journal entry %d (%s/%s): %s", e.Seq, e.Kind, e.ID, e.Reason)
	}
	return fmt.Sprintf("journal entry %d: %s", e.Seq, e.Reason)
}

// Is reports whether target is [ErrTampered].
func (e *ChainError) Is(target error) bool { return target == ErrTampered }

// Chain checks a run of entries that should directly follow prev (nil at the
// start of the journal). It returns the first broken link as a *ChainError,
// or nil.
func Chain(prev *Entry, entries []Entry) error {
	for i := range entries {
		e := &entries[i]
		wantSeq, wantPrev := uint64(1), GenesisHash
		if prev != nil {
			wantSeq, wantPrev = prev.Seq+1, prev.Hash
		}
		switch {
		case e.Seq != wantSeq:
			return &ChainError{Seq: wantSeq, Kind: e.Kind, ID: e.ID,
				Reason: fmt.Sprintf("sequence gap: found entry %d where %d belongs (entries deleted, inserted or reordered)", e.Seq, wantSeq)}
		case e.Prev != wantPrev:
			return &ChainError{Seq: e.Seq, Kind: e.Kind, ID: e.ID,
				Reason: "link to the previous entry is broken (an earlier entry was changed, removed or reordered)"}
		case !hashMatches(e):
			return &ChainError{Seq: e.Seq, Kind: e.Kind, ID: e.ID,
				Reason: "entry content does not match its hash (the entry was edited)"}
		}
		prev = e
	}
	return nil
}

// hashMatches reports whether e.Hash is EntryHash(e), without allocating
// (the compiler does not copy for a string(bytes) comparison).
func hashMatches(e *Entry) bool {
	var h [2 * sha256.Size]byte
	entryHex(&h, e)
	return string(h[:]) == e.Hash
}

// VerifyJournal reads a tenant's whole journal from s in pages and checks
// every link. It returns the number of entries verified and, when the chain
// is broken, a *ChainError for the first broken entry.
func VerifyJournal(ctx context.Context, s Store, tenant string) (int, error) {
	var prev *Entry
	n := 0
	from := uint64(1)
	for {
		page, err := s.ReadJournal(ctx, tenant, from, MaxPageSize)
		if err != nil {
			return n, err
		}
		if len(page) == 0 {
			return n, nil
		}
		if err := Chain(prev, page); err != nil {
			return n, err
		}
		n += len(page)
		last := page[len(page)-1]
		prev = &last
		from = last.Seq + 1
	}
}
