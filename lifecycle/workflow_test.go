package lifecycle_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/lifecycle"
)

// unmetRules returns the rule names of a refused transition, or nil.
func unmetRules(err error) []string {
	var te *aims.TransitionError
	if !errors.As(err, &te) {
		return nil
	}
	var out []string
	for _, u := range te.Unmet {
		out = append(out, u.Rule)
	}
	return out
}

func TestChangeWorkflow(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws := newWorkspace(t, map[string][]aims.Role{"raj": {aims.RoleAIMSManager}, "mia": {aims.RoleApprover}})
	c, m := lifecycle.Changes(ws), lifecycle.ChangeWorkflow()
	ch := validChange()
	if err := aims.Start(ctx, c, m, "raj", ch); err != nil {
		t.Fatal(err)
	}
	approveAs := func(actor string) func(*lifecycle.Change) error {
		return func(c *lifecycle.Change) error { c.ApprovedBy = actor; return nil }
	}
	steps := []struct {
		name      string
		actor     string
		event     lifecycle.ChangeEvent
		change    func(*lifecycle.Change) error
		category  error
		wantRules []string
		wantState lifecycle.ChangeState
	}{
		{"cannot complete a planned change", "dana", lifecycle.ChangeComplete, nil, aims.ErrTransitionDenied, []string{"transition"}, lifecycle.ChangePlanned},
		{"requester may not approve, role or not", "raj", lifecycle.ChangeApprove, approveAs("raj"), aims.ErrForbidden, []string{lifecycle.DutyApproverIsNotRequester}, lifecycle.ChangePlanned},
		{"no role", "dana", lifecycle.ChangeApprove, approveAs("dana"), aims.ErrForbidden, []string{"role"}, lifecycle.ChangePlanned},
		{"approver must be recorded", "mia", lifecycle.ChangeApprove, nil, aims.ErrForbidden, []string{lifecycle.DutyApproverRecorded}, lifecycle.ChangePlanned},
		{"approver must be the actor", "mia", lifecycle.ChangeApprove, approveAs("top"), aims.ErrForbidden, []string{lifecycle.DutyApproverRecorded}, lifecycle.ChangePlanned},
		{"approver approves", "mia", lifecycle.ChangeApprove, approveAs("mia"), nil, nil, lifecycle.ChangeApproved},
		{"completion needs an outcome", "dana", lifecycle.ChangeComplete, nil, aims.ErrTransitionDenied, []string{lifecycle.GuardOutcomeRecorded}, lifecycle.ChangeApproved},
		{"someone else may not complete", "mia", lifecycle.ChangeComplete, func(c *lifecycle.Change) error { c.Outcome = "done"; return nil }, aims.ErrForbidden, []string{"role"}, lifecycle.ChangeApproved},
		{"responsible completes", "dana", lifecycle.ChangeComplete, func(c *lifecycle.Change) error { c.Outcome = "retrained, risk-7 reassessed"; return nil }, nil, nil, lifecycle.ChangeDone},
	}
	for _, s := range steps {
		_, err := aims.Fire(ctx, c, m, aims.Firing[lifecycle.Change, lifecycle.ChangeEvent]{ID: ch.ID, Actor: s.actor, Event: s.event, Change: s.change})
		switch {
		case s.category == nil && err != nil:
			t.Fatalf("%s: %v", s.name, err)
		case s.category != nil && !errors.Is(err, s.category):
			t.Fatalf("%s: error %v, want %v", s.name, err, s.category)
		}
		if diff := cmp.Diff(s.wantRules, unmetRules(err)); diff != "" {
			t.Errorf("%s: unmet rules (-want +got):\n%s", s.name, diff)
		}
		got, err := c.Get(ctx, ch.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != string(s.wantState) {
			t.Errorf("%s: state %q, want %q", s.name, got.State, s.wantState)
		}
	}
}

func TestChangeHelpers(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws := newWorkspace(t, map[string][]aims.Role{"mia": {aims.RoleApprover}, "raj": {aims.RoleApprover}})
	ch := validChange()
	if err := aims.Start(ctx, lifecycle.Changes(ws), lifecycle.ChangeWorkflow(), "raj", ch); err != nil {
		t.Fatal(err)
	}
	if _, err := lifecycle.ApproveChange(ctx, ws, "raj", ch.ID); !errors.Is(err, aims.ErrForbidden) {
		t.Fatalf("requester ApproveChange = %v, want ErrForbidden", err)
	}
	got, err := lifecycle.ApproveChange(ctx, ws, "mia", ch.ID)
	if err != nil || got.ApprovedBy != "mia" || got.State != string(lifecycle.ChangeApproved) {
		t.Fatalf("ApproveChange = %+v, %v", got, err)
	}
	if _, err := lifecycle.CompleteChange(ctx, ws, "dana", ch.ID, " "); !errors.Is(err, aims.ErrTransitionDenied) {
		t.Fatalf("CompleteChange without outcome = %v, want ErrTransitionDenied", err)
	}
	got, err = lifecycle.CompleteChange(ctx, ws, "dana", ch.ID, "retrained")
	if err != nil || got.Outcome != "retrained" || got.State != string(lifecycle.ChangeDone) {
		t.Fatalf("CompleteChange = %+v, %v", got, err)
	}
}

func TestDeploymentWorkflow(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws := newWorkspace(t, map[string][]aims.Role{"dana": {aims.RoleApprover}, "mia": {aims.RoleApprover}})
	c, m := lifecycle.DeploymentApprovals(ws), lifecycle.DeploymentWorkflow()
	d := validDeployment()
	if err := aims.Start(ctx, c, m, "dana", d); err != nil {
		t.Fatal(err)
	}
	fire := func(actor string, ev lifecycle.DeploymentEvent, change func(*lifecycle.DeploymentApproval) error) error {
		_, err := aims.Fire(ctx, c, m, aims.Firing[lifecycle.DeploymentApproval, lifecycle.DeploymentEvent]{ID: d.ID, Actor: actor, Event: ev, Change: change})
		return err
	}
	if err := fire("dana", aims.ApprovalSubmit, nil); err != nil {
		t.Fatal(err)
	}
	err := fire("dana", aims.ApprovalApprove, func(x *lifecycle.DeploymentApproval) error { x.ApprovedBy = "dana"; return nil })
	if !errors.Is(err, aims.ErrForbidden) || !slices.Contains(unmetRules(err), aims.DutyReviewerIsNotAuthor) {
		t.Fatalf("requester approving = %v, want the reviewer-is-not-author duty", err)
	}
	err = fire("mia", aims.ApprovalApprove, func(x *lifecycle.DeploymentApproval) error { x.ApprovedBy = "someone"; return nil })
	if !errors.Is(err, aims.ErrForbidden) || !slices.Contains(unmetRules(err), lifecycle.DutyApproverRecorded) {
		t.Fatalf("approving in another's name = %v, want the approver-recorded duty", err)
	}
	if _, err := lifecycle.ApproveDeployment(ctx, ws, "mia", d.ID); err != nil {
		t.Fatal(err)
	}
	got, err := c.Get(ctx, d.ID)
	if err != nil || got.State != aims.ApprovalApproved || got.ApprovedBy != "mia" {
		t.Fatalf("after approval: %+v, %v", got, err)
	}
}

func TestConcernWorkflow(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws := newWorkspace(t, map[string][]aims.Role{"ombud": {lifecycle.RoleConcernHandler}, "dana": {lifecycle.RoleConcernHandler}})
	c, m := lifecycle.Concerns(ws), lifecycle.ConcernWorkflow()
	cn := validConcern()
	if err := aims.Start(ctx, c, m, "hotline", cn); err != nil {
		t.Fatal(err)
	}
	set := func(f func(*lifecycle.Concern)) func(*lifecycle.Concern) error {
		return func(c *lifecycle.Concern) error { f(c); return nil }
	}
	steps := []struct {
		name      string
		actor     string
		event     lifecycle.ConcernEvent
		change    func(*lifecycle.Concern) error
		wantRules []string
		wantState lifecycle.ConcernState
	}{
		{"the person concerned may not handle it", "dana", lifecycle.ConcernTriage, set(func(c *lifecycle.Concern) { c.Triage = "x" }), []string{lifecycle.DutyHandlerIsNotConcerned}, lifecycle.ConcernReported},
		{"no role", "raj", lifecycle.ConcernTriage, set(func(c *lifecycle.Concern) { c.Triage = "x" }), []string{"role"}, lifecycle.ConcernReported},
		{"triage needs an assessment", "ombud", lifecycle.ConcernTriage, nil, []string{lifecycle.GuardTriageRecorded}, lifecycle.ConcernReported},
		{"triaged", "ombud", lifecycle.ConcernTriage, set(func(c *lifecycle.Concern) { c.Triage = "plausible; pull decline data" }), nil, lifecycle.ConcernTriaged},
		{"investigation needs findings", "ombud", lifecycle.ConcernInvestigate, nil, []string{lifecycle.GuardFindingsRecorded}, lifecycle.ConcernTriaged},
		{"investigated", "ombud", lifecycle.ConcernInvestigate, set(func(c *lifecycle.Concern) { c.Findings = "proxy feature found" }), nil, lifecycle.ConcernInvestigated},
		{"closing needs outcome and protection", "ombud", lifecycle.ConcernClose, nil, []string{lifecycle.GuardOutcomeRecorded, lifecycle.GuardNoRetaliation}, lifecycle.ConcernInvestigated},
		{"closed", "ombud", lifecycle.ConcernClose, set(func(c *lifecycle.Concern) {
			c.Outcome, c.NoRetaliation = "feature removed; change raised", "anonymous report; no identifying data kept"
		}), nil, lifecycle.ConcernClosed},
	}
	for _, s := range steps {
		_, err := aims.Fire(ctx, c, m, aims.Firing[lifecycle.Concern, lifecycle.ConcernEvent]{ID: cn.ID, Actor: s.actor, Event: s.event, Change: s.change})
		if (err != nil) != (s.wantRules != nil) {
			t.Fatalf("%s: error %v", s.name, err)
		}
		if diff := cmp.Diff(s.wantRules, unmetRules(err)); diff != "" {
			t.Errorf("%s: unmet rules (-want +got):\n%s", s.name, diff)
		}
		got, err := c.Get(ctx, cn.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != string(s.wantState) {
			t.Errorf("%s: state %q, want %q", s.name, got.State, s.wantState)
		}
	}
}

// TestConcernReporterNotListable: a List cannot select concerns by their
// reporter, since the reporter is never an attribute.
func TestConcernReporterNotListable(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws := newWorkspace(t, nil)
	c := lifecycle.Concerns(ws)
	cn := validConcern()
	cn.Anonymous, cn.Reporter = false, "ana"
	if err := aims.Start(ctx, c, lifecycle.ConcernWorkflow(), "hotline", cn); err != nil {
		t.Fatal(err)
	}
	for _, where := range []map[string]string{{"reporter": "ana"}, {"reporter:ana": "true"}} {
		got, err := c.All(ctx, where)
		if err != nil || len(got) != 0 {
			t.Errorf("List(%v) = %d records, %v; want none", where, len(got), err)
		}
	}
}

// TestWorkflowDiagrams golden-tests the Mermaid rendering of the three
// workflows; go test -update rewrites the files.
func TestWorkflowDiagrams(t *testing.T) {
	t.Parallel()
	for name, got := range map[string]string{
		"change":     lifecycle.ChangeWorkflow().Mermaid(),
		"deployment": lifecycle.DeploymentWorkflow().Mermaid(),
		"concern":    lifecycle.ConcernWorkflow().Mermaid(),
	} {
		path := filepath.Join("testdata", "golden", name+".mmd")
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), got); diff != "" {
			t.Errorf("%s diagram (-want +got):\n%s", name, diff)
		}
	}
}

