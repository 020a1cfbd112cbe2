package risk

import (
	"context"
	"database/sql"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	_ "modernc.org/sqlite"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/sqlstore"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// viewOpts compares views' times as instants: the attribute holds UTC,
// the document the zone it was written in.
var viewOpts = cmp.Options{cmpopts.EquateEmpty(), cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })}

// collectViews returns Register.Views as a map by id.
func collectViews(t *testing.T, r *Register) map[string]View {
	t.Helper()
	out := map[string]View{}
	for v, err := range r.Views(t.Context(), Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		out[v.ID] = v
	}
	return out
}

// decodedViews returns ViewOf of every decoded risk.
func decodedViews(t *testing.T, r *Register) map[string]View {
	t.Helper()
	all, err := r.All(t.Context(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]View{}
	for _, rk := range all {
		out[rk.ID] = ViewOf(rk)
	}
	return out
}

// downgrade rewrites a stored risk's attributes to the set written before
// the view attributes existed (owner, level, inherent, systems, state),
// as a record written by an older build is stored.
func downgrade(t *testing.T, ws *aims.Workspace, id string) {
	t.Helper()
	ctx := t.Context()
	rec, err := ws.Store().Get(ctx, ws.Tenant(), Kind, id)
	if err != nil {
		t.Fatal(err)
	}
	old := map[string]string{}
	for k, v := range rec.Attrs {
		switch k {
		case AttrOwner, AttrLevel, AttrInherent, attrState:
			old[k] = v
		default:
			if len(k) > 7 && k[:7] == "system:" {
				old[k] = v
			}
		}
	}
	if _, ok := rec.Attrs[AttrIndex]; !ok {
		t.Fatalf("risk %s was written without %q: %v", id, AttrIndex, rec.Attrs)
	}
	rec.Attrs = old
	if _, err := ws.Store().Put(ctx, ws.Tenant(), rec, rec.Version); err != nil {
		t.Fatal(err)
	}
}

func TestViewsMatchDocuments(t *testing.T) {
	f := newFixture(t)
	f.populate(t)
	want := decodedViews(t, f.reg)
	if len(want) != 5 {
		t.Fatalf("fixture holds %d risks, want 5", len(want))
	}
	if d := cmp.Diff(want, collectViews(t, f.reg), viewOpts); d != "" {
		t.Errorf("views from attributes differ from the documents' (-decoded +views):\n%s", d)
	}
	// Spot checks of what the SoA and the checks rely on.
	v := want["risk-1"]
	if d := cmp.Diff([]string{"A.7.4", "A.6.2.4", "A.5.4"}, v.Controls); d != "" {
		t.Errorf("risk-1 controls (-want +got):\n%s", d)
	}
	if !v.NextDue.Equal(t0.AddDate(0, 1, 0)) || v.Inherent == "" || !v.Treated() || v.Accepted != "" {
		t.Errorf("risk-1 view = %+v; want due %s (the open action), inherent band, treated, not accepted", v, t0.AddDate(0, 1, 0))
	}
	if v := want["risk-2"]; v.Accepted != StageResidual || v.Residual == "" || !v.NextDue.IsZero() {
		t.Errorf("risk-2 view = %+v; want residual assessed and accepted, no open action", v)
	}
	if v := want["risk-10"]; v.Level != "" || v.Treated() || v.Title == "" {
		t.Errorf("risk-10 view = %+v; want unassessed, untreated, titled", v)
	}
}

// TestViewsOfOldRecords: risks stored with the attribute set of an older
// build (no view attributes, no index version) are decoded instead, so
// views, the checks and Overdue read them the same.
func TestViewsOfOldRecords(t *testing.T) {
	f := newFixture(t)
	f.populate(t)
	want := decodedViews(t, f.reg)
	checksBefore := runChecks(t, f)
	overdueBefore, err := f.reg.Overdue(t.Context(), t0.AddDate(0, 2, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(overdueBefore) == 0 {
		t.Fatal("fixture has nothing overdue two months on; the test would not see Overdue skip a risk")
	}
	for id := range maps.Keys(want) {
		downgrade(t, f.ws, id)
	}
	// Rewriting the attributes moved each stored version on by one.
	if d := cmp.Diff(want, collectViews(t, f.reg), viewOpts, cmpopts.IgnoreFields(View{}, "Version")); d != "" {
		t.Errorf("views of old records differ from the documents' (-decoded +views):\n%s", d)
	}
	if d := cmp.Diff(checksBefore, runChecks(t, f)); d != "" {
		t.Errorf("checks over old records differ (-new +old):\n%s", d)
	}
	overdue, err := f.reg.Overdue(t.Context(), t0.AddDate(0, 2, 0))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(overdueBefore, overdue); d != "" {
		t.Errorf("Overdue over old records differs (-new +old):\n%s", d)
	}
	// Writing an old record again gives it the whole set.
	if _, err := f.reg.Fire(context.Background(), alice, "risk-4", EventMonitor, nil); err != nil {
		t.Fatal(err)
	}
	rec, err := f.ws.Store().Get(t.Context(), f.ws.Tenant(), Kind, "risk-4")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Attrs[AttrIndex] != IndexVersion || rec.Attrs[AttrTitle] == "" {
		t.Errorf("risk-4 rewritten has attributes %v; want %s=%s and its title", rec.Attrs, AttrIndex, IndexVersion)
	}
}

// TestViewsUnstorableTitle: a title no store keeps as an attribute (a NUL
// byte) leaves the index version out, so the view decodes the document.
func TestViewsUnstorableTitle(t *testing.T) {
	rk := biasRisk()
	rk.Title = "bias\x00"
	attrs := rk.Attributes()
	if _, ok := attrs[AttrIndex]; ok {
		t.Errorf("attributes of a risk titled %q carry %s: %v", rk.Title, AttrIndex, attrs)
	}
	if _, ok := attrs[AttrTitle]; ok {
		t.Errorf("attributes carry the unstorable title: %v", attrs)
	}
}

func TestCounts(t *testing.T) {
	f := newFixture(t)
	f.populate(t)
	states, err := f.reg.StateCounts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	bands, err := f.reg.BandCounts(t.Context(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	wantStates, wantBands := map[State]int{}, map[string]int{}
	for _, v := range decodedViews(t, f.reg) {
		wantStates[v.State]++
		if v.Level != "" {
			wantBands[v.Level]++
		}
	}
	if d := cmp.Diff(wantStates, states); d != "" {
		t.Errorf("StateCounts (-want +got):\n%s", d)
	}
	if d := cmp.Diff(wantBands, bands); d != "" {
		t.Errorf("BandCounts (-want +got):\n%s", d)
	}
	if len(wantBands) < 2 || len(wantStates) < 3 {
		t.Fatalf("fixture too uniform to test counts: %v %v", wantStates, wantBands)
	}
	accepted, err := f.reg.BandCounts(t.Context(), Filter{State: StateAccepted})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range accepted {
		n += c
	}
	if n != wantStates[StateAccepted] {
		t.Errorf("BandCounts(accepted) = %v, want %d risks in all", accepted, wantStates[StateAccepted])
	}
}

// TestViewsSQLite: on a SQL store the views come from Select (the
// attribute column, escapes included) and match the documents, old
// records too.
func TestViewsSQLite(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "risk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store, err := sqlstore.Open(t.Context(), db, sqlstore.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixtureOn(t, store)
	f.populate(t)
	rk := driftRisk()
	rk.ID, rk.Title = "risk-20", "Drift \"quoted\", tabbed\tand ünïcode \\ slash"
	if err := f.reg.Add(t.Context(), alice, rk); err != nil {
		t.Fatal(err)
	}
	want := decodedViews(t, f.reg)
	if d := cmp.Diff(want, collectViews(t, f.reg), viewOpts); d != "" {
		t.Errorf("views on SQLite differ from the documents' (-decoded +views):\n%s", d)
	}
	downgrade(t, f.ws, "risk-1")
	if d := cmp.Diff(want, collectViews(t, f.reg), viewOpts, cmpopts.IgnoreFields(View{}, "Version")); d != "" {
		t.Errorf("views on SQLite with an old record differ (-decoded +views):\n%s", d)
	}
}

// TestChosen: Chosen yields the open risks whose treatment chose
// controls, in natural order of id, as the decoded risks say, and follows
// the writes made since its last read.
func TestChosen(t *testing.T) {
	f := newFixture(t)
	f.populate(t)
	ctx := t.Context()
	want := func() []Choice {
		var out []Choice
		for _, v := range decodedViews(t, f.reg) {
			if v.State != StateClosed && len(v.Controls) > 0 {
				out = append(out, Choice{ID: v.ID, Title: v.Title, Level: v.BandOfRecord(), Controls: v.Controls})
			}
		}
		slices.SortFunc(out, func(a, b Choice) int { return natsort.Compare(a.ID, b.ID) })
		return out
	}
	got := func() []Choice {
		var out []Choice
		for v, err := range f.reg.Chosen(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return out
	}
	first := got()
	if len(first) == 0 {
		t.Fatal("the populated register has no risk with chosen controls")
	}
	if d := cmp.Diff(want(), first, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("Chosen (-decoded +chosen):\n%s", d)
	}
	// A new treated risk whose id sorts before the others in natural
	// order but not in byte order.
	rk := biasRisk()
	rk.ID = "risk-0"
	f.analysed(t, rk, 4, 4)
	if _, err := f.reg.Fire(ctx, alice, rk.ID, EventEvaluate, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Treat(ctx, alice, rk.ID, Treatment{Options: []Option{OptionChangeLikelihood}, Controls: []ControlChoice{{ID: "A.7.4"}}}); err != nil {
		t.Fatal(err)
	}
	after := got()
	if d := cmp.Diff(want(), after, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("Chosen after a treatment (-decoded +chosen):\n%s", d)
	}
	if after[0].ID != "risk-0" {
		t.Errorf("first chosen risk = %s, want risk-0 (natural order)", after[0].ID)
	}
}
