package aims_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
)

// ktMemo is the test document of the kernel tests: a nested list so that
// validation paths have an index, and an indexed owner.
type ktMemo struct {
	aims.Meta
	Title string   `json:"title"`
	Owner string   `json:"owner,omitempty"`
	Items []ktItem `json:"items,omitempty"`
}

type ktItem struct {
	Name   string `json:"name"`
	Weight int    `json:"weight"`
}

func (m *ktMemo) Validate() error {
	var p aims.Problems
	p.Require("title", m.Title)
	for i, it := range m.Items {
		path := fmt.Sprintf("items[%d]", i)
		p.Require(path+".name", it.Name)
		if it.Weight < 1 || it.Weight > 5 {
			p.Addf(path+".weight", "must be between 1 and 5, got %d", it.Weight)
		}
	}
	return p.Err()
}

func (m *ktMemo) Attributes() map[string]string {
	return map[string]string{"owner": m.Owner}
}

var ktNow = time.Date(2025, 4, 5, 6, 7, 8, 9, time.UTC)

// ktSequential hides memstore's Apply, so the kernel takes its path for
// stores that are not a Transactor.
type ktSequential struct{ aims.Store }

// ktTransactor hides memstore's ApplyChained, so the kernel takes its path
// for a Transactor that is not a ChainApplier.
type ktTransactor struct {
	aims.Store
	tx aims.Transactor
}

func (s ktTransactor) Apply(ctx context.Context, tenant string, b aims.Batch) ([]int64, error) {
	return s.tx.Apply(ctx, tenant, b)
}

func newKTTransactor() aims.Store {
	s := memstore.New()
	return ktTransactor{s, s}
}

// ktStores are the three commit paths every kernel test runs on.
var ktStores = []struct {
	name string
	new  func() aims.Store
}{
	{"Chained", func() aims.Store { return memstore.New() }},
	{"Transactor", newKTTransactor},
	{"Sequential", func() aims.Store { return ktSequential{memstore.New()} }},
}

func ktWorkspace(t *testing.T, s aims.Store) (*aims.Workspace, *aims.Collection[ktMemo, *ktMemo]) {
	t.Helper()
	var mu sync.Mutex
	n := 0
	ws, err := aims.NewWorkspace(s, "acme", &aims.Options{
		Clock: func() time.Time { return ktNow },
		NewID: func(kind string) string {
			mu.Lock()
			defer mu.Unlock()
			n++
			return fmt.Sprintf("%s-%03d", kind, n)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return ws, aims.NewCollection[ktMemo](ws, "memo", 2)
}

// ktJournal returns the tenant's journal as "seq event id by actor".
func ktJournal(t *testing.T, ws *aims.Workspace) []string {
	t.Helper()
	es, err := ws.Store().ReadJournal(t.Context(), ws.Tenant(), 1, aims.MaxPageSize)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, fmt.Sprintf("%d %s %s v%d by %s", e.Seq, e.Event, e.ID, e.Version, e.Actor))
	}
	return out
}

func TestCollectionLifecycle(t *testing.T) {
	t.Parallel()
	for _, st := range ktStores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			ws, memos := ktWorkspace(t, st.new())
			a := &ktMemo{Title: "a", Owner: "ana", Items: []ktItem{{"x", 1}}}
			a.ID = "memo-a"
			if err := memos.Create(ctx, "ana", a); err != nil {
				t.Fatalf("Create: %v", err)
			}
			b := &ktMemo{Title: "b", Owner: "bob"}
			if err := memos.Create(ctx, "bob", b); err != nil {
				t.Fatalf("Create without id: %v", err)
			}
			wantMeta := aims.Meta{Kind: "memo", SchemaVersion: 2, ID: "memo-001", Version: 1,
				CreatedAt: ktNow, CreatedBy: "bob", UpdatedAt: ktNow, UpdatedBy: "bob"}
			if diff := cmp.Diff(wantMeta, b.Meta); diff != "" {
				t.Errorf("Meta after Create (-want +got):\n%s", diff)
			}

			a.Title = "a, revised"
			if err := memos.Update(ctx, "carla", a); err != nil {
				t.Fatalf("Update: %v", err)
			}
			got, err := memos.Get(ctx, "memo-a")
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			want := &ktMemo{Title: "a, revised", Owner: "ana", Items: []ktItem{{"x", 1}}, Meta: aims.Meta{
				Kind: "memo", SchemaVersion: 2, ID: "memo-a", Version: 2,
				CreatedAt: ktNow, CreatedBy: "ana", UpdatedAt: ktNow, UpdatedBy: "carla"}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Get after Update (-want +got):\n%s", diff)
			}

			all, err := memos.All(ctx, nil)
			if err != nil {
				t.Fatalf("All: %v", err)
			}
			var ids []string
			for _, m := range all {
				ids = append(ids, m.ID)
			}
			if diff := cmp.Diff([]string{"memo-001", "memo-a"}, ids); diff != "" {
				t.Errorf("All ids (-want +got):\n%s", diff)
			}
			owned, err := memos.All(ctx, map[string]string{"owner": "ana"})
			if err != nil || len(owned) != 1 || owned[0].ID != "memo-a" {
				t.Errorf("All(owner=ana) = %d memos, %v; want memo-a", len(owned), err)
			}

			if err := memos.Delete(ctx, "bob", b.ID, b.Version); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if _, err := memos.Get(ctx, b.ID); !errors.Is(err, aims.ErrNotFound) {
				t.Errorf("Get after Delete: error = %v, want ErrNotFound", err)
			}
			if ok, err := memos.Exists(ctx, b.ID); ok || err != nil {
				t.Errorf("Exists after Delete = %v, %v; want false, nil", ok, err)
			}
			if ok, err := memos.Exists(ctx, "memo-a"); !ok || err != nil {
				t.Errorf("Exists(memo-a) = %v, %v; want true, nil", ok, err)
			}

			wantJournal := []string{
				"1 create memo-a v1 by ana",
				"2 create memo-001 v1 by bob",
				"3 update memo-a v2 by carla",
				"4 delete memo-001 v1 by bob",
			}
			if diff := cmp.Diff(wantJournal, ktJournal(t, ws)); diff != "" {
				t.Errorf("journal (-want +got):\n%s", diff)
			}
			rep, err := ws.Verify(ctx)
			if err != nil || rep != (aims.VerifyReport{Entries: 4, Records: 1}) {
				t.Errorf("Verify = %+v, %v; want 4 entries, 1 stored record", rep, err)
			}
		})
	}
}

