package iso42001_test

import (
	"os"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001"
	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/lifecycle"
)

// TestCardsChangeTheGap: importing a Hugging Face model card and dataset
// card fills the life cycle and data records, and the gap assessment and
// the SoA's proposals change accordingly.
func TestCardsChangeTheGap(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, err := iso42001.Open(ctx, memstore.New(), "t", &iso42001.Options{Clock: benchClock})
	if err != nil {
		t.Fatal(err)
	}
	iso42001.SeedRoles(t, a, "alice", nil)
	sys := &aims.AISystem{Meta: aims.Meta{ID: "credit"}, Name: "Credit scoring", Roles: []aims.AIRole{aims.AIRoleProvider}, Owner: "alice", InScope: true}
	if err := aims.AISystems(a.Workspace()).Create(ctx, "alice", sys); err != nil {
		t.Fatal(err)
	}
	level := func(ref string) (audit.Maturity, []string) {
		t.Helper()
		g, err := a.GapAssessment(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range g.Items {
			if it.Ref == ref {
				return it.Level, it.Evidence
			}
		}
		t.Fatalf("no gap item %s", ref)
		return 0, nil
	}
	for _, ref := range []string{"A.6.2.7", "A.7.5"} {
		if l, _ := level(ref); l != audit.MaturityNone {
			t.Fatalf("%s before any card: level %v, want none", ref, l)
		}
	}
	for _, c := range []struct {
		file    string
		dataset bool
	}{{"lifecycle/testdata/cards/credit-scorer-model.md", false}, {"lifecycle/testdata/cards/loan-history-dataset.md", true}} {
		f, err := os.Open(c.file)
		if err != nil {
			t.Fatal(err)
		}
		if c.dataset {
			_, err = lifecycle.ImportDatasetCard(ctx, a.Workspace(), "alice", sys.ID, f, nil)
		} else {
			_, err = lifecycle.ImportModelCard(ctx, a.Workspace(), "alice", sys.ID, f, nil)
		}
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
	}
	for ref, kind := range map[string]string{"A.6.2.7": lifecycle.KindTechnicalDoc, "A.7.5": lifecycle.KindDataset} {
		l, ev := level(ref)
		if l != audit.MaturityDefined || !strings.Contains(strings.Join(ev, " "), kind) {
			t.Errorf("%s after the cards: level %v, evidence %q; want defined citing %s", ref, l, ev, kind)
		}
	}
	props, err := a.Proposals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range props {
		if p.Control == "A.6.2.7" && strings.Contains(p.Evidence, lifecycle.KindTechnicalDoc) {
			found = true
		}
	}
	if !found {
		t.Errorf("no SoA proposal for A.6.2.7 from the model card's records: %+v", props)
	}
}
