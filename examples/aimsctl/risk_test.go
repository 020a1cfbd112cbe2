package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/internal/oscaltest"
)

func TestRiskCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "ws.db")
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
	must("alice", "system", "add", "--id", "credit", "--name", "Credit scoring", "--role", "provider")
	must("alice", "risk", "add", "--id", "R-1", "--title", "Bias in credit decisions", "--owner", "alice",
		"--system", "credit", "--source", "machine-learning", "--objective", "fairness",
		"--cause", "historical data encodes discrimination", "--consequence", "unfair refusals of credit")
	if _, stderr, code := run("alice", "risk", "add", "--id", "R-2", "--title", "x", "--owner", "bob", "--source", "gremlins"); code == 0 || !strings.Contains(stderr, "sources[0]") {
		t.Errorf("bad source: exit %d, %q; want the field path", code, stderr)
	}

	before := must("alice", "journal", "verify")
	if _, stderr, code := run("alice", "risk", "assess", "R-1", "--likelihood", "6", "--consequence", "4"); code == 0 || !strings.Contains(stderr, "likelihood") || !strings.Contains(stderr, "6") {
		t.Errorf("likelihood 6: exit %d, %q; want an error naming the field and the value", code, stderr)
	}
	if after := must("alice", "journal", "verify"); after != before {
		t.Errorf("refused assessment changed the journal: %q -> %q", before, after)
	}
	out := must("alice", "risk", "assess", "R-1", "--likelihood", "4", "--consequence", "4", "--note", "seen in back-testing")
	if !strings.Contains(out, "high (16)") || !strings.Contains(out, "evaluated") || !strings.Contains(out, "above appetite") {
		t.Errorf("assess output:\n%s", out)
	}
	if _, stderr, code := run("alice", "risk", "treat", "R-1", "--option", "change-likelihood", "--control", "A.99"); code == 0 || !strings.Contains(stderr, "A.99") {
		t.Errorf("unknown control: exit %d, %q", code, stderr)
	}
	out = must("alice", "risk", "treat", "R-1", "--option", "change-likelihood", "--control", "A.7.4", "--control", "A.6.2.4",
		"--action", "Add fairness tests to release gates;bob;2026-12-31")
	if !strings.Contains(out, "not yet considered") || !strings.Contains(out, "A.5.4") {
		t.Errorf("treat should name unconsidered Annex A controls:\n%s", out)
	}
	must("alice", "risk", "assess", "R-1", "--residual", "--likelihood", "2", "--consequence", "3")
	if _, stderr, code := run("alice", "risk", "accept", "R-1", "--basis", "fine"); code == 0 || !strings.Contains(stderr, "transition denied") {
		t.Errorf("accept while treatment actions are open: exit %d, %q; want transition denied", code, stderr)
	}
	must("alice", "risk", "add", "--id", "R-3", "--title", "Data drift", "--owner", "alice",
		"--source", "lifecycle", "--cause", "customer mix changes", "--consequence", "worse predictions")
	must("alice", "risk", "assess", "R-3", "--likelihood", "3", "--consequence", "3")
	if _, stderr, code := run("mallory", "risk", "accept", "R-3", "--basis", "fine"); code == 0 || !strings.Contains(stderr, "forbidden") {
		t.Errorf("accept by a stranger: exit %d, %q; want forbidden", code, stderr)
	}
	if out := must("alice", "risk", "accept", "R-3", "--basis", "monthly drift monitoring suffices", "--next-review", "2027-03-01"); !strings.Contains(out, "2027-03-01") {
		t.Errorf("accept by the owner: %s", out)
	}
	list := must("alice", "risk", "list")
	if !strings.Contains(list, "R-1") || !strings.Contains(list, "high") {
		t.Errorf("risk list:\n%s", list)
	}

	svg := filepath.Join(dir, "heat.svg")
	poam := filepath.Join(dir, "poam.json")
	md := must("alice", "risk", "report", "--format", "md", "--heatmap", svg, "--poam", poam)
	if !strings.Contains(md, "Bias in credit decisions") {
		t.Errorf("markdown report lacks the risk:\n%.400s", md)
	}
	if b, err := os.ReadFile(svg); err != nil || !strings.HasPrefix(strings.TrimSpace(string(b)), "<svg") {
		t.Errorf("heatmap: %v %.80q", err, b)
	}
	p, err := os.ReadFile(poam)
	if err != nil {
		t.Fatal(err)
	}
	oscaltest.Validate(t, oscaltest.POAM, p)
	ar := must("alice", "risk", "report", "--format", "oscal")
	oscaltest.Validate(t, oscaltest.AssessmentResults, []byte(ar))
	if csv := must("alice", "risk", "report", "--format", "csv"); !strings.Contains(csv, "R-1") {
		t.Errorf("csv:\n%s", csv)
	}
	// The treatment reaches the SoA.
	soaMD := must("alice", "soa", "--draft")
	if !strings.Contains(soaMD, "R-1") {
		t.Errorf("SoA does not cite R-1:\n%.600s", soaMD)
	}
	must("alice", "journal", "verify")
}
