package aims

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// GenesisHash is the Prev of a tenant's first journal entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// entryDomain separates journal hashes from any other SHA-256 use. Version
// 2 of the chain format binds the tenant into every hash.
const entryDomain = "iso42001/journal/v2"

// EntryHash returns the hex SHA-256 of e's canonical encoding in tenant's
// journal: the domain tag "iso42001/journal/v2", then tenant, Seq, Time
// (RFC 3339, UTC, nanoseconds), Actor, Kind, ID, Event, From, To, Version,
// Digest and Prev, each as a big-endian uint32 length followed by its UTF-8
// bytes (numbers in decimal). e.Hash is not part of it. Because the tenant
// is hashed, a journal copied into another tenant no longer verifies.
func EntryHash(tenant string, e *Entry) string {
	var hexSum [2 * sha256.Size]byte
	entryHex(&hexSum, tenant, e)
	return string(hexSum[:])
}

// entryHex writes the lowercase hex of e's hash into dst without
// allocating, so that Chain can verify long journals at close to the speed
// of SHA-256 itself.
func entryHex(dst *[2 * sha256.Size]byte, tenant string, e *Entry) {
	var scratch [768]byte
	sum := sha256.Sum256(appendCanonical(scratch[:0], tenant, e))
	hex.Encode(dst[:], sum[:])
}

func appendCanonical(b []byte, tenant string, e *Entry) []byte {
	b = appendField(b, entryDomain)
	b = appendField(b, tenant)
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

// Digest returns the hex SHA-256 of data. Journal entries of deletes carry
// Digest(nil); entries of puts carry [RecordDigest].
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// recordDomain separates record digests from any other SHA-256 use.
const recordDomain = "iso42001/record/v1"

// RecordDigest returns the hex SHA-256 of what a store keeps of rec: the
// domain tag "iso42001/record/v1", Data, the number of attributes, then
// each attribute's key and value in ascending byte order of key, each
// string as a big-endian uint32 length followed by its bytes. Kind, ID and
// Version are not part of it (the entry carries them). [Workspace.Commit]
// puts it in the entry of every record it writes, so that an edit to the
// stored attributes, which List filters on, is as evident as an edit to
// the document.
func RecordDigest(rec Record) string {
	h := sha256.New()
	var scratch [256]byte
	b := appendField(scratch[:0], recordDomain)
	b = binary.BigEndian.AppendUint32(b, uint32(len(rec.Data)))
	h.Write(b)
	h.Write(rec.Data)
	keys := make([]string, 0, len(rec.Attrs))
	for k := range rec.Attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = binary.BigEndian.AppendUint32(scratch[:0], uint32(len(keys)))
	for _, k := range keys {
		b = appendField(b, k)
		b = appendField(b, rec.Attrs[k])
		h.Write(b)
		b = b[:0]
	}
	h.Write(b)
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}

// Seal links e after prev (nil for the first entry) in tenant's journal: it
// sets Seq, Prev and Hash. Time and the other fields must be set first.
func Seal(tenant string, e *Entry, prev *Entry) {
	if prev == nil {
		SealAfter(tenant, e, 0, GenesisHash)
		return
	}
	SealAfter(tenant, e, prev.Seq, prev.Hash)
}

// SealAfter links e after the entry whose Seq and Hash are given (0 and
// [GenesisHash] for an empty journal); a store holding only the head's
// Seq and Hash can seal with it.
func SealAfter(tenant string, e *Entry, seq uint64, hash string) {
	e.Seq, e.Prev = seq+1, hash
	e.Hash = EntryHash(tenant, e)
}

// ChainError reports the first journal entry that does not verify, or a
// stored record that the journal does not account for.
type ChainError struct {
	// Seq is the first broken entry (the expected Seq when one is
	// missing); 0 for a record that no journal entry mentions.
	Seq    uint64
	Kind   string // the entry's record kind, when known
	ID     string // the entry's record id, when known
	Reason string
}

func (e *ChainError) Error() string {
	if e.Seq == 0 && e.Kind != "" {
		return fmt.Sprintf("record %s/%s: %s", e.Kind, e.ID, e.Reason)
	}
	if e.Kind != "" {
		return fmt.Sprintf("journal entry %d (%s/%s): %s", e.Seq, e.Kind, e.ID, e.Reason)
	}
	return fmt.Sprintf("journal entry %d: %s", e.Seq, e.Reason)
}

// Is reports whether target is [ErrTampered].
func (e *ChainError) Is(target error) bool { return target == ErrTampered }

// Chain checks a run of tenant's entries that should directly follow prev
// (nil at the start of the journal). It returns the first broken link as a
// *ChainError, or nil.
func Chain(tenant string, prev *Entry, entries []Entry) error {
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
		case !hashMatches(tenant, e):
			return &ChainError{Seq: e.Seq, Kind: e.Kind, ID: e.ID,
				Reason: "entry content does not match its hash (the entry was edited, or copied from another tenant)"}
		}
		prev = e
	}
	return nil
}

// hashMatches reports whether e.Hash is EntryHash(tenant, e), without allocating
// (the compiler does not copy for a string(bytes) comparison).
func hashMatches(tenant string, e *Entry) bool {
	var h [2 * sha256.Size]byte
	entryHex(&h, tenant, e)
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
		if err := Chain(tenant, prev, page); err != nil {
			return n, err
		}
		n += len(page)
		last := page[len(page)-1]
		prev = &last
		from = last.Seq + 1
	}
}
