package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/internal/oscaltest"
)

func TestSoACommands(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "ws.db")
	env := map[string]string{"AIMSCTL_NOW": "2026-11-24T10:00:00Z"}
	run := func(as string, args ...string) (string, string, int) {
		return cli(t, env, append(args, "--db", db, "--as", as)...)
	}
	must := func(as string, args ...string) string {
		t.Helper()
		out, stderr, code := run(as, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		return out
	}
	must("alice", "init", "--owner", "alice")
	must("alice", "role", "assign", "--actor", "bob", "--role", "approver")
	must("alice", "soa", "obligation", "--id", "OBL-1", "--title", "Record-keeping", "--type", "legal", "--reference", "EU AI Act Art. 12", "--control", "A.6.2.8")
	if _, stderr, code := run("alice", "soa", "decide", "A.10.4", "--exclude"); code == 0 || !strings.Contains(stderr, "reason") {
		t.Errorf("exclusion without reason: exit %d, %q", code, stderr)
	}
	if _, stderr, code := run("alice", "soa", "decide", "A.99", "--include", "--reason", "x"); code == 0 || !strings.Contains(stderr, "A.99") {
		t.Errorf("unknown control: exit %d, %q", code, stderr)
	}
	must("alice", "soa", "decide", "A.10.4", "--exclude", "--reason", "we supply no AI system to customers")
	md := must("alice", "soa", "--draft")
	for _, want := range []string{"A.6.2.8", "OBL-1", "we supply no AI system to customers"} {
		if !strings.Contains(md, want) {
			t.Errorf("soa markdown lacks %q", want)
		}
	}
	oscal := must("alice", "soa", "--draft", "--format", "oscal")
	oscaltest.Validate(t, oscaltest.SSP, []byte(oscal))

	decideUndecided(t, run, "alice")
	must("alice", "soa", "draft")
	if _, stderr, code := run("alice", "soa", "approve"); code == 0 || !strings.Contains(stderr, "forbidden") {
		t.Errorf("author approving own SoA: exit %d, %q; want forbidden", code, stderr)
	}
	if _, stderr, code := run("carol", "soa", "approve"); code == 0 || !strings.Contains(stderr, "forbidden") {
		t.Errorf("actor without role approving: exit %d, %q; want forbidden", code, stderr)
	}
	must("bob", "soa", "approve")
	must("alice", "soa", "decide", "A.10.4", "--include", "--reason", "we now resell the assistant")
	must("alice", "soa", "draft")
	diff := must("alice", "soa", "diff", "1", "2")
	if !strings.Contains(diff, "A.10.4") {
		t.Errorf("diff 1 2 does not mention A.10.4:\n%s", diff)
	}
	must("alice", "journal", "verify")
}

// decideUndecided has actor include every control the current SoA leaves
// undecided, each with a reason, as a person reviewing the draft would; it
// returns the controls decided.
func decideUndecided(t *testing.T, run func(as string, args ...string) (string, string, int), actor string) []string {
	t.Helper()
	out, stderr, code := run(actor, "soa", "--draft", "--format", "json")
	if code != 0 {
		t.Fatalf("soa --draft: exit %d: %s", code, stderr)
	}
	var doc struct {
		Entries []struct {
			Control   string `json:"control"`
			Undecided bool   `json:"undecided"`
		} `json:"entries"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range doc.Entries {
		if !e.Undecided {
			continue
		}
		if _, stderr, code := run(actor, "soa", "decide", e.Control, "--include", "--reason", "reviewed: applies to our AI systems"); code != 0 {
			t.Fatalf("soa decide %s: exit %d: %s", e.Control, code, stderr)
		}
		ids = append(ids, e.Control)
	}
	return ids
}

// TestSoARefusesUndecided: on a fresh workspace the SoA cannot be submitted
// or approved while controls are undecided, and the refusal names them.
func TestSoARefusesUndecided(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "ws.db")
	env := map[string]string{"AIMSCTL_NOW": "2026-11-24T10:00:00Z"}
	run := func(as string, args ...string) (string, string, int) {
		return cli(t, env, append(args, "--db", db, "--as", as)...)
	}
	if _, stderr, code := run("alice", "init", "--owner", "alice"); code != 0 {
		t.Fatal(stderr)
	}
	if _, stderr, code := run("alice", "role", "assign", "--actor", "bob", "--role", "approver"); code != 0 {
		t.Fatal(stderr)
	}
	if _, stderr, code := run("alice", "soa"); code == 0 || !strings.Contains(stderr, "no SoA version is approved") {
		t.Errorf("soa before any approval: exit %d, %q", code, stderr)
	}
	_, stderr, code := run("alice", "soa", "draft")
	if code == 0 || !strings.Contains(stderr, "not submitted") || !strings.Contains(stderr, "38 undecided") {
		t.Fatalf("soa draft with undecided controls: exit %d, %q", code, stderr)
	}
	_, stderr, code = run("bob", "soa", "approve")
	if code == 0 || !strings.Contains(stderr, "cannot be approved") {
		t.Fatalf("soa approve with undecided controls: exit %d, %q", code, stderr)
	}
	for _, id := range []string{"A.2.2", "A.5.2", "A.6.2.8", "A.10.4"} {
		if !strings.Contains(stderr, id+",") && !strings.HasSuffix(strings.TrimSpace(stderr), id) {
			t.Errorf("refusal does not name %s: %q", id, stderr)
		}
	}
	md, _, _ := run("alice", "soa", "--draft")
	if !strings.Contains(md, "| A.2.2 | AI policy | undecided |") || !strings.Contains(md, "38 undecided") {
		t.Errorf("draft rendering does not show undecided controls:\n%s", md)
	}
	if got := decideUndecided(t, run, "alice"); len(got) != 38 {
		t.Fatalf("decided %d controls, want 38", len(got))
	}
	if _, stderr, code := run("alice", "soa", "draft"); code != 0 {
		t.Fatalf("soa draft after deciding every control: exit %d: %s", code, stderr)
	}
	if _, stderr, code := run("bob", "soa", "approve"); code != 0 {
		t.Fatalf("soa approve: exit %d: %s", code, stderr)
	}
	md, _, _ = run("alice", "soa")
	if !strings.Contains(md, "Version 1 (approved)") {
		t.Errorf("soa does not show the approved version:\n%s", md)
	}
}
