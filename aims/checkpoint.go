package aims

import (
	"bytes"
	"cmp"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Checkpoint is a signed statement that a tenant's journal had, at Time, the
// entry Seq with hash Hash as its head. Kept outside the store (a file, a
// ticket, another system), it anchors the hash chain: someone able to
// rewrite the database can cut the journal's tail, wipe the tenant or
// rebuild the whole chain with fresh hashes, but cannot make the journal
// hold the signed entry again without the private key. See
// [Workspace.Checkpoint] and [VerifyOptions.Checkpoints].
//
// Its JSON form is stable: lowerCamelCase fields, Time in RFC 3339 with
// nanoseconds, PublicKey and Signature in standard base64.
type Checkpoint struct {
	Tenant string    `json:"tenant"`
	Seq    uint64    `json:"seq"`
	Hash   string    `json:"hash"`
	Time   time.Time `json:"time"`
	// PublicKey is the Ed25519 public key of the signer, so that a reader
	// can tell which key to trust; verification uses the caller's keys,
	// never this one on its own say.
	PublicKey []byte `json:"publicKey"`
	// Signature is the Ed25519 signature of [Checkpoint.SignedBytes].
	Signature []byte `json:"signature"`
}

// checkpointDomain separates checkpoint signatures from any other use of
// the key.
const checkpointDomain = "iso42001/checkpoint/v1"

// SignedBytes returns what the signature covers: the domain tag
// "iso42001/checkpoint/v1", then Tenant, Seq (decimal), Hash and Time
// (RFC 3339, UTC, nanoseconds), each as a big-endian uint32 length followed
// by its bytes.
func (c *Checkpoint) SignedBytes() []byte {
	var b []byte
	b = appendField(b, checkpointDomain)
	b = appendField(b, c.Tenant)
	b = appendField(b, strconv.FormatUint(c.Seq, 10))
	b = appendField(b, c.Hash)
	b = appendField(b, c.Time.UTC().Format(time.RFC3339Nano))
	return b
}

// VerifySignature reports whether c is signed by one of keys; the error
// matches [ErrInvalid] and says why not.
func (c *Checkpoint) VerifySignature(keys ...ed25519.PublicKey) error {
	if len(keys) == 0 {
		return Invalid("keys", "at least one trusted public key is required to verify a checkpoint")
	}
	msg := c.SignedBytes()
	for i, k := range keys {
		if len(k) != ed25519.PublicKeySize {
			return Invalid(fmt.Sprintf("keys[%d]", i), fmt.Sprintf("must be an Ed25519 public key of %d bytes, got %d", ed25519.PublicKeySize, len(k)))
		}
		if len(c.Signature) == ed25519.SignatureSize && ed25519.Verify(k, msg, c.Signature) {
			return nil
		}
	}
	return Invalid("signature", fmt.Sprintf("does not verify with any trusted key (the checkpoint names key %s)", hex.EncodeToString(c.PublicKey)))
}

// Validate checks the fields' form (not the signature), naming each bad
// field; the error matches [ErrInvalid].
func (c *Checkpoint) Validate() error {
	var p Problems
	if !ValidName(c.Tenant) {
		p.Addf("tenant", "must be 1-%d printable bytes, got %q", maxName, c.Tenant)
	}
	if c.Seq == 0 {
		p.Add("seq", "must be at least 1")
	}
	if !isHexHash(c.Hash) {
		p.Addf("hash", "must be 64 lowercase hex digits, got %q", c.Hash)
	}
	if c.Time.IsZero() {
		p.Add("time", "is required")
	}
	if len(c.PublicKey) != ed25519.PublicKeySize {
		p.Addf("publicKey", "must be %d bytes, got %d", ed25519.PublicKeySize, len(c.PublicKey))
	}
	if len(c.Signature) != ed25519.SignatureSize {
		p.Addf("signature", "must be %d bytes, got %d", ed25519.SignatureSize, len(c.Signature))
	}
	return p.Err()
}

func isHexHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// ParseCheckpoint reads a checkpoint from its JSON form strictly (unknown
// fields and trailing data are refused) and validates its fields; it does
// not check the signature. Errors match [ErrInvalid].
func ParseCheckpoint(data []byte) (Checkpoint, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Checkpoint
	if err := dec.Decode(&c); err != nil {
		return Checkpoint{}, Invalid("checkpoint", "is not valid checkpoint JSON: "+err.Error())
	}
	if dec.More() {
		return Checkpoint{}, Invalid("checkpoint", "has data after the JSON object")
	}
	if err := c.Validate(); err != nil {
		return Checkpoint{}, err
	}
	return c, nil
}

// checkCheckpoints validates cps for tenant and returns them sorted by Seq.
func checkCheckpoints(tenant string, cps []Checkpoint, keys []ed25519.PublicKey) ([]Checkpoint, error) {
	if len(cps) == 0 {
		return nil, nil
	}
	var p Problems
	for i := range cps {
		c := &cps[i]
		path := fmt.Sprintf("checkpoints[%d]", i)
		if err := c.Validate(); err != nil {
			p.Merge(path, err)
			continue
		}
		if c.Tenant != tenant {
			p.Addf(path+".tenant", "is %q, but this workspace is tenant %q", c.Tenant, tenant)
			continue
		}
		if err := c.VerifySignature(keys...); err != nil {
			p.Merge(path, err)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	out := slices.Clone(cps)
	slices.SortStableFunc(out, func(a, b Checkpoint) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// Checkpoint verifies the journal as [Workspace.VerifyWith] does with opts
// (nil for a full verification; pass the previous checkpoint with
// Incremental to pay only for the entries since), then signs its head with
// key at the workspace clock's time. The private key never leaves the
// caller. It refuses to sign a journal that does not verify, and returns
// an error matching [ErrNotFound] when the journal is empty.
func (ws *Workspace) Checkpoint(ctx context.Context, key ed25519.PrivateKey, opts *VerifyOptions) (Checkpoint, error) {
	if len(key) != ed25519.PrivateKeySize {
		return Checkpoint{}, Invalid("key", fmt.Sprintf("must be an Ed25519 private key of %d bytes, got %d", ed25519.PrivateKeySize, len(key)))
	}
	_, head, err := ws.verify(ctx, opts)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint: the journal does not verify, refusing to sign it: %w", err)
	}
	if head == nil {
		return Checkpoint{}, fmt.Errorf("checkpoint of tenant %q: %w", ws.tenant, errEmptyJournal)
	}
	c := Checkpoint{
		Tenant:    ws.tenant,
		Seq:       head.Seq,
		Hash:      head.Hash,
		Time:      ws.Now(),
		PublicKey: bytes.Clone(key.Public().(ed25519.PublicKey)),
	}
	c.Signature = ed25519.Sign(key, c.SignedBytes())
	return c, nil
}

var errEmptyJournal = fmt.Errorf("the journal is empty, there is nothing to sign: %w", ErrNotFound)
