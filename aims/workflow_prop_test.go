package aims_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
)

// The change-request workflow of the property tests: realistic enough to
// exercise roles, per-record roles, Allow, duties, guards, a self-loop and
// two terminal states.

type crState string
type crEvent string

type changeRequest struct {
	aims.Meta
	Title       string `json:"title"`
	Owner       string `json:"owner"`
	Implementer string `json:"implementer"`
	Risk        int    `json:"risk"` // 0 = not yet scored, 1..5
	Evidence    bool   `json:"evidence,omitempty"`
	Comments    int    `json:"comments,omitempty"`
}

func (c *changeRequest) Validate() error {
	var p aims.Problems
	p.Require("title", c.Title)
	if c.Risk < 0 || c.Risk > 5 {
		p.Addf("risk", "must be between 0 and 5, got %d", c.Risk)
	}
	return p.Err()
}

const (
	crAnalyst aims.Role = "analyst"
	crManager aims.Role = "manager"
	crTop     aims.Role = "top-management"
	crAuditor aims.Role = "auditor"
)

var crRoles = []aims.Role{crAnalyst, crManager, crTop, crAuditor}

type crTransition = aims.Transition[changeRequest, crState, crEvent]

func crSpec() aims.Spec[changeRequest, crState, crEvent] {
	scored := aims.Guard[changeRequest]{Name: "risk-scored", Check: func(_ context.Context, c *changeRequest) error {
		if c.Risk < 1 {
			return errors.New("risk is not scored")
		}
		return nil
	}}
	evidence := aims.Guard[changeRequest]{Name: "evidence-attached", Check: func(_ context.Context, c *changeRequest) error {
		if !c.Evidence {
			return errors.New("no evidence attached")
		}
		return nil
	}}
	owner := func(c *changeRequest) []string { return []string{c.Owner} }
	implementer := func(c *changeRequest) []string { return []string{c.Implementer} }
	return aims.Spec[changeRequest, crState, crEvent]{
		Name: "change", Version: 3, Initial: "open",
		States:   []crState{"open", "assessed", "approved", "implemented", "verified", "closed", "rejected"},
		Terminal: []crState{"closed", "rejected"},
		Transitions: []crTransition{
			{Event: "comment", From: []crState{"open", "assessed"}, To: "open"},
			{Event: "assess", From: []crState{"open"}, To: "assessed", Roles: []aims.Role{crAnalyst}, Guards: []aims.Guard[changeRequest]{scored}},
			{Event: "approve", From: []crState{"assessed"}, To: "approved",
				RolesFor: func(c *changeRequest) []aims.Role {
					if c.Risk >= 4 {
						return []aims.Role{crTop}
					}
					return []aims.Role{crManager, crTop}
				},
				Duties: []aims.Duty[changeRequest]{aims.NotActor("approver-is-not-owner", owner)},
				Guards: []aims.Guard[changeRequest]{scored}},
			{Event: "reject", From: []crState{"assessed", "approved"}, To: "rejected", Roles: []aims.Role{crManager},
				Allow: func(c *changeRequest, actor string) bool { return c.Owner == actor }},
			{Event: "implement", From: []crState{"approved"}, To: "implemented",
				Allow:  func(c *changeRequest, actor string) bool { return c.Implementer == actor },
				Guards: []aims.Guard[changeRequest]{evidence}},
			{Event: "rework", From: []crState{"implemented"}, To: "approved", Roles: []aims.Role{crAuditor}},
			{Event: "verify", From: []crState{"implemented"}, To: "verified", Roles: []aims.Role{crAuditor},
				Duties: []aims.Duty[changeRequest]{
					aims.NotActor("verifier-is-not-implementer", implementer),
					aims.NotActor("verifier-is-not-owner", owner),
				},
				Guards: []aims.Guard[changeRequest]{evidence, scored}},
			{Event: "close", From: []crState{"verified"}, To: "closed", Guards: []aims.Guard[changeRequest]{evidence}},
		},
	}
}