// TestEvidence: every clause leaf and control of issue 14 has a kind of
// this package, every id is in the catalog, and every kind named exists.
func TestEvidence(t *testing.T) {
	t.Parallel()
	ev := lifecycle.Evidence()
	for _, id := range []string{"6.3", "7.1", "7.3", "7.4",
		"A.2.3", "A.3.3", "A.4.4", "A.4.5", "A.4.6", "A.6.1.3", "A.6.2.2", "A.6.2.3", "A.6.2.4",
		"A.6.2.7", "A.6.2.8", "A.7.4", "A.7.6", "A.8.2", "A.8.3", "A.9.2", "A.10.4"} {
		if len(ev[id]) == 0 {
			t.Errorf("%s: no record kind holds its evidence", id)
		}
	}
	cat := controls.ISO42001()
	kinds := map[string]bool{}
	for _, k := range []string{lifecycle.KindChange, lifecycle.KindResource, lifecycle.KindAwareness, lifecycle.KindCommunication,
		lifecycle.KindRequirement, lifecycle.KindDesignRecord, lifecycle.KindVerification, lifecycle.KindDeploymentApproval,
		lifecycle.KindTechnicalDoc, lifecycle.KindEventLogPolicy, lifecycle.KindDataset, lifecycle.KindConcern,
		lifecycle.KindUserInformation, lifecycle.KindResponsibleUse, lifecycle.KindParty} {
		kinds[k] = true
	}
	used := map[string]bool{}
	for id, ks := range ev {
		if !cat.Contains(id) {
			t.Errorf("%s is not a clause or control of the catalog", id)
		}
		if !slices.IsSorted(ks) {
			t.Errorf("%s: kinds %v not sorted", id, ks)
		}
		for _, k := range ks {
			if !kinds[k] {
				t.Errorf("%s: unknown kind %q", id, k)
			}
			used[k] = true
		}
	}
	for k := range kinds {
		if !used[k] {
			t.Errorf("kind %q is evidence for nothing", k)
		}
	}
	ev["6.3"][0] = "x"
	if lifecycle.Evidence()["6.3"][0] == "x" {
		t.Error("Evidence shares its lists with the caller")
	}
}