func TestCollectionConflicts(t *testing.T) {
	t.Parallel()
	for _, st := range ktStores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			ws, memos := ktWorkspace(t, st.new())
			m := &ktMemo{Title: "first"}
			m.ID = "m"
			if err := memos.Create(ctx, "ana", m); err != nil {
				t.Fatal(err)
			}
			stale := *m
			m.Title = "second"
			if err := memos.Update(ctx, "ana", m); err != nil {
				t.Fatal(err)
			}
			before := ktJournal(t, ws)

			stale.Title = "lost update"
			err := memos.Update(ctx, "bob", &stale)
			if !errors.Is(err, aims.ErrConflict) {
				t.Errorf("stale Update: error = %v, want ErrConflict", err)
			}
			if stale.Version != 1 || !stale.UpdatedAt.Equal(ktNow) || stale.UpdatedBy != "ana" {
				t.Errorf("stale Update changed the caller's Meta: %+v", stale.Meta)
			}
			dup := &ktMemo{Title: "dup"}
			dup.ID = "m"
			if err := memos.Create(ctx, "bob", dup); !errors.Is(err, aims.ErrConflict) {
				t.Errorf("Create of an existing id: error = %v, want ErrConflict", err)
			}
			if dup.Version != 0 || dup.CreatedBy != "" {
				t.Errorf("refused Create changed the caller's Meta: %+v", dup.Meta)
			}
			if err := memos.Delete(ctx, "bob", "m", 1); !errors.Is(err, aims.ErrConflict) {
				t.Errorf("stale Delete: error = %v, want ErrConflict", err)
			}
			if err := memos.Delete(ctx, "bob", "missing", 1); !errors.Is(err, aims.ErrNotFound) {
				t.Errorf("Delete of a missing memo: error = %v, want ErrNotFound", err)
			}

			got, err := memos.Get(ctx, "m")
			if err != nil || got.Title != "second" || got.Version != 2 {
				t.Errorf("after refused writes: %+v, %v; want \"second\" at version 2", got, err)
			}
			if diff := cmp.Diff(before, ktJournal(t, ws)); diff != "" {
				t.Errorf("refused writes changed the journal (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCollectionValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		memo      ktMemo
		wantPaths []string
	}{
		{"MissingTitle", ktMemo{}, []string{"title"}},
		{"NestedItems", ktMemo{Title: "t", Items: []ktItem{{"ok", 3}, {"", 9}, {"w", 0}}},
			[]string{"items[1].name", "items[1].weight", "items[2].weight"}},
		{"Everything", ktMemo{Title: " ", Items: []ktItem{{"", 1}}}, []string{"title", "items[0].name"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws, memos := ktWorkspace(t, memstore.New())
			m := tc.memo
			err := memos.Create(t.Context(), "ana", &m)
			var ve *aims.ValidationError
			if !errors.Is(err, aims.ErrInvalid) || !errors.As(err, &ve) {
				t.Fatalf("Create: error = %v, want a *ValidationError matching ErrInvalid", err)
			}
			var paths []string
			for _, p := range ve.Problems {
				paths = append(paths, p.Path)
			}
			if diff := cmp.Diff(tc.wantPaths, paths); diff != "" {
				t.Errorf("problem paths (-want +got):\n%s", diff)
			}
			if j := ktJournal(t, ws); len(j) != 0 {
				t.Errorf("invalid Create journaled %v", j)
			}
			page, err := ws.Store().List(t.Context(), "acme", aims.Query{Kind: "memo"})
			if err != nil || len(page.Records) != 0 {
				t.Errorf("invalid Create stored %d records (%v)", len(page.Records), err)
			}
		})
	}
}

func TestCollectionInvalidInput(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws, memos := ktWorkspace(t, memstore.New())
	ok := &ktMemo{Title: "ok"}
	ok.ID = "ok"
	if err := memos.Create(ctx, "ana", ok); err != nil {
		t.Fatal(err)
	}
	withID := func(id string) *ktMemo {
		m := &ktMemo{Title: "t"}
		m.ID = id
		return m
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"CreateEmptyActor", func() error { return memos.Create(ctx, "", withID("x")) }},
		{"CreateControlActor", func() error { return memos.Create(ctx, "ana\n", withID("x")) }},
		{"CreateControlID", func() error { return memos.Create(ctx, "ana", withID("x\x00y")) }},
		{"CreateLongID", func() error { return memos.Create(ctx, "ana", withID(string(make([]byte, 300)))) }},
		{"UpdateWithoutVersion", func() error { return memos.Update(ctx, "ana", withID("ok")) }},
		{"UpdateEmptyActor", func() error { u := *ok; return memos.Update(ctx, "", &u) }},
		{"DeleteEmptyActor", func() error { return memos.Delete(ctx, "", "ok", 1) }},
		{"DeleteEmptyID", func() error { return memos.Delete(ctx, "ana", "", 1) }},
		{"GetEmptyID", func() error { _, err := memos.Get(ctx, ""); return err }},
	}
	for _, tc := range tests {
		if err := tc.call(); !errors.Is(err, aims.ErrInvalid) {
			t.Errorf("%s: error = %v, want ErrInvalid", tc.name, err)
		}
	}
	if _, err := aims.NewWorkspace(memstore.New(), "", nil); !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("NewWorkspace with an empty tenant: error = %v, want ErrInvalid", err)
	}
	if _, err := aims.NewWorkspace(nil, "acme", nil); !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("NewWorkspace without a store: error = %v, want ErrInvalid", err)
	}
	if diff := cmp.Diff([]string{"1 create ok v1 by ana"}, ktJournal(t, ws)); diff != "" {
		t.Errorf("journal after refused calls (-want +got):\n%s", diff)
	}
}

