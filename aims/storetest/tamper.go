package storetest

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
)

// tamperKey signs the checkpoints of the tamper cases; otherKey is a key
// nobody trusts.
var (
	tamperKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	otherKey  = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
)

func trusted() []ed25519.PublicKey {
	return []ed25519.PublicKey{tamperKey.Public().(ed25519.PublicKey)}
}

// history runs steps from (1-based) to to of a fixed history on tenant of
// s, with the fixed kernel clock and ids, so that two stores given the
// same steps hold byte-identical journals:
//
//	1 create n-1 (owner ana)   2 create n-2 (owner bob)   3 create n-3
//	4 update n-2               5 create n-4
//
// forge makes step 2's actor "mallory": the same history, rewritten.
func history(t *testing.T, s aims.Store, tenant string, from, to int, forge bool) *aims.Workspace {
	t.Helper()
	ctx := t.Context()
	ws := newWorkspace(t, s, tenant)
	notes := Notes(ws)
	create := func(id, owner, actor string) {
		n := &Note{Title: "note " + id, Owner: owner}
		n.ID = id
		if err := notes.Create(ctx, actor, n); err != nil {
			t.Fatalf("history: Create %s: %v", id, err)
		}
	}
	for step := from; step <= to; step++ {
		switch step {
		case 1:
			create("n-1", "ana", "ana")
		case 2:
			actor := "bob"
			if forge {
				actor = "mallory"
			}
			create("n-2", "bob", actor)
		case 3:
			create("n-3", "", "ana")
		case 4:
			n, err := notes.Get(ctx, "n-2")
			if err != nil {
				t.Fatalf("history: Get n-2: %v", err)
			}
			n.Body = "edited"
			if err := notes.Update(ctx, "bob", n); err != nil {
				t.Fatalf("history: Update n-2: %v", err)
			}
		case 5:
			create("n-4", "bob", "bob")
		}
	}
	return ws
}

// copyTenant copies src's journal verbatim and its notes at their versions
// into dst's tenant dstTenant, passing each record through edit (nil for
// none) first: what someone with write access to the database could do
// through the Store interface alone.
func copyTenant(t *testing.T, src aims.Store, srcTenant string, dst aims.Store, dstTenant string, edit func(*aims.Record)) {
	t.Helper()
	ctx := t.Context()
	if es := readAll(t, src, srcTenant); len(es) > 0 {
		if err := dst.Append(ctx, dstTenant, es...); err != nil {
			t.Fatalf("copy: Append: %v", err)
		}
	}
	page, err := src.List(ctx, srcTenant, aims.Query{Kind: NoteKind, Limit: aims.MaxPageSize})
	if err != nil {
		t.Fatalf("copy: List: %v", err)
	}
	for _, rec := range page.Records {
		version := rec.Version
		if edit != nil {
			edit(&rec)
		}
		for v := range version {
			if _, err := dst.Put(ctx, dstTenant, rec, v); err != nil {
				t.Fatalf("copy: Put %s at %d: %v", rec.ID, v, err)
			}
		}
	}
}

func checkpoint(t *testing.T, ws *aims.Workspace) aims.Checkpoint {
	t.Helper()
	cp, err := ws.Checkpoint(t.Context(), tamperKey, nil)
	if err != nil {
		t.Fatalf("Checkpoint: %v", err)
	}
	return cp
}

// wantTampered wants a *aims.ChainError naming seq and id (seq 0: a record
// no entry mentions).
func wantTampered(t *testing.T, what string, err error, seq uint64, id string) {
	t.Helper()
	var ce *aims.ChainError
	if !errors.As(err, &ce) || !errors.Is(err, aims.ErrTampered) {
		t.Fatalf("%s: error = %v, want a *aims.ChainError matching ErrTampered", what, err)
	}
	if ce.Seq != seq || (id != "" && ce.ID != id) {
		t.Errorf("%s: reported entry %d record %q (%v), want entry %d record %q", what, ce.Seq, ce.ID, err, seq, id)
	}
}

func wantVerifies(t *testing.T, what string, rep aims.VerifyReport, err error, want aims.VerifyReport) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v, want no error", what, err)
	}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

