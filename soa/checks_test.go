package soa_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/soa"
)

func TestChecksAskForAnApprovedSoA(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	ws, err := aims.NewWorkspace(memstore.New(), "acme", &aims.Options{Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if err := aims.NewCollection[aims.RoleAssignment](ws, aims.KindRoleAssignment, 1).Create(ctx, "admin", &aims.RoleAssignment{Meta: aims.Meta{ID: "bob"}, Roles: []aims.Role{"approver"}}); err != nil {
		t.Fatal(err)
	}
	svc, err := soa.NewService(ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	checks := svc.Checks()
	if len(checks) != 1 || checks[0].Clause != "6.1.3" || checks[0].Gate != aims.GatePlanToDo {
		t.Fatalf("checks = %+v", checks)
	}
	run := func() (bool, string) {
		ok, detail, err := checks[0].Run(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		return ok, detail
	}
	if ok, detail := run(); ok || !strings.Contains(detail, "no SoA") {
		t.Fatalf("before any version: ok=%v %q", ok, detail)
	}
	// Every control decided, so that the draft can be submitted and approved.
	for _, d := range excludeRest(svc.Catalog()) {
		if _, err := svc.Decide(ctx, "alice", d); err != nil {
			t.Fatal(err)
		}
	}
	doc, err := svc.Draft(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := run(); ok {
		t.Fatal("a draft passed the check")
	}
	if _, err := svc.Submit(ctx, "alice", doc.Number); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Approve(ctx, "bob", doc.Number); err != nil {
		t.Fatal(err)
	}
	if ok, detail := run(); !ok || !strings.Contains(detail, "bob") {
		t.Fatalf("after approval: ok=%v %q", ok, detail)
	}
}
