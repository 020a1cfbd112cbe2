package iso42001_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsgo/iso42001"
	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/audit"
)

// A product opens a complete AIMS on its store and tenant, and asks what a
// certification auditor would find missing.
func ExampleOpen() {
	ctx := context.Background()
	clock := func() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) }
	a, err := iso42001.Open(ctx, memstore.New(), "acme", &iso42001.Options{Clock: clock})
	if err != nil {
		panic(err)
	}
	// Every change needs a role: the first assignment founds the workspace.
	_ = aims.RoleAssignments(a.Workspace()).Create(ctx, "alice", &aims.RoleAssignment{Meta: aims.Meta{ID: "alice"}, Roles: []aims.Role{aims.RoleTopManagement}})
	_ = aims.AISystems(a.Workspace()).Create(ctx, "alice", &aims.AISystem{Meta: aims.Meta{ID: "credit"}, Name: "Credit scoring", Roles: []aims.AIRole{aims.AIRoleProvider}, Owner: "alice", InScope: true})
	rep, _ := a.Readiness(ctx, audit.Stage1)
	fmt.Printf("stage 1 ready: %v, %d of %d checks failing\n", rep.Ready, len(rep.Failing), len(rep.Items))
	fmt.Println(rep.Items[0].Clause, rep.Items[0].Title+":", rep.Items[0].Detail)
	// Output:
	// stage 1 ready: false, 25 of 27 checks failing
	// 4.1 Internal and external issues determined: no internal or external issue is recorded
}
