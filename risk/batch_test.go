package risk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
)

func importRisk(id, system string) *Risk {
	return &Risk{Meta: aims.Meta{ID: id}, Title: "Drift of " + system, Owner: alice, Systems: []string{system},
		Sources: []controls.RiskSource{controls.SourceMachineLearning}, Causes: []string{"data drift"}, Consequences: []string{"wrong decisions"}}
}

func head(t *testing.T, ws *aims.Workspace) uint64 {
	t.Helper()
	h, err := ws.Store().Head(t.Context(), ws.Tenant())
	if err != nil {
		t.Fatal(err)
	}
	return h.Seq
}

// TestImportLikeAddAndAssess: an imported risk is stored in the initial
// state with the inherent rating Assess would have given it, one create
// entry each, and the journal verifies.
func TestImportLikeAddAndAssess(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	a := Assessment{Likelihood: 4, Consequence: 3}
	ref := importRisk("R-ref", "credit-scoring")
	if err := f.reg.Add(ctx, alice, ref); err != nil {
		t.Fatal(err)
	}
	assessed, err := f.reg.Assess(ctx, alice, ref.ID, StageInherent, a, "from the workshop")
	if err != nil {
		t.Fatal(err)
	}
	before := head(t, f.ws)
	items := []Import{
		{Risk: importRisk("R-1", "credit-scoring"), Inherent: &a, Note: "from the workshop"},
		{Risk: importRisk("R-2", "fraud-detection")},
		{Risk: importRisk("", "support-assistant"), Inherent: &Assessment{Likelihood: 1, Consequence: 1}},
	}
	n, err := f.reg.Import(ctx, alice, items, nil)
	if err != nil || n != 3 {
		t.Fatalf("Import = %d, %v; want 3, nil", n, err)
	}
	if got := head(t, f.ws); got != before+3 {
		t.Errorf("journal head %d after importing 3 risks, want %d (one create entry each)", got, before+3)
	}
	got, err := f.reg.Get(ctx, "R-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != string(StateIdentified) || got.Inherent == nil || !cmp.Equal(got.Inherent.Score, assessed.Inherent.Score) ||
		got.Inherent.Note != "from the workshop" || got.Inherent.AssessedBy != alice {
		t.Errorf("imported R-1: state %q inherent %+v, want identified with %+v", got.State, got.Inherent, assessed.Inherent)
	}
	if r2, err := f.reg.Get(ctx, "R-2"); err != nil || r2.Inherent != nil {
		t.Errorf("R-2 without an assessment: %+v, %v", r2, err)
	}
	if items[2].Risk.ID == "" || items[2].Risk.Version != 1 {
		t.Errorf("risk without an id: id %q version %d after Import, want a fresh id at version 1", items[2].Risk.ID, items[2].Risk.Version)
	}
	// Filters read the imported risks' attributes.
	high, err := f.reg.All(ctx, Filter{Band: got.Inherent.Score.Band})
	if err != nil || !slices.ContainsFunc(high, func(r *Risk) bool { return r.ID == "R-1" }) {
		t.Errorf("List by band %q: %v, %v; want R-1 in it", got.Inherent.Score.Band, high, err)
	}
	// The imported risk moves on through the workflow.
	if _, err := f.reg.Assess(ctx, alice, "R-2", StageInherent, a, ""); err != nil {
		t.Errorf("Assess after Import: %v", err)
	}
	if _, err := f.ws.Verify(ctx); err != nil {
		t.Errorf("Verify after Import: %v", err)
	}
}

// TestImportRefusesBeforeWriting: every problem of every risk comes back
// at once, by path, and nothing is written.
func TestImportRefusesBeforeWriting(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	before := head(t, f.ws)
	rated := importRisk("R-4", "a")
	rated.Inherent = &Rating{}
	items := []Import{
		{Risk: importRisk("R-1", "credit-scoring")},
		{Risk: importRisk("R-2", "no-such-system")},
		{Risk: importRisk("R-3", "a"), Inherent: &Assessment{Likelihood: 9, Consequence: 1}},
		{Risk: importRisk("R-1", "a")},
		{},
		{Risk: rated},
	}
	items[0].Risk.Title = ""
	n, err := f.reg.Import(ctx, alice, items, &aims.BulkOptions{Chunk: 1})
	if !errors.Is(err, aims.ErrInvalid) || n != 0 {
		t.Fatalf("Import = %d, %v; want 0 and ErrInvalid", n, err)
	}
	var ve *aims.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a ValidationError", err)
	}
	var paths []string
	for _, p := range ve.Problems {
		paths = append(paths, p.Path)
	}
	for _, want := range []string{"risks[0].title", "risks[2].inherent.likelihood", "risks[3].id", "risks[4]", "risks[5].inherent"} {
		if !slices.Contains(paths, want) {
			t.Errorf("problems %v do not name %s", paths, want)
		}
	}
	if got := head(t, f.ws); got != before {
		t.Errorf("journal moved from %d to %d on a refused import", before, got)
	}
	// Fixed but for the unknown system: that one is found next.
	items = items[:3]
	items[0].Risk.Title = "fixed"
	items[2].Inherent.Likelihood = 2
	_, err = f.reg.Import(ctx, alice, items, nil)
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Path != "risks[1].systems[0]" {
		t.Errorf("Import with an unknown system: %v, want one problem at risks[1].systems[0]", err)
	}
	if got := head(t, f.ws); got != before {
		t.Errorf("journal moved from %d to %d on a refused import", before, got)
	}
}

