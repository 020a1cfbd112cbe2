package aims_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
)

// examplePolicy is a document that must be approved by someone other than its
// author before it is published.
type examplePolicy struct {
	aims.Meta
	Title  string `json:"title"`
	Author string `json:"author"`
}

func (p *examplePolicy) Validate() error {
	var pr aims.Problems
	pr.Require("title", p.Title)
	return pr.Err()
}

type policyState string
type policyEvent string

var policyFlow = aims.MustMachine(aims.Spec[examplePolicy, policyState, policyEvent]{
	Name: "policy", Version: 1, Initial: "draft",
	States:   []policyState{"draft", "approved", "retired"},
	Terminal: []policyState{"retired"},
	Transitions: []aims.Transition[examplePolicy, policyState, policyEvent]{
		{
			Event: "approve", From: []policyState{"draft"}, To: "approved",
			Roles:  []aims.Role{"top-management"},
			Duties: []aims.Duty[examplePolicy]{aims.NotActor("approver-is-not-author", func(p *examplePolicy) []string { return []string{p.Author} })},
		},
		{Event: "retire", From: []policyState{"approved"}, To: "retired", Roles: []aims.Role{"top-management"}},
	},
})

// Example_workflow defines a workflow as data, starts a record in it, is
// refused a self-approval, approves it with another actor and draws the
// machine.
func Example_workflow() {
	ctx := context.Background()
	ws, _ := aims.NewWorkspace(memstore.New(), "acme", &aims.Options{
		Clock: func() time.Time { return time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC) },
	})
	// The workspace's first assignment may be made by anyone; after it,
	// top management assigns roles.
	_ = aims.RoleAssignments(ws).Create(ctx, "admin",
		&aims.RoleAssignment{Meta: aims.Meta{ID: "ada"}, Roles: []aims.Role{"top-management"}})
	_ = aims.RoleAssignments(ws).Create(ctx, "ada",
		&aims.RoleAssignment{Meta: aims.Meta{ID: "ben"}, Roles: []aims.Role{"top-management"}})
	policies := aims.NewCollection[examplePolicy](ws, "policy", 1)

	p := &examplePolicy{Meta: aims.Meta{ID: "ai-policy"}, Title: "AI policy", Author: "ada"}
	if err := aims.Start(ctx, policies, policyFlow, "ada", p); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("started:", p.State, p.Workflow)

	_, err := aims.Fire(ctx, policies, policyFlow, aims.Firing[examplePolicy, policyEvent]{ID: p.ID, Actor: "ada", Event: "approve"})
	fmt.Println("ada approves:", errors.Is(err, aims.ErrForbidden))
	var te *aims.TransitionError
	if errors.As(err, &te) {
		fmt.Println("  ", te.Unmet[0].Rule)
	}

	actions, _ := aims.Actions(ctx, policies, policyFlow, "ben", p.ID)
	fmt.Println("ben may:", actions)
	p, err = aims.Fire(ctx, policies, policyFlow, aims.Firing[examplePolicy, policyEvent]{ID: p.ID, Version: p.Version, Actor: "ben", Event: "approve"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ben approves:", p.State, "version", p.Version)
	if _, err := ws.Verify(ctx); err == nil {
		fmt.Println("journal verifies")
	}
	fmt.Print(policyFlow.Mermaid())
	// Output:
	// started: draft policy@1
	// ada approves: true
	//    approver-is-not-author
	// ben may: [approve]
	// ben approves: approved version 2
	// journal verifies
	// stateDiagram-v2
	//     [*] --> draft
	//     draft --> approved: approve
	//     approved --> retired: retire
	//     retired --> [*]
}
