package iso42001_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aimsgo/iso42001"
	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/lifecycle"
)

// TestReviewChangesArePlanned: a held management review that decided a
// change to the AIMS fails readiness's 6.3 check until a change naming
// the review is planned; a review still only prepared decides nothing.
func TestReviewChangesArePlanned(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	a, err := iso42001.Open(ctx, memstore.New(), "t", &iso42001.Options{Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	iso42001.SeedRoles(t, a, "alice", map[string][]aims.Role{"bob": {aims.RoleTopManagement}})
	ws := a.Workspace()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check := func() (bool, string) {
		t.Helper()
		rep, err := a.Readiness(ctx, audit.Stage2)
		must(err)
		for _, it := range rep.Items {
			if it.ID == lifecycle.CheckChangesReassessed {
				return it.OK, it.Detail
			}
		}
		t.Fatal("readiness has no 6.3 check")
		return false, ""
	}
	_, err = a.Reviews().Prepare(ctx, "alice", "mr-1", "First review", now)
	must(err)
	if ok, detail := check(); !ok || !strings.Contains(detail, "not applicable") {
		t.Errorf("review only prepared: %v %q", ok, detail)
	}
	_, err = a.Reviews().Record(ctx, "bob", "mr-1", audit.Outcome{Attendees: []string{"bob", "alice"},
		Decisions: []string{"Keep the objectives"}, Changes: []string{"Monthly risk review for impact-derived risks"}})
	must(err)
	if ok, detail := check(); ok || !strings.Contains(detail, "management review mr-1 decided 1 change to the AIMS, 0 planned: plan each as a change whose review is mr-1") {
		t.Errorf("decided, not planned: %v %q", ok, detail)
	}
	ch := &lifecycle.Change{Meta: aims.Meta{ID: "chg-1"}, Title: "Monthly risk review", Purpose: "decided by mr-1",
		Responsible: "alice", RequestedBy: "alice", Review: "mr-1"}
	must(aims.Start(ctx, lifecycle.Changes(ws), lifecycle.ChangeWorkflow(), "alice", ch))
	if ok, detail := check(); !ok || !strings.Contains(detail, "every change to the AIMS a held management review decided is planned (1 change from 1 review)") {
		t.Errorf("decided and planned: %v %q", ok, detail)
	}
}