// TestCommitConcurrent creates memos from many goroutines at once: every
// Commit that loses the race for the journal head re-links its entry and
// retries, so all land and the journal verifies. With 16 writers a writer
// loses at most 15 times, within the kernel's retry bound.
func TestCommitConcurrent(t *testing.T) {
	t.Parallel()
	for _, st := range ktStores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			const n = 16
			ws, memos := ktWorkspace(t, st.new())
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					m := &ktMemo{Title: fmt.Sprint("memo ", i)}
					if err := memos.Create(t.Context(), fmt.Sprint("actor-", i), m); err != nil {
						t.Errorf("Create %d: %v", i, err)
					}
				})
			}
			wg.Wait()
			all, err := memos.All(t.Context(), nil)
			if err != nil || len(all) != n {
				t.Fatalf("All = %d memos, %v; want %d", len(all), err, n)
			}
			rep, err := ws.Verify(t.Context())
			if err != nil || rep != (aims.VerifyReport{Entries: n, Records: n}) {
				t.Errorf("Verify = %+v, %v; want %d entries and records", rep, err, n)
			}
		})
	}
}

// ktRacer commits one memo through another workspace just before the
// first Apply or Append it sees, as a concurrent writer would between the
// kernel reading the head and writing.
type ktRacer struct {
	aims.Store
	once sync.Once
	t    *testing.T
}

