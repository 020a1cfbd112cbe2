package iso42001

import (
	"context"
	"slices"
	"testing"

	"github.com/aimsgo/iso42001/aims"
)

// SeedRoles founds a's workspace for a test, as a product's identity
// provider would on day one: founder gets top-management and
// aims-manager (the founding assignment, made by founder), then founder
// assigns every other actor the roles given, in id order. Under the
// default policy nothing changes in a workspace until this ran. It is
// compiled into the package's tests only.
func SeedRoles(tb testing.TB, a *AIMS, founder string, others map[string][]aims.Role) {
	tb.Helper()
	ctx := context.Background()
	col := aims.RoleAssignments(a.Workspace())
	if err := col.Create(ctx, founder, &aims.RoleAssignment{Meta: aims.Meta{ID: founder}, Roles: []aims.Role{aims.RoleTopManagement, aims.RoleAIMSManager}}); err != nil {
		tb.Fatal(err)
	}
	ids := make([]string, 0, len(others))
	for id := range others {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := col.Create(ctx, founder, &aims.RoleAssignment{Meta: aims.Meta{ID: id}, Roles: others[id]}); err != nil {
			tb.Fatal(err)
		}
	}
}