var crMachine = aims.MustMachine(crSpec())

var crActors = []string{"ann", "ben", "cat", "dan", "eve"}

// oracle decides a firing from the spec's data alone, without the machine:
// it returns nil for success or the category the refusal must match.
func crOracle(spec aims.Spec[changeRequest, crState, crEvent], roles map[string][]aims.Role, rec *changeRequest, state crState, actor string, ev crEvent) error {
	var tr *crTransition
	for i := range spec.Transitions {
		if spec.Transitions[i].Event == ev && slices.Contains(spec.Transitions[i].From, state) {
			tr = &spec.Transitions[i]
		}
	}
	if tr == nil {
		return aims.ErrTransitionDenied
	}
	need := tr.Roles
	if tr.RolesFor != nil {
		need = tr.RolesFor(rec)
	}
	holds := slices.ContainsFunc(need, func(r aims.Role) bool { return slices.Contains(roles[actor], r) })
	allowed := tr.Allow != nil && tr.Allow(rec, actor)
	authority := allowed || holds || (len(need) == 0 && tr.Allow == nil)
	duties := true
	for _, d := range tr.Duties {
		if d.Check(rec, actor) != nil {
			duties = false
		}
	}
	if !authority || !duties {
		return aims.ErrForbidden
	}
	for _, g := range tr.Guards {
		if g.Check(context.Background(), rec) != nil {
			return aims.ErrTransitionDenied
		}
	}
	return nil
}

// crChange is the data a random firing carries.
type crChange struct {
	Risk     int // -1: unchanged
	Evidence int // -1: unchanged, 0: false, 1: true
	Fail     bool
}

var errCRBadInput = fmt.Errorf("%w: rejected by the caller's Change", aims.ErrInvalid)

func (c crChange) apply(rec *changeRequest) error {
	if c.Fail {
		return errCRBadInput
	}
	if c.Risk >= 0 {
		rec.Risk = c.Risk
	}
	if c.Evidence >= 0 {
		rec.Evidence = c.Evidence == 1
	}
	rec.Comments++
	return nil
}

func drawCRRoles(t *rapid.T, label string) []aims.Role {
	var out []aims.Role
	for _, r := range crRoles {
		if rapid.IntRange(0, 2).Draw(t, label+"/"+string(r)) == 0 {
			out = append(out, r)
		}
	}
	return out
}

