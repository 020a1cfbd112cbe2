package aims_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/aims/storetest"
)

var cpKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize))

func cpPublic() []ed25519.PublicKey { return []ed25519.PublicKey{cpKey.Public().(ed25519.PublicKey)} }

// TestCheckpointSignedBytes checks SignedBytes against an independent
// reading of its documented encoding.
func TestCheckpointSignedBytes(t *testing.T) {
	t.Parallel()
	c := aims.Checkpoint{Tenant: "acme", Seq: 42, Hash: aims.GenesisHash, Time: time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("CET", 3600))}
	var want []byte
	for _, f := range []string{"iso42001/checkpoint/v1", "acme", "42", aims.GenesisHash, "2026-01-02T02:04:05.000000006Z"} {
		want = binary.BigEndian.AppendUint32(want, uint32(len(f)))
		want = append(want, f...)
	}
	if diff := cmp.Diff(want, c.SignedBytes()); diff != "" {
		t.Errorf("SignedBytes (-want +got):\n%s", diff)
	}
}

func TestParseCheckpointRefuses(t *testing.T) {
	t.Parallel()
	good := aims.Checkpoint{Tenant: "acme", Seq: 1, Hash: aims.GenesisHash, Time: jtTime, PublicKey: cpPublic()[0]}
	good.Signature = ed25519.Sign(cpKey, good.SignedBytes())
	data, err := json.Marshal(good)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		input string
		paths []string
	}{
		{"NotJSON", "{", []string{"checkpoint"}},
		{"UnknownField", `{"tenant":"acme","extra":1}`, []string{"checkpoint"}},
		{"Trailing", string(data) + `{}`, []string{"checkpoint"}},
		{"Empty", `{}`, []string{"tenant", "seq", "hash", "time", "publicKey", "signature"}},
		{"BadHash", `{"tenant":"acme","seq":1,"hash":"ABC","time":"2026-01-01T00:00:00Z","publicKey":"","signature":""}`, []string{"hash", "publicKey", "signature"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := aims.ParseCheckpoint([]byte(tc.input))
			var ve *aims.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("ParseCheckpoint: error = %v, want a *ValidationError", err)
			}
			var paths []string
			for _, p := range ve.Problems {
				paths = append(paths, p.Path)
			}
			if diff := cmp.Diff(tc.paths, paths); diff != "" {
				t.Errorf("problem paths (-want +got):\n%s", diff)
			}
		})
	}
	back, err := aims.ParseCheckpoint(data)
	if err != nil || back.VerifySignature(cpPublic()...) != nil {
		t.Errorf("ParseCheckpoint of a good checkpoint = %v; signature: %v", err, back.VerifySignature(cpPublic()...))
	}
}

// FuzzParseCheckpoint: no panic, and whatever parses survives a JSON round
// trip unchanged.
func FuzzParseCheckpoint(f *testing.F) {
	good := aims.Checkpoint{Tenant: "acme", Seq: 7, Hash: aims.GenesisHash, Time: jtTime, PublicKey: cpPublic()[0]}
	good.Signature = ed25519.Sign(cpKey, good.SignedBytes())
	data, _ := json.Marshal(good)
	f.Add(data)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"tenant":"a","seq":18446744073709551615}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := aims.ParseCheckpoint(in)
		if err != nil {
			if !errors.Is(err, aims.ErrInvalid) {
				t.Fatalf("ParseCheckpoint error %v does not match ErrInvalid", err)
			}
			return
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		again, err := aims.ParseCheckpoint(out)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if diff := cmp.Diff(c, again); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

// cpWorkspace returns a memstore workspace whose journal holds n creates.
func cpWorkspace(tb testing.TB, n int) *aims.Workspace {
	tb.Helper()
	ws, err := aims.NewWorkspace(memstore.New(), "acme", &aims.Options{Clock: func() time.Time { return jtTime }})
	if err != nil {
		tb.Fatal(err)
	}
	notes := storetest.Notes(ws)
	for i := range n {
		note := &storetest.Note{Title: "note", Owner: "ana"}
		note.ID = fmt.Sprintf("n-%06d", i)
		if err := notes.Create(tb.Context(), "ana", note); err != nil {
			tb.Fatal(err)
		}
	}
	return ws
}

func TestCheckpointRefusesBadKey(t *testing.T) {
	t.Parallel()
	ws := cpWorkspace(t, 1)
	if _, err := ws.Checkpoint(t.Context(), ed25519.PrivateKey{1, 2, 3}, nil); !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("Checkpoint with a short key: error = %v, want ErrInvalid", err)
	}
	if _, err := ws.VerifyWith(t.Context(), &aims.VerifyOptions{Keys: []ed25519.PublicKey{{1}}, Checkpoints: []aims.Checkpoint{{}}}); !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("VerifyWith an empty checkpoint: error = %v, want ErrInvalid", err)
	}
}

// The checkpoint benchmarks: a journal of cpBenchEntries creates, with a
// checkpoint cpBenchNew entries before the head. Full verification reads
// and checks everything; incremental reads only the new entries and their
// records. The baseline is the floor of the incremental work: reading the
// new entries and chaining them, with no record check.
const (
	cpBenchEntries = 10_000
	cpBenchNew     = 100
)

func cpBenchFixture(b *testing.B) (*aims.Workspace, *aims.VerifyOptions) {
	ws := cpWorkspace(b, cpBenchEntries-cpBenchNew)
	cp, err := ws.Checkpoint(b.Context(), cpKey, nil)
	if err != nil {
		b.Fatal(err)
	}
	notes := storetest.Notes(ws)
	for i := range cpBenchNew {
		note := &storetest.Note{Title: "new", Owner: "bob"}
		note.ID = fmt.Sprintf("m-%06d", i)
		if err := notes.Create(b.Context(), "bob", note); err != nil {
			b.Fatal(err)
		}
	}
	return ws, &aims.VerifyOptions{Checkpoints: []aims.Checkpoint{cp}, Keys: cpPublic(), Incremental: true}
}

func BenchmarkVerifyFull(b *testing.B) {
	ws, _ := cpBenchFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ws.Verify(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyIncremental(b *testing.B) {
	ws, opts := cpBenchFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := ws.VerifyWith(b.Context(), opts)
		if err != nil || rep.Entries != cpBenchNew {
			b.Fatal(rep, err)
		}
	}
}

func BenchmarkBaselineChainNewEntries(b *testing.B) {
	ws, opts := cpBenchFixture(b)
	from := opts.Checkpoints[0].Seq
	b.ReportAllocs()
	for b.Loop() {
		es, err := ws.Store().ReadJournal(b.Context(), "acme", from, aims.MaxPageSize)
		if err != nil {
			b.Fatal(err)
		}
		if err := aims.Chain("acme", &es[0], es[1:]); err != nil {
			b.Fatal(err)
		}
	}
}
