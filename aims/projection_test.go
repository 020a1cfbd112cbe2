package aims_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// countingStore counts the whole-kind reads (Select pages) made through
// it, and lets a test swap the store underneath.
type countingStore struct {
	*memstore.Store
	selects, gets atomic.Int64
}

func (s *countingStore) Get(ctx context.Context, tenant, kind, id string) (aims.Record, error) {
	s.gets.Add(1)
	return s.Store.Get(ctx, tenant, kind, id)
}

func (s *countingStore) Select(ctx context.Context, tenant string, q aims.Query, attrs []string) (aims.Rows, error) {
	s.selects.Add(1)
	return s.Store.Select(ctx, tenant, q, attrs)
}

// stagedRow is what the test projection keeps of an in-scope system.
type stagedRow struct{ ID, Stage string }

type stagedKey struct{}

var stagedProjection = aims.Projection[stagedRow]{
	Kind:    aims.KindAISystem,
	Attrs:   []string{"inScope", "stage"},
	Compare: natsort.Compare,
	Row: func(_ context.Context, r aims.Row) (stagedRow, bool, error) {
		return stagedRow{ID: r.ID, Stage: r.Values[1]}, r.Values[0] == "true", nil
	},
}

// fromScratch reads the projection through a new workspace: what a full
// read of the records gives.
func fromScratch(t *testing.T, s aims.Store) []stagedRow {
	t.Helper()
	ws, err := aims.NewWorkspace(s, "acme", nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := aims.Project(t.Context(), ws, stagedKey{}, stagedProjection)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func newSystem(id string, inScope bool, stage aims.LifecycleStage) *aims.AISystem {
	return &aims.AISystem{Meta: aims.Meta{ID: id}, Name: "Model " + id, Roles: []aims.AIRole{aims.AIRoleProvider},
		Owner: "alice", InScope: inScope, Stage: stage}
}

// countedWorkspace returns a workspace over a counting memstore holding
// n systems s-0 ... s-(n-1), those with inScope(i) in scope, at inception.
func countedWorkspace(t *testing.T, n int, inScope func(i int) bool) (*countingStore, *aims.Workspace) {
	t.Helper()
	store := &countingStore{Store: memstore.New()}
	ws, err := aims.NewWorkspace(store, "acme", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := aims.AISystems(ws).Create(t.Context(), "alice", newSystem(fmt.Sprintf("s-%d", i), inScope(i), aims.StageInception)); err != nil {
			t.Fatal(err)
		}
	}
	return store, ws
}

func TestProjectFollowsTheJournal(t *testing.T) {
	ctx := t.Context()
	store, ws := countedWorkspace(t, 12, func(i int) bool { return i%3 != 0 })
	systems := aims.AISystems(ws)
	project := func() []stagedRow {
		t.Helper()
		rows, err := aims.Project(ctx, ws, stagedKey{}, stagedProjection)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	first := project()
	if len(first) != 8 || first[0].ID != "s-1" || first[len(first)-1].ID != "s-11" {
		t.Fatalf("first read = %v, want the 8 in-scope systems in natural order", first)
	}
	before := append([]stagedRow(nil), first...)
	reads := store.selects.Load()

	// Update, move out of scope, move into scope, delete, create: the
	// next read replays them without reading the kind again.
	s1, _ := systems.Get(ctx, "s-1")
	s1.Stage = aims.StageDeployment
	s2, _ := systems.Get(ctx, "s-2")
	s2.InScope = false
	s3, _ := systems.Get(ctx, "s-3")
	s3.InScope = true
	for _, s := range []*aims.AISystem{s1, s2, s3} {
		if err := systems.Update(ctx, "alice", s); err != nil {
			t.Fatal(err)
		}
	}
	if err := systems.Delete(ctx, "alice", "s-4", 1); err != nil {
		t.Fatal(err)
	}
	if err := systems.Create(ctx, "alice", newSystem("s-10a", true, aims.StageDesignDevelopment)); err != nil {
		t.Fatal(err)
	}
	got := project()
	if d := cmp.Diff(fromScratch(t, store), got); d != "" {
		t.Errorf("after writes, the projection differs from a full read (-full +kept):\n%s", d)
	}
	if n := store.selects.Load() - reads; n != 1 { // fromScratch's read alone
		t.Errorf("the update read the whole kind again (%d Select pages)", n-1)
	}
	if d := cmp.Diff(before, first); d != "" {
		t.Errorf("a returned slice changed under its reader (-before +after):\n%s", d)
	}

	// Another workspace (another process, say) writes: seen too.
	other, err := aims.NewWorkspace(store, "acme", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := aims.AISystems(other).Create(ctx, "bob", newSystem("s-0b", true, aims.StageDesignDevelopment)); err != nil {
		t.Fatal(err)
	}
	got = project()
	if got[0].ID != "s-0b" {
		t.Errorf("a write by another workspace is not seen: %v", got)
	}

	// Nothing written: the same slice, nothing read.
	reads = store.selects.Load()
	again := project()
	if &again[0] != &got[0] || store.selects.Load() != reads {
		t.Error("a read with the journal unmoved did not return the kept rows")
	}
}

func TestProjectReadsAgainWhenCheaper(t *testing.T) {
	ctx := t.Context()
	store := &countingStore{Store: memstore.New()}
	ws, err := aims.NewWorkspace(store, "acme", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := aims.Project(ctx, ws, stagedKey{}, stagedProjection); err != nil {
		t.Fatal(err)
	}
	items := make([]*aims.AISystem, 5000)
	for i := range items {
		items[i] = newSystem(fmt.Sprintf("s-%d", i), true, aims.StageInception)
	}
	if _, err := aims.CreateMany(ctx, aims.AISystems(ws), "alice", items, nil); err != nil {
		t.Fatal(err)
	}
	reads := store.selects.Load()
	rows, err := aims.Project(ctx, ws, stagedKey{}, stagedProjection)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5000 {
		t.Fatalf("%d rows, want 5000", len(rows))
	}
	if store.selects.Load() == reads {
		t.Error("5000 new entries over an empty projection were replayed one by one, not read in pages")
	}
}

// TestDropProjections frees the kept rows: the next read builds them
// again from the store, with the same result.
func TestDropProjections(t *testing.T) {
	ctx := t.Context()
	store, ws := countedWorkspace(t, 30, func(i int) bool { return i%3 != 0 })
	want, err := aims.Project(ctx, ws, stagedKey{}, stagedProjection)
	if err != nil {
		t.Fatal(err)
	}
	reads := store.selects.Load()
	if _, err := aims.Project(ctx, ws, stagedKey{}, stagedProjection); err != nil {
		t.Fatal(err)
	}
	if store.selects.Load() != reads {
		t.Fatal("a second read with nothing written read the kind again")
	}
	ws.DropProjections()
	got, err := aims.Project(ctx, ws, stagedKey{}, stagedProjection)
	if err != nil {
		t.Fatal(err)
	}
	if store.selects.Load() == reads {
		t.Error("the read after DropProjections did not read the kind again")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows after DropProjections (-before +after):\n%s", diff)
	}
}

// TestProjectAfterRestore swaps the store for one whose journal does not
// continue from the projection's entry (a tenant restored from another
// backup): the projection is read again, not patched.
func TestProjectAfterRestore(t *testing.T) {
	ctx := t.Context()
	a, b := memstore.New(), memstore.New()
	for _, s := range []*memstore.Store{a, b} {
		ws, _ := aims.NewWorkspace(s, "acme", nil)
		if err := aims.AISystems(ws).Create(ctx, "alice", newSystem("first", true, aims.StageInception)); err != nil {
			t.Fatal(err)
		}
	}
	wsB, _ := aims.NewWorkspace(b, "acme", nil)
	if err := aims.AISystems(wsB).Create(ctx, "alice", newSystem("only-in-b", true, aims.StageInception)); err != nil {
		t.Fatal(err)
	}
	wsA, _ := aims.NewWorkspace(a, "acme", nil)
	if err := aims.AISystems(wsA).Create(ctx, "alice", newSystem("only-in-a", true, aims.StageInception)); err != nil {
		t.Fatal(err)
	}
	swap := &swappable{Store: a}
	ws, _ := aims.NewWorkspace(swap, "acme", nil)
	if _, err := aims.Project(ctx, ws, stagedKey{}, stagedProjection); err != nil {
		t.Fatal(err)
	}
	swap.Store = b
	if err := aims.AISystems(ws).Create(ctx, "alice", newSystem("later", true, aims.StageInception)); err != nil {
		t.Fatal(err)
	}
	got, err := aims.Project(ctx, ws, stagedKey{}, stagedProjection)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(fromScratch(t, b), got); d != "" {
		t.Errorf("after a restore, the projection differs from a full read (-full +kept):\n%s", d)
	}
}

// swappable is a store whose backing store a test replaces.
type swappable struct{ aims.Store }

// TestProjectionsShareTheirReads: two projections of one kind brought up
// to the same journal head read each changed record once between them.
func TestProjectionsShareTheirReads(t *testing.T) {
	ctx := t.Context()
	store, ws := countedWorkspace(t, 4, func(int) bool { return true })
	systems := aims.AISystems(ws)
	type otherKey struct{}
	ids := aims.Projection[string]{Kind: aims.KindAISystem, Row: func(_ context.Context, r aims.Row) (string, bool, error) { return r.ID, true, nil }}
	read := func() {
		t.Helper()
		if _, err := aims.Project(ctx, ws, stagedKey{}, stagedProjection); err != nil {
			t.Fatal(err)
		}
		if _, err := aims.Project(ctx, ws, otherKey{}, ids); err != nil {
			t.Fatal(err)
		}
	}
	read()
	for i := range 3 {
		s, err := systems.Get(ctx, fmt.Sprintf("s-%d", i))
		if err != nil {
			t.Fatal(err)
		}
		s.Stage = aims.StageDeployment
		if err := systems.Update(ctx, "alice", s); err != nil {
			t.Fatal(err)
		}
	}
	gets := store.gets.Load()
	read()
	if n := store.gets.Load() - gets; n != 3 {
		t.Errorf("two projections re-read 3 changed records with %d Gets, want 3", n)
	}
}

// TestProjectConcurrent: readers of one projection while a writer adds
// systems see whole snapshots in order, and the last read equals a full
// read (run under -race in CI).
func TestProjectConcurrent(t *testing.T) {
	ctx := t.Context()
	store := memstore.New()
	ws, err := aims.NewWorkspace(store, "acme", nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	errs := make(chan error, 5)
	go func() {
		defer close(done)
		for i := range 60 {
			if err := aims.AISystems(ws).Create(ctx, "alice", newSystem(fmt.Sprintf("s-%d", i), true, aims.StageInception)); err != nil {
				errs <- err
				return
			}
		}
	}()
	for range 4 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				rows, err := aims.Project(ctx, ws, stagedKey{}, stagedProjection)
				if err != nil {
					errs <- err
					return
				}
				for i := 1; i < len(rows); i++ {
					if natsort.Compare(rows[i-1].ID, rows[i].ID) >= 0 {
						errs <- fmt.Errorf("rows out of order: %s before %s", rows[i-1].ID, rows[i].ID)
						return
					}
				}
			}
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got, err := aims.Project(ctx, ws, stagedKey{}, stagedProjection)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(fromScratch(t, store), got); d != "" || len(got) != 60 {
		t.Errorf("after the writer, %d rows; differs from a full read (-full +kept):\n%s", len(got), d)
	}
}