func (r *ktRacer) race() {
	r.once.Do(func() {
		_, other := ktWorkspace(r.t, r.Store)
		m := &ktMemo{Title: "racer"}
		m.ID = "racer"
		if err := other.Create(context.Background(), "racer", m); err != nil {
			r.t.Errorf("racing Create: %v", err)
		}
	})
}

func (r *ktRacer) Apply(ctx context.Context, tenant string, b aims.Batch) ([]int64, error) {
	r.race()
	return r.Store.(aims.Transactor).Apply(ctx, tenant, b)
}

// ktRacerSeq is a store without Apply whose Append lets r race first.
type ktRacerSeq struct {
	aims.Store
	r *ktRacer
}

func (s ktRacerSeq) Append(ctx context.Context, tenant string, es ...aims.Entry) error {
	s.r.race()
	return s.Store.Append(ctx, tenant, es...)
}

func TestCommitRelinksAfterLostRace(t *testing.T) {
	t.Parallel()
	stores := []struct {
		name string
		wrap func(t *testing.T) aims.Store
	}{
		{"Transactor", func(t *testing.T) aims.Store { return &ktRacer{Store: memstore.New(), t: t} }},
		{"Sequential", func(t *testing.T) aims.Store {
			inner := memstore.New()
			return ktRacerSeq{Store: ktSequential{inner}, r: &ktRacer{Store: inner, t: t}}
		}},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			s := st.wrap(t)
			if _, isTx := s.(aims.Transactor); isTx != (st.name == "Transactor") {
				t.Fatalf("%T: Transactor %v, want %v", s, isTx, st.name == "Transactor")
			}
			ws, memos := ktWorkspace(t, s)
			m := &ktMemo{Title: "mine"}
			m.ID = "mine"
			if err := memos.Create(t.Context(), "ana", m); err != nil {
				t.Fatalf("Create that lost the race for the head: %v", err)
			}
			want := []string{"1 create racer v1 by racer", "2 create mine v1 by ana"}
			if diff := cmp.Diff(want, ktJournal(t, ws)); diff != "" {
				t.Errorf("journal (-want +got):\n%s", diff)
			}
			if rep, err := ws.Verify(t.Context()); err != nil || rep.Entries != 2 {
				t.Errorf("Verify = %+v, %v; want 2 entries", rep, err)
			}
		})
	}
}

// The typed Collection validates, versions and journals every change;
// Verify then checks the journal's hash chain and every journaled record.
func ExampleCollection() {
	ctx := context.Background()
	ws, _ := aims.NewWorkspace(memstore.New(), "acme", &aims.Options{
		Clock: func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) },
		NewID: func(kind string) string { return kind + "-2" },
	})
	memos := aims.NewCollection[ktMemo](ws, "memo", 1)

	m := &ktMemo{Title: "Quarterly AI risk review"}
	m.ID = "memo-1"
	_ = memos.Create(ctx, "ana", m)
	m.Owner = "ana"
	_ = memos.Update(ctx, "ana", m)
	fmt.Println("version", m.Version)

	stale := *m
	stale.Version = 1
	err := memos.Update(ctx, "bob", &stale)
	fmt.Println("stale update conflicts:", errors.Is(err, aims.ErrConflict))

	err = memos.Create(ctx, "bob", &ktMemo{Items: []ktItem{{Name: "x", Weight: 9}}})
	fmt.Println(err)

	rep, err := ws.Verify(ctx)
	fmt.Println(rep.Entries, "entries,", rep.Records, "record verified:", err == nil)
	// Output:
	// version 2
	// stale update conflicts: true
	// create memo/memo-2: invalid: 2 problems:
	//   title: is required
	//   items[0].weight: must be between 1 and 5, got 9
	// 2 entries, 1 record verified: true
}

