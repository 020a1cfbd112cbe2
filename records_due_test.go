package iso42001

import (
	"fmt"
	"testing"

	"github.com/aimsgo/iso42001/aims"
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
