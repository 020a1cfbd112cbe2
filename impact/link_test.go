package impact

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/risk"
	"github.com/google/go-cmp/cmp"
)

var errBoom = errors.New("disk full")

// failingStore is memstore behind the plain aims.Store interface (its
// batch capabilities hidden) that fails the record write numbered failAt
// (1-based, counted from the start; 0 never fails).
type failingStore struct {
	aims.Store
	mem *memstore.Store

	mu             sync.Mutex
	writes, failAt int
}

func newFailingStore() *failingStore {
	m := memstore.New()
	return &failingStore{Store: m, mem: m}
}

// failIn arms the store to fail the nth write from now.
func (f *failingStore) failIn(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failAt = f.writes + n
}

// count counts n writes and fails when the armed one is among them.
func (f *failingStore) count(n int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	before := f.writes
	f.writes += n
	if f.failAt > before && f.failAt <= f.writes {
		f.failAt = 0
		return errBoom
	}
	return nil
}

func (f *failingStore) Put(ctx context.Context, tenant string, rec aims.Record, expected int64) (int64, error) {
	if err := f.count(1); err != nil {
		return 0, err
	}
	return f.Store.Put(ctx, tenant, rec, expected)
}

// txStore is failingStore as an aims.Transactor: a batch holding the
// failing write applies nothing, as Apply promises.
type txStore struct{ *failingStore }

func (t txStore) Apply(ctx context.Context, tenant string, b aims.Batch) ([]int64, error) {
	if err := t.count(len(b.Writes)); err != nil {
		return nil, err
	}
	return t.mem.Apply(ctx, tenant, b)
}

// fairScorer is a FAIR-like caller's scorer: threat event frequency x
// vulnerability x loss magnitude is the annualised loss, banded by its
// order of magnitude on the criteria's score range.
type fairScorer struct{ c *risk.Criteria }

func (f fairScorer) Score(a risk.Assessment) (risk.Score, error) {
	var p aims.Problems
	in := func(name string, hi float64) float64 {
		v, ok := a.Input(name)
		if !ok || !(v >= 0 && v <= hi) {
			p.Addf("factors."+name, "must be between 0 and %g, got %g", hi, v)
		}
		return v
	}
	tef, vuln, loss := in("tef", 1e6), in("vulnerability", 1), in("loss", 1e15)
	if err := p.Err(); err != nil {
		return risk.Score{}, err
	}
	ale := tef * vuln * loss
	lvl := 1
	for _, limit := range []float64{1e3, 1e4, 1e5} {
		if ale >= limit {
			lvl++
		}
	}
	return risk.Score{Value: ale, Band: f.c.Band(lvl).Name, Rationale: &risk.Rationale{Level: lvl, Method: "fair",
		Note: fmt.Sprintf("TEF %g x vulnerability %g x loss %g", tef, vuln, loss)}}, nil
}

// fairInput is an Options.RiskInput for fairScorer: the harm's
// likelihood level as events a year, scale as a tenth of vulnerability,
// severity as the loss's order of magnitude.
func fairInput(im *Impact) risk.Assessment {
	l := im.Levels
	loss := 1.0
	for range l.Severity {
		loss *= 10
	}
	return risk.Assessment{Factors: map[string]float64{"tef": float64(l.Likelihood), "vulnerability": float64(l.Scale) / 10, "loss": loss}}
}

type linkFixture struct {
	store *failingStore
	ws    *aims.Workspace
	reg   *risk.Register
	svc   *Service
	a     *Assessment
}

