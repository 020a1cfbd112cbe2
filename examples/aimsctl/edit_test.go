package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandsBetweenManifests: the commands a person uses to edit records
// without a manifest, on the worked organisation's workspace.
func TestCommandsBetweenManifests(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	if _, stderr, code := runDemoCLI(t, nil, "--db", db); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, stderr)
	}
	run := func(as string, args ...string) (string, string, int) {
		return cli(t, nil, append(args, "--db", db, "--as", as)...)
	}
	must := func(as string, args ...string) string {
		t.Helper()
		out, stderr, code := run(as, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		return out
	}
	must("dave", "risk", "edit", "R-1", "--title", "Bias against protected groups in credit scores")
	if out := must("dave", "risk", "list"); !strings.Contains(out, "Bias against protected groups in credit scores") {
		t.Errorf("risk list after edit:\n%s", out)
	}
	if _, stderr, code := run("dave", "risk", "edit", "R-1"); code != 2 || !strings.Contains(stderr, "nothing to change") {
		t.Errorf("risk edit without a change: exit %d, %q", code, stderr)
	}
	// The demo carried R-1's treatment through: its actions are closed.
	if _, stderr, code := run("erin", "risk", "action", "done", "R-1", "act-1"); code == 0 || !strings.Contains(stderr, "treatment-planned") {
		t.Errorf("risk action done on an accepted risk: exit %d, %q", code, stderr)
	}
	if out := must("alice", "journal", "log", "--kind", "risk", "--id", "R-1"); !strings.Contains(out, "risk/R-1") || strings.Contains(out, "risk/R-2") {
		t.Errorf("journal log --id R-1:\n%s", out)
	}
	show := must("alice", "nc", "show", "nonconformity-1")
	for _, want := range []string{"Correction:", "Root cause (5 whys)", "Action:", "Verified:   effective by carol"} {
		if !strings.Contains(show, want) {
			t.Errorf("nc show lacks %q:\n%s", want, show)
		}
	}
	crit := must("alice", "criteria", "show")
	file := filepath.Join(dir, "criteria.json")
	if err := os.WriteFile(file, []byte(crit), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := must("alice", "criteria", "set", "-f", file); !strings.Contains(out, "risk criteria saved") {
		t.Errorf("criteria set: %s", out)
	}
	if err := os.WriteFile(file, []byte(`{"likelihood": 7}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run("alice", "criteria", "set", "-f", file); code == 0 || !strings.Contains(stderr, "likelihood") {
		t.Errorf("criteria set with a bad file: exit %d, %q", code, stderr)
	}
	if out := must("alice", "impact", "questions", "--questionnaire", "eu-ai-act-screening"); !strings.Contains(out, "annex-iii") {
		t.Errorf("impact questions lacks annex-iii:\n%.400s", out)
	}
}

func TestOneLine(t *testing.T) {
	t.Parallel()
	if got := oneLine("a\x1b[2Jb\r\nc\td"); got != "a [2Jb c d" {
		t.Errorf("oneLine = %q", got)
	}
}
