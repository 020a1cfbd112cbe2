package soa_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/soa"
	"github.com/google/go-cmp/cmp"
)

// newService returns a service on a fresh in-memory workspace whose clock
// advances one hour per reading, with bob an approver, carol top
// management and alice (the author) holding no role.
func newService(t *testing.T, opts *soa.ServiceOptions) (*soa.Service, *aims.Workspace) {
	t.Helper()
	var ticks atomic.Int64
	ws, err := aims.NewWorkspace(memstore.New(), "northwind", &aims.Options{
		Clock: func() time.Time { return day("2026-11-20").Add(time.Duration(ticks.Add(1)) * time.Hour) },
		NewID: func(kind string) string { return fmt.Sprintf("%s-%d", kind, ticks.Add(1)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	roles := aims.NewCollection[aims.RoleAssignment](ws, aims.KindRoleAssignment, 1)
	for actor, role := range map[string]aims.Role{"bob": aims.RoleApprover, "carol": aims.RoleTopManagement, "dave": "risk-owner"} {
		if err := roles.Create(ctx, "admin", &aims.RoleAssignment{Meta: aims.Meta{ID: actor}, Roles: []aims.Role{role}}); err != nil {
			t.Fatal(err)
		}
	}
	svc, err := soa.NewService(ws, opts)
	if err != nil {
		t.Fatal(err)
	}
	return svc, ws
}

// seed stores the realistic organisation's decisions, obligations and
// implementation records through the service.
func seed(t *testing.T, svc *soa.Service) {
	t.Helper()
	ctx := t.Context()
	in := lenderInputs(t)
	for _, d := range in.Decisions {
		if _, err := svc.Decide(ctx, d.By, d); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range in.Obligations {
		if _, err := svc.PutObligation(ctx, "alice", o); err != nil {
			t.Fatal(err)
		}
	}
	for _, im := range in.Implementations {
		if _, err := svc.PutImplementation(ctx, "alice", im); err != nil {
			t.Fatal(err)
		}
	}
}

func lenderService(t *testing.T) (*soa.Service, *aims.Workspace) {
	t.Helper()
	in := lenderInputs(t)
	svc, ws := newService(t, &soa.ServiceOptions{Catalog: in.Catalog, Requirers: in.Requirers, Organization: in.Organization, Scope: in.Scope})
	seed(t, svc)
	return svc, ws
}

func state(t *testing.T, svc *soa.Service, n int) soa.State {
	t.Helper()
	v, err := svc.Version(t.Context(), n)
	if err != nil {
		t.Fatal(err)
	}
	return soa.State(v.State)
}

func TestServiceLifecycle(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, ws := lenderService(t)

	v1, err := svc.Draft(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if v1.Number != 1 || v1.State != string(soa.StateDraft) || v1.Author != "alice" || v1.ID != "soa-1" {
		t.Fatalf("draft: number %d state %q author %q id %q", v1.Number, v1.State, v1.Author, v1.ID)
	}
	if r := soa.Validate(v1); len(r.Findings) != 0 {
		t.Fatalf("stored inputs should give a clean SoA: %v", r.Findings)
	}
	// Regenerating a draft keeps its number.
	if again, err := svc.Draft(ctx, "alice"); err != nil || again.Number != 1 {
		t.Fatalf("redraft: %v, number %d", err, again.Number)
	}
	if acts, err := svc.Actions(ctx, "alice", 1); err != nil || !cmp.Equal(acts, []soa.Event{soa.EventSubmit}) {
		t.Errorf("alice's actions on a draft = %v, %v", acts, err)
	}
	if _, err := svc.Approve(ctx, "bob", 1); !errors.Is(err, aims.ErrTransitionDenied) {
		t.Errorf("approving a draft: %v, want ErrTransitionDenied", err)
	}
	if _, err := svc.Submit(ctx, "alice", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Draft(ctx, "alice"); !errors.Is(err, aims.ErrConflict) {
		t.Errorf("drafting while in review: %v, want ErrConflict", err)
	}
	if _, err := svc.Approve(ctx, "alice", 1); !errors.Is(err, aims.ErrForbidden) {
		t.Errorf("author approving: %v, want ErrForbidden", err)
	}
	if _, err := svc.Approve(ctx, "dave", 1); !errors.Is(err, aims.ErrForbidden) {
		t.Errorf("non-approver approving: %v, want ErrForbidden", err)
	}
	if _, err := svc.Reject(ctx, "bob", 1, "  "); !errors.Is(err, aims.ErrTransitionDenied) {
		t.Errorf("rejecting without a comment: %v, want ErrTransitionDenied", err)
	}
	if _, err := svc.Reject(ctx, "bob", 1, "owner of A.2.3 is wrong"); err != nil {
		t.Fatal(err)
	}
	if got := state(t, svc, 1); got != soa.StateDraft {
		t.Fatalf("after reject: %s", got)
	}
	if _, err := svc.Submit(ctx, "alice", 1); err != nil {
		t.Fatal(err)
	}
	approved, err := svc.Approve(ctx, "bob", 1)
	if err != nil {
		t.Fatal(err)
	}
	if approved.ApprovedBy != "bob" || approved.ApprovedAt.IsZero() || approved.State != string(soa.StateApproved) {
		t.Errorf("approval not recorded: %+v", approved.Meta)
	}

	// An approved version is never rewritten: a new draft is version 2.
	if _, err := svc.Decide(ctx, "carol", soa.Decision{Control: "A.8.3", Choice: soa.Exclude, Reason: "no external reporting channel is required by our regulator"}); err != nil {
		t.Fatal(err)
	}
	v2, err := svc.Draft(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if v2.Number != 2 {
		t.Fatalf("after approval the next draft is version %d, want 2", v2.Number)
	}
	stored1, err := svc.Version(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !stored1.Entry("A.8.3").Applicable || stored1.ApprovedBy != "bob" {
		t.Error("approved version 1 changed")
	}
	if latest, err := svc.Latest(ctx); err != nil || latest.Number != 2 {
		t.Errorf("latest = %v, %v", latest, err)
	}
	if cur, err := svc.Approved(ctx); err != nil || cur.Number != 1 {
		t.Errorf("approved = %v, %v", cur, err)
	}

	if _, err := svc.Submit(ctx, "alice", 2); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Approve(ctx, "carol", 2); err != nil {
		t.Fatal(err)
	}
	if got := state(t, svc, 1); got != soa.StateSuperseded {
		t.Errorf("version 1 is %s, want superseded", got)
	}
	if cur, err := svc.Approved(ctx); err != nil || cur.Number != 2 {
		t.Errorf("approved = %v, %v", cur, err)
	}
	if v1, _ := svc.Version(ctx, 1); v1.SupersededBy != 2 {
		t.Errorf("supersededBy = %d", v1.SupersededBy)
	}
	all, err := svc.Versions(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("versions: %d, %v", len(all), err)
	}

	d, err := svc.Diff(ctx, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Changes) != 1 || d.Changes[0].Control != "A.8.3" || d.Changes[0].Fields[0].Field != soa.FieldApplicability {
		t.Errorf("diff = %+v", d)
	}

	if _, err := ws.Verify(ctx); err != nil {
		t.Errorf("journal: %v", err)
	}
}

func TestServiceRefusesInvalidSubmission(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newService(t, &soa.ServiceOptions{Requirers: []soa.Requirer{risk("R-12", "high", "Bias", "A.7.4")}})
	if _, err := svc.Decide(ctx, "alice", soa.Decision{Control: "A.7.4", Choice: soa.Exclude, Reason: "we use no data"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Draft(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Submit(ctx, "alice", 1)
	var te *aims.TransitionError
	if !errors.As(err, &te) || !errors.Is(err, aims.ErrTransitionDenied) {
		t.Fatalf("submit: %v, want a TransitionError", err)
	}
	if len(te.Unmet) != 1 || te.Unmet[0].Rule != soa.GuardNoErrors {
		t.Errorf("unmet = %+v", te.Unmet)
	}
	if got := state(t, svc, 1); got != soa.StateDraft {
		t.Errorf("state %s after a refused submit", got)
	}
}

func TestServiceRejectsUnknownControls(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newService(t, nil)
	if _, err := svc.Decide(ctx, "alice", soa.Decision{Control: "A.99", Choice: soa.Exclude, Reason: "x"}); !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("decide unknown: %v", err)
	}
	if _, err := svc.Decide(ctx, "alice", soa.Decision{Control: "A.7.4", Choice: soa.Exclude}); !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("decide without reason: %v", err)
	}
	if _, err := svc.PutObligation(ctx, "alice", soa.Obligation{ID: "OBL-1", Type: soa.ObligationLegal, Title: "x", Controls: []string{"A.7.4", "Q"}}); !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("obligation with unknown control: %v", err)
	}
	if _, err := svc.PutImplementation(ctx, "alice", soa.Implementation{Control: "A.7.4", Evidence: []soa.Evidence{{URI: "x", SHA256: "00"}}}); !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("implementation with bad digest: %v", err)
	}
	if _, err := svc.Latest(ctx); !errors.Is(err, aims.ErrNotFound) {
		t.Errorf("latest of nothing: %v", err)
	}
	if _, err := svc.Approved(ctx); !errors.Is(err, aims.ErrNotFound) {
		t.Errorf("approved of nothing: %v", err)
	}
}

func TestServiceRecordsReplaceAndDelete(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newService(t, nil)
	if _, err := svc.Decide(ctx, "alice", soa.Decision{Control: "A.10.4", Choice: soa.Exclude, Reason: "no customers"}); err != nil {
		t.Fatal(err)
	}
	rec, err := svc.Decide(ctx, "bob", soa.Decision{Control: "A.10.4", Choice: soa.Include, Reason: "we now sell the model"})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Version != 2 || rec.Decision.By != "bob" || rec.Decision.At.IsZero() {
		t.Errorf("replaced decision: version %d by %q at %v", rec.Version, rec.Decision.By, rec.Decision.At)
	}
	p, err := svc.Preview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if e := p.Entry("A.10.4"); !e.Applicable {
		t.Error("the replacing decision should include A.10.4")
	}
	if err := svc.Revoke(ctx, "bob", "A.10.4"); err != nil {
		t.Fatal(err)
	}
	// Revoking the only decision leaves the control undecided, not
	// excluded.
	if p, _ := svc.Preview(ctx); p.Entry("A.10.4").Decision != nil || !p.Entry("A.10.4").Undecided || p.Entry("A.10.4").Applicable {
		t.Errorf("after revoke: %+v; want A.10.4 undecided, without decision", p.Entry("A.10.4"))
	}
	if _, err := svc.PutObligation(ctx, "alice", soa.Obligation{ID: "OBL-1", Type: soa.ObligationLegal, Title: "Logs", Controls: []string{"A.6.2.8"}}); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteObligation(ctx, "alice", "OBL-1"); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range svc.Obligations(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 0 {
		t.Errorf("%d obligations after delete", n)
	}
}

func TestServiceDiffRendering(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := lenderService(t)
	if _, err := svc.Draft(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Submit(ctx, "alice", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Approve(ctx, "bob", 1); err != nil {
		t.Fatal(err)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(svc.Decide(ctx, "carol", soa.Decision{Control: "A.8.3", Choice: soa.Exclude, Reason: "no external reporting channel is required"}))
	must(svc.PutImplementation(ctx, "alice", soa.Implementation{Control: "A.6.2.8", Status: soa.StatusImplemented, Owner: "frank",
		Evidence: []soa.Evidence{{URI: "https://wiki.northwind.example/aims/logging-standard", SHA256: digest("logging standard v4")}}, LastReview: day("2026-12-01")}))
	must(svc.PutObligation(ctx, "alice", soa.Obligation{ID: "OBL-7", Type: soa.ObligationLegal, Title: "Logs for deployers", Reference: "EU AI Act Art. 26", Controls: []string{"A.6.2.8"}}))
	if _, err := svc.Draft(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	d, err := svc.Diff(ctx, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	var md, txt bytes.Buffer
	if err := d.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteText(&txt); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "diff.md.golden", md.Bytes())
	checkGolden(t, "diff.txt.golden", txt.Bytes())
}

func TestNewServiceNeedsWorkspace(t *testing.T) {
	t.Parallel()
	if _, err := soa.NewService(nil, nil); !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("err = %v", err)
	}
}

func TestWorkflowMermaid(t *testing.T) {
	t.Parallel()
	checkGolden(t, "workflow.mmd.golden", []byte(soa.Workflow().Mermaid()))
}

func TestServiceDescribeAndProposals(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	org := "Northwind Lending"
	props := []soa.Proposal{{Control: "A.2.2", Evidence: "AI policy POL-1 is approved"}}
	svc, _ := newService(t, &soa.ServiceOptions{
		Title: "SoA", Organization: "ignored when Describe names one", Scope: "Lisbon",
		Describe:  func(context.Context) (soa.Header, error) { return soa.Header{Organization: org}, nil },
		Proposals: func(context.Context) ([]soa.Proposal, error) { return props, nil },
	})
	v1, err := svc.Draft(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	// Describe is asked at each generation: a renamed organisation shows
	// in the next draft.
	org = "Northwind Lending S.A."
	props = append(props, soa.Proposal{Control: "A.2.2", Evidence: "Board minutes 2026-10"})
	v2, err := svc.Draft(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	type header struct {
		Title, Organization, Scope string
		Undecided                  bool
		Proposals                  []soa.Proposal
	}
	got := []header{}
	for _, v := range []*soa.SoA{v1, v2} {
		e := v.Entry("A.2.2")
		got = append(got, header{v.Title, v.Organization, v.Scope, e.Undecided, e.Proposals})
	}
	want := []header{
		{"SoA", "Northwind Lending", "Lisbon", true, props[:1]},
		{"SoA", "Northwind Lending S.A.", "Lisbon", true, []soa.Proposal{props[0], props[1]}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("drafts (-want +got):\n%s", diff)
	}

	boom := errors.New("directory offline")
	for name, opts := range map[string]*soa.ServiceOptions{
		"describe":  {Describe: func(context.Context) (soa.Header, error) { return soa.Header{}, boom }},
		"proposals": {Proposals: func(context.Context) ([]soa.Proposal, error) { return nil, boom }},
	} {
		svc, _ := newService(t, opts)
		if _, err := svc.Draft(ctx, "alice"); !errors.Is(err, boom) {
			t.Errorf("%s failing: Draft = %v, want its error", name, err)
		}
	}
}
