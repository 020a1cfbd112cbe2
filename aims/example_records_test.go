package aims_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
)

// exampleWorkspace is a workspace on an in-memory store with a fixed clock.
func exampleWorkspace() *aims.Workspace {
	ws, err := aims.NewWorkspace(memstore.New(), "clinica", &aims.Options{
		Clock: func() time.Time { return time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		panic(err)
	}
	return ws
}

// Register AI systems in the inventory and list those in scope that the
// organisation provides.
func ExampleAISystems() {
	ctx := context.Background()
	inv := aims.AISystems(exampleWorkspace())
	for _, s := range []*aims.AISystem{
		{Meta: aims.Meta{ID: "triage"}, Name: "Emergency triage model", Roles: []aims.AIRole{aims.AIRoleProvider, aims.AIRoleProducer},
			Stage: aims.StageOperationMonitoring, Owner: "dana", InScope: true},
		{Meta: aims.Meta{ID: "chat"}, Name: "Support chatbot", Roles: []aims.AIRole{aims.AIRoleCustomer}, InScope: true},
		{Meta: aims.Meta{ID: "hr"}, Name: "CV screening pilot", Roles: []aims.AIRole{aims.AIRoleProvider}},
	} {
		if err := inv.Create(ctx, "dana", s); err != nil {
			fmt.Println(err)
			return
		}
	}
	for s, err := range inv.List(ctx, map[string]string{"inScope": "true", "role:provider": "true"}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %s (%s, owner %s)\n", s.ID, s.Name, s.Stage, s.Owner)
	}

	// A record that breaks the rules names every problem with its path.
	err := inv.Create(ctx, "dana", &aims.AISystem{Meta: aims.Meta{ID: "x"}, Stage: "beta",
		DataSources: []aims.DataSource{{Name: "web crawl", Kind: "scraped"}}})
	fmt.Println(err)
	// Output:
	// triage: Emergency triage model (operation-and-monitoring, owner dana)
	// create ai-system/x: invalid: 3 problems:
	//   name: is required
	//   stage: must be an ISO/IEC 22989 life cycle stage, got "beta"
	//   dataSources[0].kind: must be training, validation, test, production or other, got "scraped"
}

// Ask what the plan still lacks before the cycle may move to Do, then
// provide it and advance.
func ExamplePDCA_Status() {
	ctx := context.Background()
	ws := exampleWorkspace()
	pd := aims.NewPDCA(ws, nil)

	show := func() {
		st, err := pd.Status(ctx)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("cycle %d, %s -> %s, ready: %v\n", st.Cycle, st.Phase, st.Next, st.Ready)
		for _, r := range st.Blocking {
			fmt.Printf("  %-4s %s: %s\n", r.Clause, r.Title, r.Detail)
		}
	}
	show()

	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(aims.RoleAssignments(ws).Create(ctx, "admin", &aims.RoleAssignment{Meta: aims.Meta{ID: "boss"}, Roles: []aims.Role{aims.RoleTopManagement}}))
	must(aims.RoleAssignments(ws).Create(ctx, "boss", &aims.RoleAssignment{Meta: aims.Meta{ID: "ana"}, Roles: []aims.Role{aims.RoleAIMSManager}}))
	must(aims.ContextIssues(ws).Create(ctx, "ana", &aims.ContextIssue{Title: "EU AI Act: triage is high-risk", Type: aims.IssueExternal, Category: aims.CategoryLegal}))
	must(aims.ContextIssues(ws).Create(ctx, "ana", &aims.ContextIssue{Title: "Two data scientists only", Type: aims.IssueInternal, Category: aims.CategoryTechnical}))
	must(aims.InterestedParties(ws).Create(ctx, "ana", &aims.InterestedParty{Meta: aims.Meta{ID: "hospitals"}, Name: "Hospitals", Category: aims.PartyCustomer,
		Requirements: []aims.Requirement{{ID: "explain", Text: "Explain each prioritisation", Source: aims.SourceContractual}}}))
	must(aims.AISystems(ws).Create(ctx, "ana", &aims.AISystem{Meta: aims.Meta{ID: "triage"}, Name: "Emergency triage model", InScope: true}))
	must(aims.Scopes(ws).Create(ctx, "ana", &aims.Scope{Meta: aims.Meta{ID: aims.ScopeID},
		Statement: "Development and operation of the triage model", AISystems: []string{"triage"}}))
	docs := aims.NewDocuments(ws)
	policy := &aims.DocumentedInfo{Title: "AI policy", Type: aims.DocPolicy, AIPolicy: true, Text: "We develop and use AI responsibly."}
	must(docs.Create(ctx, "ana", policy))
	_, err := docs.Submit(ctx, "ana", policy.ID)
	must(err)
	_, err = docs.Approve(ctx, "boss", policy.ID)
	must(err)
	show()

	_, err = pd.Advance(ctx, "ana")
	fmt.Println("advance:", err)
	must(aims.Objectives(ws).Create(ctx, "ana", &aims.Objective{Title: "Equal triage quality", Responsible: "ana"}))
	c, err := pd.Advance(ctx, "ana")
	must(err)
	fmt.Printf("cycle %d is in phase %s\n", c.Number, c.Phase())
	// Output:
	// cycle 1, plan -> do, ready: false
	//   4.1  Internal and external issues determined: no internal or external issue is recorded
	//   4.2  Interested parties and their requirements determined: no interested party is recorded
	//   4.3  AI systems inventoried: the AI system inventory is empty
	//   4.3  AIMS scope defined: no AIMS scope is recorded
	//   5.1  Top management named and committed to the AI policy: nobody holds the role top-management
	//   5.2  AI policy approved: no AI policy is approved or published
	//   5.3  Roles and responsibilities assigned: no roles are assigned
	//   6.2  AI objectives set: no AI objectives are set
	//   7.5  Documented information controlled and reviewed on time: no approved or published documented information is in force
	// cycle 1, plan -> do, ready: false
	//   6.2  AI objectives set: no AI objectives are set
	// advance: fire plan->do pdca-cycle/pdca: workflow pdca@1: "plan->do" from "plan": transition denied: 6.2 ai-objectives: no AI objectives are set
	// cycle 1 is in phase do
}