func testTamper(t *testing.T, h Harness) {
	t.Run("RecordWithoutEntry", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		ws := history(t, s, tenantA, 1, 5, false)
		put(t, s, tenantA, record(NoteKind, "n-9", `{"title":"unjournaled"}`, nil), 0)
		_, err := ws.Verify(t.Context())
		wantTampered(t, "Verify after a record was inserted without an entry", err, 0, "n-9")
	})
	t.Run("RecordOfUnjournaledKind", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		if _, ok := s.(aims.KindLister); !ok {
			t.Skipf("%T does not implement aims.KindLister: Verify sees only the kinds the journal names", s)
		}
		ws := history(t, s, tenantA, 1, 5, false)
		put(t, s, tenantA, record("secret", "x-1", `{}`, nil), 0)
		_, err := ws.Verify(t.Context())
		wantTampered(t, "Verify after a record of a new kind was inserted", err, 0, "x-1")
	})
	t.Run("AttributeEdited", func(t *testing.T) {
		t.Parallel()
		a, b := h(t), h(t)
		history(t, a, tenantA, 1, 5, false)
		copyTenant(t, a, tenantA, b, tenantA, func(r *aims.Record) {
			if r.ID == "n-1" {
				r.Attrs = map[string]string{"owner": "mallory"}
			}
		})
		_, err := newWorkspace(t, b, tenantA).Verify(t.Context())
		wantTampered(t, "Verify after an attribute was edited at the same version", err, 1, "n-1")
	})
	t.Run("CopyVerifies", func(t *testing.T) {
		t.Parallel()
		a, b := h(t), h(t)
		history(t, a, tenantA, 1, 5, false)
		copyTenant(t, a, tenantA, b, tenantA, nil)
		rep, err := newWorkspace(t, b, tenantA).Verify(t.Context())
		wantVerifies(t, "Verify of a faithful copy", rep, err, aims.VerifyReport{Entries: 5, Records: 4})
	})
	t.Run("TenantMoved", func(t *testing.T) {
		t.Parallel()
		a, b := h(t), h(t)
		history(t, a, tenantA, 1, 5, false)
		copyTenant(t, a, tenantA, b, tenantB, nil)
		_, err := newWorkspace(t, b, tenantB).Verify(t.Context())
		wantTampered(t, "Verify of a tenant's journal and records moved to another tenant", err, 1, "n-1")
	})
	t.Run("CutTailAgainstCheckpoint", func(t *testing.T) {
		t.Parallel()
		a, b := h(t), h(t)
		cp := checkpoint(t, history(t, a, tenantA, 1, 5, false))
		// b holds the first three steps exactly as a did: the journal and
		// records agree, so only the checkpoint shows what was cut.
		ws := history(t, b, tenantA, 1, 3, false)
		rep, err := ws.Verify(t.Context())
		wantVerifies(t, "Verify of a cut tail without a checkpoint", rep, err, aims.VerifyReport{Entries: 3, Records: 3})
		opts := &aims.VerifyOptions{Checkpoints: []aims.Checkpoint{cp}, Keys: trusted()}
		_, err = ws.VerifyWith(t.Context(), opts)
		wantTampered(t, "VerifyWith a checkpoint of a cut tail", err, 4, "")
		opts.Incremental = true
		_, err = ws.VerifyWith(t.Context(), opts)
		wantTampered(t, "incremental VerifyWith a checkpoint of a cut tail", err, 5, "")
	})
	t.Run("WipedTenantAgainstCheckpoint", func(t *testing.T) {
		t.Parallel()
		a, b := h(t), h(t)
		cp := checkpoint(t, history(t, a, tenantA, 1, 5, false))
		ws := newWorkspace(t, b, tenantA)
		rep, err := ws.Verify(t.Context())
		wantVerifies(t, "Verify of a wiped tenant without a checkpoint", rep, err, aims.VerifyReport{})
		_, err = ws.VerifyWith(t.Context(), &aims.VerifyOptions{Checkpoints: []aims.Checkpoint{cp}, Keys: trusted()})
		wantTampered(t, "VerifyWith a checkpoint of a wiped tenant", err, 1, "")
	})
	t.Run("RecomputedChainAgainstCheckpoint", func(t *testing.T) {
		t.Parallel()
		a, b := h(t), h(t)
		cp := checkpoint(t, history(t, a, tenantA, 1, 5, false))
		// b holds the same history with step 2's actor changed and every
		// hash recomputed: a consistent chain, records that match it.
		ws := history(t, b, tenantA, 1, 5, true)
		rep, err := ws.Verify(t.Context())
		wantVerifies(t, "Verify of a recomputed chain without a checkpoint", rep, err, aims.VerifyReport{Entries: 5, Records: 4})
		for _, incremental := range []bool{false, true} {
			_, err = ws.VerifyWith(t.Context(), &aims.VerifyOptions{Checkpoints: []aims.Checkpoint{cp}, Keys: trusted(), Incremental: incremental})
			wantTampered(t, fmt.Sprintf("VerifyWith (incremental %v) a checkpoint of a rewritten history", incremental), err, 5, "n-4")
		}
	})
	t.Run("IncrementalFromCheckpoint", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		ws := history(t, s, tenantA, 1, 3, false)
		cp3 := checkpoint(t, ws)
		if cp3.Seq != 3 || cp3.Tenant != tenantA || !cp3.Time.Equal(kernelTime) {
			t.Errorf("checkpoint = seq %d tenant %q time %v, want 3 %q %v", cp3.Seq, cp3.Tenant, cp3.Time, tenantA, kernelTime)
		}
		history(t, s, tenantA, 4, 5, false)
		opts := &aims.VerifyOptions{Checkpoints: []aims.Checkpoint{cp3}, Keys: trusted(), Incremental: true}
		rep, err := ws.VerifyWith(t.Context(), opts)
		// Only entries 4 and 5, and the two records they touch.
		wantVerifies(t, "incremental VerifyWith", rep, err, aims.VerifyReport{Entries: 2, Records: 2, Checkpoints: 1})
		cp5, err := ws.Checkpoint(t.Context(), tamperKey, opts)
		if err != nil || cp5.Seq != 5 {
			t.Fatalf("incremental Checkpoint = seq %d, %v; want 5", cp5.Seq, err)
		}
		opts.Checkpoints = append(opts.Checkpoints, cp5)
		opts.Incremental = false
		rep, err = ws.VerifyWith(t.Context(), opts)
		wantVerifies(t, "full VerifyWith two checkpoints", rep, err, aims.VerifyReport{Entries: 5, Records: 4, Checkpoints: 2})
	})
	t.Run("CheckpointsRefused", func(t *testing.T) {
		t.Parallel()
		s := h(t)
		ws := history(t, s, tenantA, 1, 2, false)
		cp := checkpoint(t, ws)

		data, err := json.Marshal(cp)
		if err != nil {
			t.Fatal(err)
		}
		back, err := aims.ParseCheckpoint(data)
		if err != nil {
			t.Fatalf("ParseCheckpoint of a marshalled checkpoint: %v", err)
		}
		if diff := cmp.Diff(cp, back); diff != "" {
			t.Errorf("checkpoint JSON round trip (-want +got):\n%s", diff)
		}

		forged := cp
		forged.Seq = 1
		other := cp
		other.Signature = ed25519.Sign(otherKey, other.SignedBytes())
		foreign, err := history(t, s, tenantB, 1, 1, false).Checkpoint(t.Context(), tamperKey, nil)
		if err != nil {
			t.Fatal(err)
		}
		for name, opts := range map[string]*aims.VerifyOptions{
			"NoKeys":        {Checkpoints: []aims.Checkpoint{cp}},
			"EditedSeq":     {Checkpoints: []aims.Checkpoint{forged}, Keys: trusted()},
			"UntrustedKey":  {Checkpoints: []aims.Checkpoint{other}, Keys: trusted()},
			"OtherTenant":   {Checkpoints: []aims.Checkpoint{foreign}, Keys: trusted()},
			"MalformedHash": {Checkpoints: []aims.Checkpoint{{Tenant: tenantA, Seq: 1, Hash: "x", Time: kernelTime}}, Keys: trusted()},
		} {
			if _, err := ws.VerifyWith(t.Context(), opts); !errors.Is(err, aims.ErrInvalid) {
				t.Errorf("VerifyWith %s: error = %v, want ErrInvalid", name, err)
			}
		}
		if _, err := newWorkspace(t, h(t), tenantA).Checkpoint(t.Context(), tamperKey, nil); !errors.Is(err, aims.ErrNotFound) {
			t.Errorf("Checkpoint of an empty journal: error = %v, want ErrNotFound", err)
		}
		put(t, s, tenantA, record(NoteKind, "n-9", `{}`, nil), 0)
		if _, err := ws.Checkpoint(t.Context(), tamperKey, nil); !errors.Is(err, aims.ErrTampered) {
			t.Errorf("Checkpoint of a journal that does not verify: error = %v, want ErrTampered", err)
		}
	})
}
