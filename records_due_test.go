package iso42001

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/impact"
)

// TestImpactsCurrentNamesFirstFive: the 8.4 check over many systems due
// for an assessment names the first five in natural order of id and
// counts the rest, instead of joining every id into its detail.
func TestImpactsCurrentNamesFirstFive(t *testing.T) {
	a, store := openMem(t)
	ctx := t.Context()
	ws, err := aims.NewWorkspace(store, "t1", nil) // another writer, without the policy's roles
	if err != nil {
		t.Fatal(err)
	}
	for i := range 9 {
		s := &aims.AISystem{Meta: aims.Meta{ID: fmt.Sprintf("m-%d", 10-i)}, Name: "model", InScope: true}
		if err := aims.AISystems(ws).Create(ctx, "alice", s); err != nil {
			t.Fatal(err)
		}
	}
	var check *aims.Check
	for _, c := range a.Checks() {
		if c.ID == "impact-assessments-current" {
			check = &c.Check
		}
	}
	if check == nil {
		t.Fatal("no impact-assessments-current check")
	}
	ok, detail, err := check.Run(ctx, a.Workspace())
	if err != nil {
		t.Fatal(err)
	}
	want := "impact assessments due: m-2 (no-assessment); m-3 (no-assessment); m-4 (no-assessment); m-5 (no-assessment); m-6 (no-assessment); and 4 more"
	if ok || detail != want {
		t.Errorf("check = %v %q\nwant false %q", ok, detail, want)
	}
}

// TestImpactLinesSummarise: up to twenty in-scope systems, the review
// inputs name each; beyond, they count them by tier and name the first
// five without an assessment.
func TestImpactLinesSummarise(t *testing.T) {
	var inv []impact.InventoryItem
	for i := range 24 {
		it := impact.InventoryItem{System: fmt.Sprintf("m-%02d", i), InScope: i != 5}
		switch i {
		case 0:
			it.Current, it.Tier = "ia-0", impact.Tier("high")
		case 1, 2:
			it.Current = fmt.Sprintf("ia-%d", i)
		}
		inv = append(inv, it)
	}
	want := []string{"23 in-scope AI systems: 3 with an approved impact assessment (EU AI Act tier: high 1, not screened 2), 20 without (m-03, m-04, m-06, m-07, m-08 and 15 more)."}
	lines := func(items []impact.InventoryItem) []string {
		t.Helper()
		out, err := impactLines(func(yield func(impact.InventoryItem, error) bool) {
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if d := cmp.Diff(want, lines(inv)); d != "" {
		t.Errorf("lines over 23 systems (-want +got):\n%s", d)
	}
	if n := len(lines(inv[:21])); n != 20 { // 20 in scope: one line each
		t.Errorf("20 in-scope systems give %d lines, want 20", n)
	}
	if n := len(lines(inv[:22])); n != 1 { // 21 in scope: the summary
		t.Errorf("21 in-scope systems give %d lines, want 1", n)
	}
	few := lines(inv[:3])
	if len(few) != 3 || few[0] != "m-00: impact assessment ia-0 approved (EU AI Act tier: high)." {
		t.Errorf("lines over 3 systems = %q, want one per system", few)
	}
}