// TestImportChunks: past the threshold the inventory is read in pages;
// a chunk that meets a stored risk fails, the chunks before it stay, and
// the risks not committed are given back as passed.
func TestImportChunks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	n := systemSetThreshold + 5
	systems := make([]*aims.AISystem, n)
	for i := range systems {
		systems[i] = &aims.AISystem{Meta: aims.Meta{ID: fmt.Sprintf("sys-%d", i)}, Name: "model", Roles: []aims.AIRole{aims.AIRoleProvider}}
	}
	if c, err := aims.CreateMany(ctx, aims.AISystems(f.ws), admin, systems, &aims.BulkOptions{Chunk: 400}); err != nil || c != n {
		t.Fatalf("CreateMany systems = %d, %v", c, err)
	}
	items := make([]Import, n)
	for i := range items {
		items[i] = Import{Risk: importRisk(fmt.Sprintf("R-%d", i), fmt.Sprintf("sys-%d", i)), Inherent: &Assessment{Likelihood: 1 + i%5, Consequence: 1 + i%3}}
	}
	// An unknown system among many is found by the paged read too.
	items[700].Risk.Systems = []string{"sys-missing"}
	if _, err := f.reg.Import(ctx, alice, items, &aims.BulkOptions{Chunk: 300}); !errors.Is(err, aims.ErrInvalid) {
		t.Fatalf("Import with an unknown system among %d: %v, want ErrInvalid", n, err)
	}
	items[700].Risk.Systems = []string{"sys-700"}
	if err := f.reg.Add(ctx, alice, importRisk("R-650", "a")); err != nil {
		t.Fatal(err)
	}
	before := head(t, f.ws)
	c, err := f.reg.Import(ctx, alice, items, &aims.BulkOptions{Chunk: 300})
	if !errors.Is(err, aims.ErrConflict) || c != 600 {
		t.Fatalf("Import over a stored R-650 = %d, %v; want 600 and ErrConflict", c, err)
	}
	if got := head(t, f.ws); got != before+600 {
		t.Errorf("journal head %d, want %d", got, before+600)
	}
	if rk := items[599].Risk; rk.Version != 1 || rk.Inherent == nil {
		t.Errorf("committed risk R-599: version %d inherent %v", rk.Version, rk.Inherent)
	}
	if rk := items[601].Risk; rk.Version != 0 || rk.Inherent != nil || rk.State != "" {
		t.Errorf("risk R-601 of the failed chunk: version %d inherent %v state %q, want it as passed", rk.Version, rk.Inherent, rk.State)
	}
	if _, err := f.reg.Get(ctx, "R-601"); !errors.Is(err, aims.ErrNotFound) {
		t.Errorf("R-601 of the failed chunk: %v, want ErrNotFound", err)
	}
	if _, err := f.ws.Verify(context.Background()); err != nil {
		t.Errorf("Verify after a partial import: %v", err)
	}
}