// newLinkFixture opens a workspace on store with a register scored by
// scorer and an in-review assessment with two harms above the threshold.
func newLinkFixture(t *testing.T, fs *failingStore, store aims.Store, scorer func(*risk.Criteria) risk.Scorer, input func(*Impact) risk.Assessment) *linkFixture {
	t.Helper()
	ctx := t.Context()
	clk := &clock{now: t0}
	ws, err := aims.NewWorkspace(store, "acme", &aims.Options{Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := aims.AISystems(ws).Create(ctx, admin, creditModel()); err != nil {
		t.Fatal(err)
	}
	crit := risk.DefaultCriteria()
	reg, err := risk.NewRegister(ws, crit, scorer(crit), nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := NewService(ctx, ws, &Options{Register: reg, RiskInput: input})
	if err != nil {
		t.Fatal(err)
	}
	a := must[*Assessment](t)(svc.New(ctx, alice, "credit-model"))
	a = must[*Assessment](t)(svc.Answer(ctx, alice, a.ID, baselineAnswers()))
	fill(a)
	second := a.Impacts[0]
	second.ID, second.Title = "I4", "Unfair limits for protected groups"
	a.Impacts = append(a.Impacts, second)
	a = must[*Assessment](t)(svc.Update(ctx, alice, a))
	if got := svc.Unlinked(a); len(got) != 2 {
		t.Fatalf("unlinked harms = %v, want two", got)
	}
	return &linkFixture{store: fs, ws: ws, reg: reg, svc: svc, a: a}
}

// state is what Link leaves behind: each risk's id and whether it is
// rated, the assessment's links, and whether the journal verifies.
type linkState struct {
	Risks    map[string]string // id -> inherent band, "" when unrated
	Links    []string
	Verifies bool
}

func (f *linkFixture) state(t *testing.T) linkState {
	t.Helper()
	ctx := t.Context()
	st := linkState{Risks: map[string]string{}}
	all, err := f.reg.All(ctx, risk.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rk := range all {
		st.Risks[rk.ID] = ""
		if rk.Inherent != nil {
			st.Risks[rk.ID] = rk.Inherent.Score.Band + " by " + rk.Inherent.Score.Rationale.Method
		}
	}
	a := must[*Assessment](t)(f.svc.Get(ctx, f.a.ID))
	for _, im := range a.Impacts {
		if im.Risk != "" {
			st.Links = append(st.Links, im.ID+"->"+im.Risk)
		}
	}
	_, err = f.ws.Verify(ctx)
	st.Verifies = err == nil
	if err != nil {
		t.Logf("verify: %v", err)
	}
	return st
}

func TestLinkLeavesNoHalfState(t *testing.T) {
	t.Parallel()
	matrix := func(c *risk.Criteria) risk.Scorer { return risk.NewMatrix(c) }
	fair := func(c *risk.Criteria) risk.Scorer { return fairScorer{c} }
	tests := []struct {
		name   string
		tx     bool
		scorer func(*risk.Criteria) risk.Scorer
		input  func(*Impact) risk.Assessment
		failIn int // fail the nth write of Link; 0 none
		// wantErr is the first Link's error text, "" for success.
		wantErr string
		// after is the state after the first Link, again after a second,
		// unfailing one.
		after, again linkState
	}{
		{
			name: "transactor: second write fails, nothing written", tx: true, scorer: matrix, failIn: 2, wantErr: "disk full",
			after: linkState{Risks: map[string]string{}, Verifies: true},
			again: linkState{Risks: map[string]string{"ia-I1": "high by matrix", "ia-I4": "high by matrix"},
				Links: []string{"I1->ia-I1", "I4->ia-I4"}, Verifies: true},
		},
		{
			name: "plain store: second write fails, the first risk is whole", scorer: matrix, failIn: 2, wantErr: "disk full",
			after: linkState{Risks: map[string]string{"ia-I1": "high by matrix"}, Verifies: true},
			again: linkState{Risks: map[string]string{"ia-I1": "high by matrix", "ia-I4": "high by matrix"},
				Links: []string{"I1->ia-I1", "I4->ia-I4"}, Verifies: true},
		},
		{
			name: "custom scorer without RiskInput: refused before any write", tx: true, scorer: fair,
			wantErr: "impacts[0].risk.factors.loss: must be between 0 and 1e+15, got 0",
			after:   linkState{Risks: map[string]string{}, Verifies: true},
			again:   linkState{Risks: map[string]string{}, Verifies: true},
		},
		{
			name: "custom scorer with RiskInput", tx: true, scorer: fair, input: fairInput,
			after: linkState{Risks: map[string]string{"ia-I1": "high by fair", "ia-I4": "high by fair"},
				Links: []string{"I1->ia-I1", "I4->ia-I4"}, Verifies: true},
			again: linkState{Risks: map[string]string{"ia-I1": "high by fair", "ia-I4": "high by fair"},
				Links: []string{"I1->ia-I1", "I4->ia-I4"}, Verifies: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := newFailingStore()
			var store aims.Store = fs
			if tt.tx {
				store = txStore{fs}
			}
			f := newLinkFixture(t, fs, store, tt.scorer, tt.input)
			// Risk ids are the assessment's id and the harm's.
			rename := func(st linkState) linkState {
				out := linkState{Risks: map[string]string{}, Verifies: st.Verifies}
				for id, b := range st.Risks {
					out.Risks[strings.Replace(id, "ia", f.a.ID, 1)] = b
				}
				for _, l := range st.Links {
					out.Links = append(out.Links, strings.Replace(l, "ia", f.a.ID, 1))
				}
				return out
			}
			if tt.failIn > 0 {
				fs.failIn(tt.failIn)
			}
			_, err := f.svc.Link(t.Context(), alice, f.a.ID)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Link: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Link = %v, want an error containing %q", err, tt.wantErr)
			}
			if diff := cmp.Diff(rename(tt.after), f.state(t)); diff != "" {
				t.Errorf("after Link (-want +got):\n%s", diff)
			}
			_, _ = f.svc.Link(t.Context(), alice, f.a.ID)
			if diff := cmp.Diff(rename(tt.again), f.state(t)); diff != "" {
				t.Errorf("after Link again (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLinkBadInputIsInvalid(t *testing.T) {
	t.Parallel()
	fs := newFailingStore()
	zero := func(*Impact) risk.Assessment { return risk.Assessment{} }
	f := newLinkFixture(t, fs, txStore{fs}, func(c *risk.Criteria) risk.Scorer { return risk.NewMatrix(c) }, zero)
	_, err := f.svc.Link(t.Context(), alice, f.a.ID)
	want := []string{"impacts[0].risk.likelihood: must be between 1 and 5, got 0", "impacts[3].risk.likelihood"}
	if !errors.Is(err, aims.ErrInvalid) {
		t.Fatalf("Link = %v, want ErrInvalid", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Link = %v, want it to contain %q", err, w)
		}
	}
}

// TestLinkJournal checks that a risk Link opens is journaled as created
// and assessed, and the assessment as updated, in one batch.
func TestLinkJournal(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	fs := newFailingStore()
	f := newLinkFixture(t, fs, txStore{fs}, func(c *risk.Criteria) risk.Scorer { return risk.NewMatrix(c) }, nil)
	head, err := fs.Head(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	before := fs.writes
	must[[]RiskLink](t)(f.svc.Link(ctx, alice, f.a.ID))
	if fs.writes != before+3 {
		t.Errorf("Link wrote %d records, want 3 in one batch", fs.writes-before)
	}
	entries, err := fs.ReadJournal(ctx, "acme", head.Seq+1, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, fmt.Sprintf("%s %s %s v%d", e.Event, e.Kind, strings.Replace(e.ID, f.a.ID, "ia", 1), e.Version))
	}
	want := []string{
		"create risk ia-I1 v1", "assess-inherent risk ia-I1 v1",
		"create risk ia-I4 v1", "assess-inherent risk ia-I4 v1",
		fmt.Sprintf("update %s ia v%d", KindAssessment, f.a.Version+1),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("journal of Link (-want +got):\n%s", diff)
	}
}
