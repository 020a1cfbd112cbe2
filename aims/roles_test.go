package aims_test

import (
	"errors"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
)

// TestRoleAssignmentIsAuthorized: assigning roles is an authorized action,
// and nobody assigns, changes or removes their own.
func TestRoleAssignmentIsAuthorized(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws, err := aims.NewWorkspace(memstore.New(), "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	ras := aims.RoleAssignments(ws)
	assign := func(actor, who string, roles ...aims.Role) error {
		return ras.Create(ctx, actor, &aims.RoleAssignment{Meta: aims.Meta{ID: who}, Roles: roles})
	}
	// The first assignment founds the workspace, the actor's own included.
	if err := assign("alice", "alice", aims.RoleTopManagement); err != nil {
		t.Fatalf("the first assignment: %v", err)
	}
	if err := assign("mallory", "mallory", aims.RoleTopManagement); !errors.Is(err, aims.ErrForbidden) {
		t.Errorf("mallory giving herself top management: %v, want ErrForbidden", err)
	}
	if err := assign("mallory", "eve", aims.RoleApprover); !errors.Is(err, aims.ErrForbidden) {
		t.Errorf("mallory, holding no role, assigning eve: %v, want ErrForbidden", err)
	}
	if err := assign("alice", "bob", aims.RoleApprover); err != nil {
		t.Fatalf("top management assigning bob: %v", err)
	}
	bob, err := ras.Get(ctx, "bob")
	if err != nil {
		t.Fatal(err)
	}
	bob.Roles = append(bob.Roles, aims.RoleTopManagement)
	if err := ras.Update(ctx, "bob", bob); !errors.Is(err, aims.ErrForbidden) {
		t.Errorf("bob widening his own roles: %v, want ErrForbidden", err)
	}
	a, err := ras.Get(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := ras.Delete(ctx, "alice", "alice", a.Version); !errors.Is(err, aims.ErrForbidden) {
		t.Errorf("alice removing her own assignment: %v, want ErrForbidden", err)
	}
	rep, err := ws.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Entries != 2 {
		t.Errorf("journal holds %d entries, want the 2 allowed assignments only", rep.Entries)
	}
}