// ktContended is a ChainApplier whose first fails calls report
// ErrContention, as a store whose lock stayed taken would.
type ktContended struct {
	*memstore.Store
	fails int64
	calls atomic.Int64
}

func (s *ktContended) ApplyChained(ctx context.Context, tenant string, b aims.Batch, seal func(uint64, string) error) ([]int64, error) {
	if s.calls.Add(1) <= s.fails {
		return nil, fmt.Errorf("lock wait ran out: %w", aims.ErrContention)
	}
	return s.Store.ApplyChained(ctx, tenant, b, seal)
}

// ktMover is a Transactor (not a ChainApplier) on which another writer
// appends an entry just before every Apply: the head always moves.
type ktMover struct {
	*memstore.Store
	calls atomic.Int64
}

func (s *ktMover) Apply(ctx context.Context, tenant string, b aims.Batch) ([]int64, error) {
	s.calls.Add(1)
	var prev *aims.Entry
	if h, err := s.Store.Head(ctx, tenant); err == nil {
		prev = &h
	}
	e := aims.Entry{Time: ktNow, Actor: "other", Event: "note"}
	aims.Seal(tenant, &e, prev)
	if err := s.Store.Append(ctx, tenant, e); err != nil {
		return nil, err
	}
	return s.Store.Apply(ctx, tenant, b)
}

func (s *ktMover) ApplyChained() {} // hides memstore's: not an aims.ChainApplier

func TestCommitContention(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fails int64
		// ok: the create lands after retries; otherwise it fails with
		// ErrContention (never ErrConflict) and writes nothing.
		ok bool
	}{
		{"RetriedThrough", 3, true},
		{"Exhausted", 1 << 30, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := &ktContended{Store: memstore.New(), fails: tc.fails}
			var waits atomic.Int64
			ws, err := aims.NewWorkspace(s, "acme", &aims.Options{Clock: func() time.Time { return ktNow },
				Jitter: func(d time.Duration) time.Duration {
					if d <= 0 {
						t.Errorf("jitter asked for a range of %v", d)
					}
					waits.Add(1)
					return 0
				}})
			if err != nil {
				t.Fatal(err)
			}
			m := &ktMemo{Title: "contended"}
			m.ID = "memo-c"
			err = aims.NewCollection[ktMemo](ws, "memo", 1).Create(t.Context(), "ana", m)
			if tc.ok {
				if err != nil {
					t.Fatalf("Create after %d contended attempts: %v", tc.fails, err)
				}
				if got := s.calls.Load(); got != tc.fails+1 {
					t.Errorf("ApplyChained called %d times, want %d", got, tc.fails+1)
				}
				if got := waits.Load(); got != tc.fails {
					t.Errorf("%d jittered waits, want one per retry (%d)", got, tc.fails)
				}
				return
			}
			if !errors.Is(err, aims.ErrContention) || errors.Is(err, aims.ErrConflict) {
				t.Fatalf("Create under endless contention: error = %v, want ErrContention and not ErrConflict", err)
			}
			if calls := s.calls.Load(); calls < 2 || calls != waits.Load()+1 {
				t.Errorf("%d attempts and %d waits: want a bounded number of retries, each after a wait", calls, waits.Load())
			}
			if _, err := s.Get(t.Context(), "acme", "memo", "memo-c"); !errors.Is(err, aims.ErrNotFound) {
				t.Errorf("Get after a failed create: %v, want ErrNotFound", err)
			}
		})
	}
	t.Run("TransactorHeadAlwaysMoves", func(t *testing.T) {
		t.Parallel()
		s := &ktMover{Store: memstore.New()}
		ws, err := aims.NewWorkspace(s, "acme", &aims.Options{Clock: func() time.Time { return ktNow },
			Jitter: func(time.Duration) time.Duration { return 0 }})
		if err != nil {
			t.Fatal(err)
		}
		m := &ktMemo{Title: "moving"}
		err = aims.NewCollection[ktMemo](ws, "memo", 1).Create(t.Context(), "ana", m)
		if !errors.Is(err, aims.ErrContention) || errors.Is(err, aims.ErrConflict) {
			t.Fatalf("Create while the head always moves: error = %v, want ErrContention and not ErrConflict", err)
		}
		if s.calls.Load() < 2 {
			t.Errorf("Apply called %d times, want retries", s.calls.Load())
		}
	})
}
