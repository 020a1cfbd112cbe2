package aims_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
)

// TestPolicyMostSpecificRuleWins: a kind-and-action rule beats the
// wildcards; deleting needs an administrator even from a role holder.
func TestPolicyMostSpecificRuleWins(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws, err := aims.NewWorkspace(memstore.New(), "t", &aims.Options{Policy: aims.DefaultPolicy()})
	if err != nil {
		t.Fatal(err)
	}
	seed := aims.NewCollection[aims.RoleAssignment](ws, aims.KindRoleAssignment, 1)
	// admin founds the workspace (its first assignment), then assigns eng.
	for _, a := range []struct {
		who string
		r   aims.Role
	}{{"admin", aims.RoleAIMSManager}, {"eng", "ml-engineer"}} {
		if err := seed.Create(ctx, "admin", &aims.RoleAssignment{Meta: aims.Meta{ID: a.who}, Roles: []aims.Role{a.r}}); err != nil {
			t.Fatal(err)
		}
	}
	ra, ok := ws.Authorizer().(aims.RequestAuthorizer)
	if !ok {
		t.Fatalf("the workspace's authorizer %T does not authorize requests", ws.Authorizer())
	}
	tests := []struct {
		actor, action, kind string
		allowed             bool
	}{
		{"eng", "create", "ai-system", true},
		{"eng", "delete", "ai-system", false},
		{"admin", "delete", "ai-system", true},
		{"eng", "update", "soa-decision", false},
		{"admin", "update", "soa-decision", true},
		{"nobody", "create", "ai-system", false},
		{"nobody", "create", "pdca-cycle", true},
		{"nobody", "create", "role-assignment", false}, // founded: only the first was free
		{"eng", "create", "role-assignment", true},     // the role guard decides the rest
	}
	for _, tt := range tests {
		err := ra.AuthorizeRequest(ctx, aims.Request{Tenant: "t", Actor: tt.actor, Action: tt.action, Kind: tt.kind, ID: "x"})
		if got := err == nil; got != tt.allowed || (err != nil && !errors.Is(err, aims.ErrForbidden)) {
			t.Errorf("%s %s %s: %v, want allowed=%v", tt.actor, tt.action, tt.kind, err, tt.allowed)
		}
	}
}

// TestAllowAllAllowsEveryone: the explicit opt-out lets an actor holding
// no role through every change.
func TestAllowAllAllowsEveryone(t *testing.T) {
	t.Parallel()
	ws, err := aims.NewWorkspace(memstore.New(), "t", &aims.Options{Policy: aims.AllowAll()})
	if err != nil {
		t.Fatal(err)
	}
	ra := ws.Authorizer().(aims.RequestAuthorizer)
	for _, action := range []string{"create", "delete", "approve"} {
		if err := ra.AuthorizeRequest(t.Context(), aims.Request{Tenant: "t", Actor: "svc", Action: action, Kind: "soa-decision", ID: "x"}); err != nil {
			t.Errorf("%s under AllowAll: %v", action, err)
		}
	}
}

// barrierStore pairs the two founders' role-assignment Lists (the
// checks "is the tenant founded yet?" of the role guard and of the
// policy): each List, once read, waits until the other founder has read
// its List of the same round, so both pass every check before either
// commits.
type barrierStore struct {
	*memstore.Store
	mu      sync.Mutex
	cond    *sync.Cond
	waiting int
	round   int
}

func (s *barrierStore) List(ctx context.Context, tenant string, q aims.Query) (aims.Page, error) {
	page, err := s.Store.List(ctx, tenant, q) // read first, then wait for the other's read
	if q.Kind == aims.KindRoleAssignment {
		s.mu.Lock()
		round := s.round
		if s.waiting++; s.waiting == 2 {
			s.waiting, s.round = 0, s.round+1
			s.cond.Broadcast()
		}
		for s.round == round {
			s.cond.Wait()
		}
		s.mu.Unlock()
	}
	return page, err
}

// TestFoundingRace: two role-less actors founding one tenant at the same
// instant both pass the policy's check, but the founding marker created in
// the same commit lets one of them found it and makes the other conflict.
func TestFoundingRace(t *testing.T) {
	ctx := t.Context()
	store := &barrierStore{Store: memstore.New()}
	store.cond = sync.NewCond(&store.mu)
	errs := make(chan error, 2)
	for _, who := range []string{"mallory", "alice"} {
		go func() {
			ws, err := aims.NewWorkspace(store, "t", &aims.Options{Policy: aims.DefaultPolicy()})
			if err == nil {
				// Each names a different first top manager (nobody assigns
				// their own roles): without the marker both would land.
				err = aims.RoleAssignments(ws).Create(ctx, who, &aims.RoleAssignment{Meta: aims.Meta{ID: who + "-boss"}, Roles: []aims.Role{aims.RoleTopManagement}})
			}
			errs <- err
		}()
	}
	var ok, conflicts int
	for range 2 {
		switch err := <-errs; {
		case err == nil:
			ok++
		case errors.Is(err, aims.ErrConflict):
			conflicts++
		default:
			t.Fatalf("founder: %v", err)
		}
	}
	if ok != 1 || conflicts != 1 {
		t.Fatalf("%d founders succeeded and %d conflicted, want 1 and 1", ok, conflicts)
	}
	page, err := store.Store.List(ctx, "t", aims.Query{Kind: aims.KindRoleAssignment}) // past the barrier
	if err != nil || len(page.Records) != 1 {
		t.Fatalf("role assignments after the race = %d, %v; want the one founder", len(page.Records), err)
	}
}

// TestFoundingAgain: a tenant whose role assignments are all gone (here
// removed from the store underneath) can be founded again: the marker is
// written at its current version, not created anew.
func TestFoundingAgain(t *testing.T) {
	ctx := t.Context()
	store := memstore.New()
	ws, err := aims.NewWorkspace(store, "t", &aims.Options{Policy: aims.DefaultPolicy()})
	if err != nil {
		t.Fatal(err)
	}
	roles := aims.RoleAssignments(ws)
	if err := roles.Create(ctx, "setup", &aims.RoleAssignment{Meta: aims.Meta{ID: "alice"}, Roles: []aims.Role{aims.RoleTopManagement}}); err != nil {
		t.Fatal(err)
	}
	if err := store.Delete(ctx, "t", aims.KindRoleAssignment, "alice", 1); err != nil {
		t.Fatal(err)
	}
	if err := roles.Create(ctx, "setup", &aims.RoleAssignment{Meta: aims.Meta{ID: "bob"}, Roles: []aims.Role{aims.RoleTopManagement}}); err != nil {
		t.Fatalf("founding again: %v", err)
	}
	marker, err := store.Get(ctx, "t", aims.KindFounding, aims.FoundingID)
	if err != nil || marker.Version != 2 {
		t.Fatalf("founding marker = version %d, %v; want version 2", marker.Version, err)
	}
}
