package aims_test

import (
	"errors"
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
