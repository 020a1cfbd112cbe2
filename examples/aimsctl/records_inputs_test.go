package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestReviewAndGapReadTheRecords: on the worked organisation's workspace, a
// management review's inputs state the risks and impact assessments, and
// the gap assessment proposes levels from the risk, impact and SoA records.
func TestReviewAndGapReadTheRecords(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "nw.db")
	env := map[string]string{"AIMSCTL_NOW": "2026-01-05T09:00:00Z"}
	must := func(args ...string) string {
		t.Helper()
		out, stderr, code := cli(t, env, append(args, "--db", db)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		return out
	}
	must("demo")
	must("review", "prepare", "--id", "mr-2", "--title", "Second review", "--as", "alice")
	show := must("review", "show", "mr-2")
	for _, want := range []string{
		"2 open risks (2 low); 0 never assessed; 0 above appetite with neither treatment nor acceptance.",
		"credit-model: impact assessment IA-credit-1 approved (EU AI Act tier: high-risk).",
	} {
		if !strings.Contains(show, want) {
			t.Errorf("review inputs lack %q:\n%s", want, show)
		}
	}
	gap := must("gap")
	for _, want := range []string{
		"| 6.1.1 | General | 4 measured | records | 6.1.1 AI risk criteria defined: risk criteria are defined",
		"Statement of Applicability approved: version 1 approved by bob",
	} {
		if !strings.Contains(gap, want) {
			t.Errorf("gap lacks %q", want)
		}
	}
}
