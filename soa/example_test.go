package soa_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/soa"
)

// Generate turns risk treatments, obligations and decisions into
// applicability with a justification per control.
func ExampleGenerate() {
	ctx := context.Background()
	risks := soa.Requirements{
		{Control: "A.7.4", Source: soa.Source{Kind: soa.SourceRisk, ID: "R-12", Level: "high", Title: "Bias in credit decisions"}},
		{Control: "A.7.4", Source: soa.Source{Kind: soa.SourceRisk, ID: "R-15", Level: "medium", Title: "Stale training data"}},
	}
	s, err := soa.Generate(ctx, soa.Inputs{
		Requirers: []soa.Requirer{risks},
		Obligations: []soa.Obligation{{ID: "OBL-3", Type: soa.ObligationLegal, Title: "Record-keeping",
			Reference: "EU AI Act Art. 12", Controls: []string{"A.6.2.8"}}},
		Decisions: []soa.Decision{{Control: "A.6.1.2", Choice: soa.Exclude, Reason: "we train no models in-house",
			By: "alice", At: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, id := range []string{"A.7.4", "A.6.2.8", "A.6.1.2", "A.2.2"} {
		fmt.Println(id, "-", s.Entry(id).Justification)
	}
	// A control nothing requires and nobody decided is undecided, not
	// excluded: each is an error until a person includes or excludes it.
	c := s.Counts()
	r := soa.Validate(s)
	fmt.Printf("%d controls: %d applicable, %d excluded, %d undecided; %d errors, %d warnings\n",
		c.Controls, c.Applicable, c.Excluded, c.Undecided, len(r.Errors()), len(r.Warnings()))
	// Output:
	// A.7.4 - Applicable: required to treat R-12 (high: Bias in credit decisions) and R-15 (medium: Stale training data).
	// A.6.2.8 - Applicable: required by obligation OBL-3 (EU AI Act Art. 12).
	// A.6.1.2 - Not applicable: excluded by alice on 2026-11-20: we train no models in-house.
	// A.2.2 - Undecided: no risk treatment, impact assessment or obligation requires it and nobody has decided on it; include it, or exclude it with a reason.
	// 38 controls: 2 applicable, 1 excluded, 35 undecided; 35 errors, 4 warnings
}

// Validate reads an SoA as an auditor would.
func ExampleValidate() {
	s, _ := soa.Generate(context.Background(), soa.Inputs{
		Requirers: []soa.Requirer{soa.Requirements{{Control: "A.10.4", Source: soa.Source{Kind: soa.SourceRisk, ID: "R-7", Title: "Customer misuse"}}}},
		Decisions: []soa.Decision{{Control: "A.10.4", Choice: soa.Exclude, Reason: "no customers", By: "alice"}},
	})
	undecided := 0
	for _, f := range soa.Validate(s).Errors() {
		if f.Rule == soa.RuleUndecided {
			undecided++ // every control nobody has decided on yet
			continue
		}
		fmt.Println(f)
	}
	fmt.Println(undecided, "controls undecided")
	// Output:
	// error: A.10.4: excluded, but the treatment of risk R-7 relies on it [excluded-but-required]
	// 37 controls undecided
}

// WriteCSV renders an SoA for a spreadsheet; formulas in user text are
// neutralised.
func ExampleWriteCSV() {
	s, _ := soa.Generate(context.Background(), soa.Inputs{
		Implementations: []soa.Implementation{{Control: "A.2.2", Status: soa.StatusImplemented, Owner: "=cmd()"}},
		Decisions: []soa.Decision{{Control: "A.2.2", Choice: soa.Include, Reason: "policy required by top management", By: "carol",
			At: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}},
	})
	s.Entries = s.Entries[:1]
	if err := soa.WriteCSV(os.Stdout, s); err != nil {
		fmt.Println(err)
	}
	// Output:
	// control,title,origin,applicable,status,owner,justification,sources,decision,evidence,last_review
	// A.2.2,AI policy,annex-a,yes,implemented,'=cmd(),Applicable: included by carol on 2026-11-20: policy required by top management.,,include by carol on 2026-11-20,,
}

// A Service keeps the inputs and the versions of an SoA in a workspace;
// the author cannot approve their own version.
func ExampleService() {
	ctx := context.Background()
	ws, _ := aims.NewWorkspace(memstore.New(), "acme", &aims.Options{
		Clock: func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) },
	})
	_ = aims.RoleAssignments(ws).Create(ctx, "admin", &aims.RoleAssignment{Meta: aims.Meta{ID: "bob"}, Roles: []aims.Role{aims.RoleApprover}})
	svc, _ := soa.NewService(ws, &soa.ServiceOptions{Organization: "Acme"})

	_, _ = svc.Decide(ctx, "alice", soa.Decision{Control: "A.10.4", Choice: soa.Exclude, Reason: "we have no customers of our AI systems"})
	v, _ := svc.Draft(ctx, "alice")
	fmt.Println("drafted version", v.Number, v.State, "with", v.Counts().Undecided, "controls undecided")
	_, err := svc.Submit(ctx, "alice", v.Number)
	fmt.Println("submit refused:", errors.Is(err, aims.ErrTransitionDenied))

	// A person decides every other control; here all are included.
	for _, e := range v.Entries {
		if e.Undecided {
			_, _ = svc.Decide(ctx, "alice", soa.Decision{Control: e.Control, Choice: soa.Include, Reason: "part of how we run our AI systems"})
		}
	}
	v, _ = svc.Draft(ctx, "alice")
	_, err = svc.Submit(ctx, "alice", v.Number)
	fmt.Println("submitted:", err == nil)

	_, err = svc.Approve(ctx, "alice", v.Number)
	fmt.Println("author may approve:", err == nil, errors.Is(err, aims.ErrForbidden))
	v, _ = svc.Approve(ctx, "bob", v.Number)
	fmt.Println("version", v.Number, v.State, "by", v.ApprovedBy)
	fmt.Println(v.Entry("A.10.4").Justification)
	// Output:
	// drafted version 1 draft with 37 controls undecided
	// submit refused: true
	// submitted: true
	// author may approve: false true
	// version 1 approved by bob
	// Not applicable: excluded by alice on 2026-11-23: we have no customers of our AI systems.
}