// TestFireProperties fires random events by random crActors with random role
// assignments, versions and changes, and checks every outcome against the
// oracle: success exactly when the oracle says so, refusals with the
// oracle's category and nothing written, the stored record equal to the
// model, and a journal that verifies at the end.
func TestFireProperties(t *testing.T) {
	t.Parallel()
	spec := crSpec()
	events := crMachine.Events()
	events = append(events, "teleport") // an event no transition knows
	rapid.Check(t, func(t *rapid.T) {
		ctx := context.Background()
		store := memstore.New()
		tick := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		ws, err := aims.NewWorkspace(store, "acme", &aims.Options{Clock: func() time.Time { return tick }})
		if err != nil {
			t.Fatal(err)
		}
		ras := aims.NewCollection[aims.RoleAssignment](ws, aims.KindRoleAssignment, 1)
		roles := map[string][]aims.Role{}
		setRoles := func(actor string, rs []aims.Role) {
			old, err := ras.Get(ctx, actor)
			switch {
			case errors.Is(err, aims.ErrNotFound) && len(rs) == 0:
				return
			case errors.Is(err, aims.ErrNotFound):
				err = ras.Create(ctx, "admin", &aims.RoleAssignment{Meta: aims.Meta{ID: actor}, Roles: rs})
			case err != nil:
			case len(rs) == 0:
				err = ras.Delete(ctx, "admin", actor, old.Version)
			default:
				old.Roles = rs
				err = ras.Update(ctx, "admin", old)
			}
			if err != nil {
				t.Fatalf("role assignment of %s: %v", actor, err)
			}
			roles[actor] = rs
		}
		for _, a := range crActors {
			setRoles(a, drawCRRoles(t, "roles/"+a))
		}
		crs := aims.NewCollection[changeRequest](ws, "change", 1)
		model := changeRequest{
			Meta:        aims.Meta{ID: "cr-1"},
			Title:       "Swap the scoring model",
			Owner:       rapid.SampledFrom(crActors).Draw(t, "owner"),
			Implementer: rapid.SampledFrom(crActors).Draw(t, "implementer"),
			Risk:        rapid.IntRange(0, 5).Draw(t, "risk"),
		}
		v := model
		if err := aims.Start(ctx, crs, crMachine, model.Owner, &v); err != nil {
			t.Fatalf("Start: %v", err)
		}
		state, version := crMachine.Initial(), int64(1)

		steps := rapid.IntRange(1, 40).Draw(t, "steps")
		for i := range steps {
			tick = tick.Add(time.Minute)
			if rapid.IntRange(0, 9).Draw(t, "regrant") == 0 {
				a := rapid.SampledFrom(crActors).Draw(t, "regrant/actor")
				setRoles(a, drawCRRoles(t, "regrant/roles"))
			}
			actor := rapid.SampledFrom(crActors).Draw(t, "actor")
			ev := rapid.SampledFrom(events).Draw(t, "event")

			// The events on offer agree with the oracle.
			var want []crEvent
			for _, e := range crMachine.Events() {
				if crOracle(spec, roles, &model, state, actor, e) == nil {
					want = append(want, e)
				}
			}
			got, err := aims.Actions(ctx, crs, crMachine, actor, "cr-1")
			if err != nil {
				t.Fatalf("step %d: Actions: %v", i, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("step %d: Actions(%s) in %s (-oracle +got):\n%s", i, actor, state, diff)
			}

			var expected int64
			switch rapid.IntRange(0, 3).Draw(t, "version") {
			case 0:
				expected = 0
			case 1:
				expected = version - 1 // stale (0 only when version is 1: current)
			default:
				expected = version
			}
			var ch *crChange
			if rapid.Bool().Draw(t, "has-change") {
				ch = &crChange{
					Risk:     rapid.IntRange(-1, 5).Draw(t, "crChange/risk"),
					Evidence: rapid.IntRange(-1, 1).Draw(t, "crChange/evidence"),
					Fail:     rapid.IntRange(0, 9).Draw(t, "crChange/fail") == 0,
				}
			}

			// The oracle's verdict, on the record as Change would leave it.
			next := model
			var wantErr error
			switch {
			case expected != 0 && expected != version:
				wantErr = aims.ErrConflict
			case ch != nil && ch.Fail:
				wantErr = aims.ErrInvalid
			default:
				if ch != nil {
					_ = ch.apply(&next)
				}
				wantErr = crOracle(spec, roles, &next, state, actor, ev)
			}

			head, _ := store.Head(ctx, "acme")
			f := aims.Firing[changeRequest, crEvent]{ID: "cr-1", Version: expected, Actor: actor, Event: ev}
			if ch != nil {
				f.Change = ch.apply
			}
			res, err := aims.Fire(ctx, crs, crMachine, f)
			if wantErr != nil {
				if !errors.Is(err, wantErr) {
					t.Fatalf("step %d: %s fires %s in %s: err = %v, oracle says %v", i, actor, ev, state, err, wantErr)
				}
				if now, _ := store.Head(ctx, "acme"); now.Seq != head.Seq || now.Hash != head.Hash {
					t.Fatalf("step %d: refused firing moved the journal head from %d to %d", i, head.Seq, now.Seq)
				}
			} else {
				if err != nil {
					t.Fatalf("step %d: %s fires %s in %s: %v, oracle says success", i, actor, ev, state, err)
				}
				state = crState(res.State)
				version++
				model = next
				now, _ := store.Head(ctx, "acme")
				if now.Seq != head.Seq+1 || now.Event != string(ev) || now.Actor != actor || now.Version != version || now.To != string(state) {
					t.Fatalf("step %d: journal head %+v does not record %s by %s to version %d", i, now, ev, actor, version)
				}
			}
			if !crMachine.Valid(state) {
				t.Fatalf("step %d: state %q is not declared", i, state)
			}
			stored, err := crs.Get(ctx, "cr-1")
			if err != nil {
				t.Fatal(err)
			}
			if stored.State != string(state) || stored.Version != version || stored.Workflow != "change@3" {
				t.Fatalf("step %d: stored Meta %+v, want state %s version %d", i, stored.Meta, state, version)
			}
			gotData := *stored
			gotData.Meta, model.Meta = aims.Meta{}, aims.Meta{}
			if diff := cmp.Diff(model, gotData); diff != "" {
				t.Fatalf("step %d: stored record differs from the model (-model +stored):\n%s", i, diff)
			}
		}
		if _, err := ws.Verify(ctx); err != nil {
			t.Fatalf("Verify: %v", err)
		}
	})
}

// Benchmarks of Fire on the in-memory store, beside the bare store writes
// it is made of.

func crBenchWorkspace(b *testing.B) (*memstore.Store, *aims.Collection[changeRequest, *changeRequest]) {
	ctx := b.Context()
	store := memstore.New()
	tick := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ws, err := aims.NewWorkspace(store, "acme", &aims.Options{Clock: func() time.Time { return tick }})
	if err != nil {
		b.Fatal(err)
	}
	if err := aims.NewCollection[aims.RoleAssignment](ws, aims.KindRoleAssignment, 1).Create(ctx, "admin", &aims.RoleAssignment{Meta: aims.Meta{ID: "ann"}, Roles: []aims.Role{crAnalyst}}); err != nil {
		b.Fatal(err)
	}
	crs := aims.NewCollection[changeRequest](ws, "change", 1)
	cr := &changeRequest{Meta: aims.Meta{ID: "cr-1"}, Title: "Swap the scoring model", Owner: "ben", Implementer: "cat", Risk: 2}
	if err := aims.Start(ctx, crs, crMachine, "ben", cr); err != nil {
		b.Fatal(err)
	}
	return store, crs
}

// BenchmarkFire measures one transition with its journal entry: load,
// decode, authority (a role assignment read), guard, validate, encode, and
// one atomic batch. It alternates assess (analyst role, a guard) and
// comment (open), so every iteration moves the record.
func BenchmarkFire(b *testing.B) {
	_, crs := crBenchWorkspace(b)
	ctx := b.Context()
	evs := [2]crEvent{"assess", "comment"}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if _, err := aims.Fire(ctx, crs, crMachine, aims.Firing[changeRequest, crEvent]{ID: "cr-1", Actor: "ann", Event: evs[i%2]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkBaselinePutAppend is the floor under BenchmarkFire: a Put of the
// same record bytes and one sealed Append, with no decoding, validation or
// authority.
func BenchmarkBaselinePutAppend(b *testing.B) {
	store, _ := crBenchWorkspace(b)
	ctx := b.Context()
	rec, err := store.Get(ctx, "acme", "change", "cr-1")
	if err != nil {
		b.Fatal(err)
	}
	head, err := store.Head(ctx, "acme")
	if err != nil {
		b.Fatal(err)
	}
	version := rec.Version
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		v, err := store.Put(ctx, "acme", rec, version)
		if err != nil {
			b.Fatal(err)
		}
		version = v
		e := aims.Entry{Time: at, Actor: "ann", Kind: "change", ID: "cr-1", Event: "assess", From: "open", To: "assessed", Version: v, Digest: aims.Digest(rec.Data)}
		aims.Seal("acme", &e, &head)
		if err := store.Append(ctx, "acme", e); err != nil {
			b.Fatal(err)
		}
		head = e
	}
}
