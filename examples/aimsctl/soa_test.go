package main

import (
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
	must("alice", "init")
	must("alice", "role", "assign", "--actor", "bob", "--role", "approver")
	must("alice", "soa", "obligation", "--id", "OBL-1", "--title", "Record-keeping", "--type", "legal", "--reference", "EU AI Act Art. 12", "--control", "A.6.2.8")
	if _, stderr, code := run("alice", "soa", "decide", "A.10.4", "--exclude"); code == 0 || !strings.Contains(stderr, "reason") {
		t.Errorf("exclusion without reason: exit %d, %q", code, stderr)
	}
	if _, stderr, code := run("alice", "soa", "decide", "A.99", "--include", "--reason", "x"); code == 0 || !strings.Contains(stderr, "A.99") {
		t.Errorf("unknown control: exit %d, %q", code, stderr)
	}
	must("alice", "soa", "decide", "A.10.4", "--exclude", "--reason", "we supply no AI system to customers")
	md := must("alice", "soa")
	for _, want := range []string{"A.6.2.8", "OBL-1", "we supply no AI system to customers"} {
		if !strings.Contains(md, want) {
			t.Errorf("soa markdown lacks %q", want)
		}
	}
	oscal := must("alice", "soa", "--format", "oscal")
	oscaltest.Validate(t, oscaltest.SSP, []byte(oscal))

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
