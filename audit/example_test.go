package audit_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/audit"
)

// A nonconformity from an audit, corrected and verified by someone other
// than the implementer.
func ExampleNonconformities() {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ws, _ := aims.NewWorkspace(memstore.New(), "acme", &aims.Options{Clock: func() time.Time { return now }})
	roles := aims.RoleAssignments(ws)
	_ = roles.Create(ctx, "admin", &aims.RoleAssignment{Meta: aims.Meta{ID: "mgr"}, Roles: []aims.Role{aims.RoleAIMSManager}})
	_ = roles.Create(ctx, "mgr", &aims.RoleAssignment{Meta: aims.Meta{ID: "auditor"}, Roles: []aims.Role{aims.RoleInternalAuditor}})

	ncs := audit.NewNonconformities(ws)
	nc := &audit.Nonconformity{Meta: aims.Meta{ID: "nc-1"}, Type: audit.TypeNonconformity, Severity: audit.SeverityMinor,
		Title: "Model cards missing", Ref: "A.6.2.7", Source: audit.SourceAudit, Owner: "dev"}
	_ = ncs.Open(ctx, "auditor", nc)
	_, _ = ncs.Analyse(ctx, "dev", "nc-1", audit.RootCause{Method: "5 whys", Causes: []string{"no template"}})
	_, _ = ncs.Act(ctx, "dev", "nc-1", audit.RootCause{}, []audit.Action{{Title: "add template", Owner: "dev", Due: now.AddDate(0, 0, 14)}})
	_, _ = ncs.Implement(ctx, "dev", "nc-1")
	if _, err := ncs.Verify(ctx, "dev", "nc-1", true, "looks fine to me"); err != nil {
		fmt.Println("dev verifies own work:", err != nil)
	}
	_, _ = ncs.Verify(ctx, "auditor", "nc-1", true, "all five models have cards")
	closed, err := ncs.Close(ctx, "mgr", "nc-1")
	fmt.Println(closed.State, err)
	// Output:
	// dev verifies own work: true
	// closed <nil>
}

// Certification readiness on an empty AIMS lists what is missing.
func ExampleReadiness() {
	ws, _ := aims.NewWorkspace(memstore.New(), "acme", nil)
	rep, _ := audit.Readiness(context.Background(), ws, audit.Stage1)
	fmt.Println("ready:", rep.Ready)
	for _, f := range rep.Failing[:3] {
		fmt.Println(f.Clause, f.ID)
	}
	// Output:
	// ready: false
	// 4.3 scope-defined
	// 5.2 ai-policy
	// 6.1.1 risk-criteria
}
