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
	for who, r := range map[string]aims.Role{"admin": aims.RoleAIMSManager, "eng": "ml-engineer"} {
		if err := seed.Create(ctx, "admin", &aims.RoleAssignment{Meta: aims.Meta{ID: who}, Roles: []aims.Role{r}}); err != nil {
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
	}
	for _, tt := range tests {
		err := ra.AuthorizeRequest(ctx, aims.Request{Tenant: "t", Actor: tt.actor, Action: tt.action, Kind: tt.kind, ID: "x"})
		if got := err == nil; got != tt.allowed || (err != nil && !errors.Is(err, aims.ErrForbidden)) {
			t.Errorf("%s %s %s: %v, want allowed=%v", tt.actor, tt.action, tt.kind, err, tt.allowed)
		}
	}
}
