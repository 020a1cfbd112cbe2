package lifecycle_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/lifecycle"
)

// checkWS is a workspace holding the AI system credit-scorer, in scope at
// stage, with a concern handler and an approver.
func checkWS(t *testing.T, stage aims.LifecycleStage) *aims.Workspace {
	t.Helper()
	ws := newWorkspace(t, map[string][]aims.Role{"mia": {aims.RoleApprover}, "dana": {aims.RoleAIMSManager}})
	if stage != "" {
		sys := &aims.AISystem{Name: "Credit scorer", Stage: stage, InScope: true,
			DataSources: []aims.DataSource{{Name: "loan-history-2025", Kind: aims.DataTraining}}}
		sys.ID = "credit-scorer"
		mustDo(t, aims.AISystems(ws).Create(t.Context(), "dana", sys))
	}
	return ws
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func runCheck(t *testing.T, ws *aims.Workspace, opts lifecycle.CheckOptions, id string) (bool, string) {
	t.Helper()
	for _, c := range lifecycle.Checks(opts) {
		if c.ID == id {
			ok, detail, err := c.Run(t.Context(), ws)
			if err != nil {
				t.Fatalf("%s: %v", id, err)
			}
			return ok, detail
		}
	}
	t.Fatalf("no check %s", id)
	return false, ""
}

func approvedDeployment(t *testing.T, ws *aims.Workspace) {
	t.Helper()
	ctx := t.Context()
	c, m := lifecycle.DeploymentApprovals(ws), lifecycle.DeploymentWorkflow()
	d := validDeployment()
	mustDo(t, aims.Start(ctx, c, m, "dana", d))
	_, err := aims.Fire(ctx, c, m, aims.Firing[lifecycle.DeploymentApproval, lifecycle.DeploymentEvent]{ID: d.ID, Actor: "dana", Event: aims.ApprovalSubmit})
	mustDo(t, err)
	_, err = lifecycle.ApproveDeployment(ctx, ws, "mia", d.ID)
	mustDo(t, err)
}

// TestChecks runs every life cycle check on records that pass it and on
// records that fail it, and reads the detail an auditor would read.
func TestChecks(t *testing.T) {
	t.Parallel()
	create := func(t *testing.T, err error) { t.Helper(); mustDo(t, err) }
	ctx := context.Background()
	type tc struct {
		name  string
		check string
		stage aims.LifecycleStage // "" for no AI system at all
		opts  lifecycle.CheckOptions
		setup func(t *testing.T, ws *aims.Workspace)
		ok    bool
		want  string
	}
	reassessedSince := func(done bool) func(context.Context, string, time.Time) (bool, string, error) {
		return func(_ context.Context, id string, since time.Time) (bool, string, error) {
			if !since.Equal(t0) {
				return false, "", nil
			}
			if done {
				return true, "", nil
			}
			return false, "last assessed before the change", nil
		}
	}
	doneChange := func(t *testing.T, ws *aims.Workspace) {
		c := validChange()
		create(t, aims.Start(ctx, lifecycle.Changes(ws), lifecycle.ChangeWorkflow(), "raj", c))
		_, err := lifecycle.ApproveChange(ctx, ws, "mia", c.ID)
		create(t, err)
		_, err = lifecycle.CompleteChange(ctx, ws, "dana", c.ID, "retrained")
		create(t, err)
	}
	decided := func(m map[string]int) func(context.Context) (map[string]int, error) {
		return func(context.Context) (map[string]int, error) { return m, nil }
	}
	reviewChange := func(review string) *lifecycle.Change {
		c := validChange()
		c.AISystems, c.Risks, c.Impacts, c.Review = nil, nil, nil, review
		return c
	}
	cases := []tc{
		// 6.3
		{"no change planned", lifecycle.CheckChangesReassessed, aims.StageDeployment, lifecycle.CheckOptions{}, nil, true, "not applicable because no change"},
		{"change names no reassessment", lifecycle.CheckChangesReassessed, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			c := validChange()
			c.Risks, c.Impacts = nil, nil
			create(t, lifecycle.Changes(ws).Create(ctx, "raj", c))
		}, false, "names no risk or impact reassessment"},
		{"planned change names them", lifecycle.CheckChangesReassessed, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			create(t, lifecycle.Changes(ws).Create(ctx, "raj", validChange()))
		}, true, "1 change planned; each names the reassessments it calls for"},
		{"done change not reassessed", lifecycle.CheckChangesReassessed, aims.StageDeployment,
			lifecycle.CheckOptions{RiskReassessed: reassessedSince(false), ImpactReassessed: reassessedSince(true)}, doneChange, false, "risk risk-7 last assessed before the change"},
		{"done change without a way to tell", lifecycle.CheckChangesReassessed, aims.StageDeployment, lifecycle.CheckOptions{}, doneChange, false, "cannot be confirmed as reassessed"},
		{"done change reassessed", lifecycle.CheckChangesReassessed, aims.StageDeployment,
			lifecycle.CheckOptions{RiskReassessed: reassessedSince(true), ImpactReassessed: reassessedSince(true)}, doneChange, true, "the done ones carried them out"},
		{"review change unplanned", lifecycle.CheckChangesReassessed, aims.StageDeployment, lifecycle.CheckOptions{ReviewChanges: decided(map[string]int{"mr-1": 1})}, nil,
			false, "management review mr-1 decided 1 change to the AIMS, 0 planned: plan each as a change whose review is mr-1"},
		{"review change planned", lifecycle.CheckChangesReassessed, aims.StageDeployment, lifecycle.CheckOptions{ReviewChanges: decided(map[string]int{"mr-1": 1})}, func(t *testing.T, ws *aims.Workspace) {
			create(t, lifecycle.Changes(ws).Create(ctx, "raj", reviewChange("mr-1")))
		}, true, "1 change planned; each names the reassessments it calls for, and the done ones carried them out; every change to the AIMS a held management review decided is planned (1 change from 1 review)"},
		{"review changes partly planned", lifecycle.CheckChangesReassessed, aims.StageDeployment, lifecycle.CheckOptions{ReviewChanges: decided(map[string]int{"mr-1": 2})}, func(t *testing.T, ws *aims.Workspace) {
			create(t, lifecycle.Changes(ws).Create(ctx, "raj", reviewChange("mr-1")))
		}, false, "management review mr-1 decided 2 changes to the AIMS, 1 planned"},
		{"review decided nothing", lifecycle.CheckChangesReassessed, aims.StageDeployment, lifecycle.CheckOptions{ReviewChanges: decided(map[string]int{"mr-1": 0})}, nil,
			true, "not applicable because no change to the AIMS has been planned or decided"},
		{"nil hook: a change naming a review passes as before", lifecycle.CheckChangesReassessed, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			create(t, lifecycle.Changes(ws).Create(ctx, "raj", reviewChange("mr-1")))
		}, true, "1 change planned; each names the reassessments it calls for, and the done ones carried them out"},
		// 7.3
		{"no awareness", lifecycle.CheckAwarenessRecorded, aims.StageDeployment, lifecycle.CheckOptions{}, nil, false, "no awareness activity"},
		{"awareness of the policy only", lifecycle.CheckAwarenessRecorded, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			create(t, lifecycle.Awarenesses(ws).Create(ctx, "dana", validAwareness()))
		}, false, "none covering each person's contribution or the implications of nonconformity"},
		{"awareness complete", lifecycle.CheckAwarenessRecorded, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			create(t, lifecycle.Awarenesses(ws).Create(ctx, "dana", validAwareness()))
			a := validAwareness()
			a.CoversPolicy, a.CoversContribution, a.CoversNonconformity = false, true, true
			create(t, lifecycle.Awarenesses(ws).Create(ctx, "dana", a))
		}, true, "2 awareness activities"},
		// 7.4
		{"no communication", lifecycle.CheckCommunicationPlanned, aims.StageDeployment, lifecycle.CheckOptions{}, nil, false, "no communication"},
		{"internal only", lifecycle.CheckCommunicationPlanned, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			create(t, lifecycle.Communications(ws).Create(ctx, "dana", validCommunication()))
		}, false, "none external"},
		{"internal and external", lifecycle.CheckCommunicationPlanned, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			create(t, lifecycle.Communications(ws).Create(ctx, "dana", validCommunication()))
			c := validCommunication()
			c.Audience, c.With = lifecycle.AudienceExternal, "applicants"
			create(t, lifecycle.Communications(ws).Create(ctx, "dana", c))
		}, true, "internal and external"},
		// A.3.3
		{"no concern handler", lifecycle.CheckConcernsHandled, aims.StageDeployment, lifecycle.CheckOptions{}, nil, false, "nobody holds the concern-handler role"},
		{"handler, no concern", lifecycle.CheckConcernsHandled, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			create(t, aims.RoleAssignments(ws).Create(ctx, "dana", &aims.RoleAssignment{Meta: aims.Meta{ID: "hana"}, Roles: []aims.Role{lifecycle.RoleConcernHandler}}))
		}, true, "no concern has been reported"},
		{"concern overdue", lifecycle.CheckConcernsHandled, aims.StageDeployment, lifecycle.CheckOptions{ConcernDue: time.Hour}, func(t *testing.T, ws *aims.Workspace) {
			create(t, aims.RoleAssignments(ws).Create(ctx, "dana", &aims.RoleAssignment{Meta: aims.Meta{ID: "hana"}, Roles: []aims.Role{lifecycle.RoleConcernHandler}}))
			c := validConcern()
			c.ReportedAt = t0.Add(-2 * time.Hour)
			create(t, lifecycle.Concerns(ws).Create(ctx, "dana", c))
		}, false, "1 concerns open past their due time"},
		{"concern within due time", lifecycle.CheckConcernsHandled, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			create(t, aims.RoleAssignments(ws).Create(ctx, "dana", &aims.RoleAssignment{Meta: aims.Meta{ID: "hana"}, Roles: []aims.Role{lifecycle.RoleConcernHandler}}))
			c := validConcern()
			c.ReportedAt = t0.Add(-2 * time.Hour)
			create(t, lifecycle.Concerns(ws).Create(ctx, "dana", c))
		}, true, "1 open and within their due time"},
		// A.4.2
		{"no system in scope", lifecycle.CheckSystemResources, "", lifecycle.CheckOptions{}, nil, false, "no AI system is in scope"},
		{"system at inception", lifecycle.CheckSystemResources, aims.StageInception, lifecycle.CheckOptions{}, nil, true, "not applicable because no in-scope AI system has reached design-and-development"},
		{"computing only", lifecycle.CheckSystemResources, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			create(t, lifecycle.Resources(ws).Create(ctx, "dana", validResource()))
		}, false, "credit-scorer (no data, tooling, human resource)"},
		{"every kind, data from a dataset", lifecycle.CheckSystemResources, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			for _, k := range []lifecycle.ResourceKind{lifecycle.ResourceComputing, lifecycle.ResourceTooling, lifecycle.ResourceHuman} {
				r := validResource()
				r.Kind = k
				create(t, lifecycle.Resources(ws).Create(ctx, "dana", r))
			}
			create(t, lifecycle.Datasets(ws).Create(ctx, "dana", validDataset()))
		}, true, "1 in-scope AI systems at or past design-and-development have resources recorded"},
		{"excluded by the SoA", lifecycle.CheckSystemResources, aims.StageDeployment,
			lifecycle.CheckOptions{Applicable: func(context.Context) ([]string, bool, error) { return []string{"A.6.2.2"}, true, nil }}, nil,
			true, "not applicable because the approved Statement of Applicability excludes A.4.2"},
		{"no SoA approved yet: applies", lifecycle.CheckSystemResources, aims.StageDeployment,
			lifecycle.CheckOptions{Applicable: func(context.Context) ([]string, bool, error) { return nil, false, nil }}, nil,
			false, "lack resources recorded"},
		// A.6.2.2
		{"no requirement", lifecycle.CheckSystemRequirements, aims.StageDesignDevelopment, lifecycle.CheckOptions{}, nil, false, "credit-scorer (no requirement recorded)"},
		{"stage not recorded", lifecycle.CheckSystemRequirements, aims.StageDesignDevelopment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			sys := &aims.AISystem{Name: "Chat", InScope: true}
			sys.ID = "chat"
			create(t, aims.AISystems(ws).Create(ctx, "dana", sys))
			create(t, lifecycle.Requirements(ws).Create(ctx, "dana", validRequirement()))
		}, false, "chat (no life cycle stage recorded)"},
		{"requirement recorded", lifecycle.CheckSystemRequirements, aims.StageDesignDevelopment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			create(t, lifecycle.Requirements(ws).Create(ctx, "dana", validRequirement()))
		}, true, "have requirements specified"},
		// A.6.2.4
		{"not yet deployed", lifecycle.CheckVerificationPassed, aims.StageVerificationValidation, lifecycle.CheckOptions{}, nil, true, "not applicable because no in-scope AI system has reached deployment"},
		{"deployed unverified", lifecycle.CheckVerificationPassed, aims.StageOperationMonitoring, lifecycle.CheckOptions{}, nil, false, "no verification recorded"},
		{"verification failed", lifecycle.CheckVerificationPassed, aims.StageOperationMonitoring, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			v := validVerification()
			v.Passed = false
			v.Results[0].Value = 0.5
			create(t, lifecycle.Verifications(ws).Create(ctx, "dana", v))
		}, false, "did not pass"},
		{"verification passed", lifecycle.CheckVerificationPassed, aims.StageOperationMonitoring, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			create(t, lifecycle.Verifications(ws).Create(ctx, "dana", validVerification()))
		}, true, "have a passed verification"},
		// A.6.2.5
		{"deployment requested only", lifecycle.CheckDeploymentApproved, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			create(t, aims.Start(ctx, lifecycle.DeploymentApprovals(ws), lifecycle.DeploymentWorkflow(), "dana", validDeployment()))
		}, false, "not approved"},
		{"no deployment record", lifecycle.CheckDeploymentApproved, aims.StageDeployment, lifecycle.CheckOptions{}, nil, false, "no deployment approval recorded"},
		{"deployment approved", lifecycle.CheckDeploymentApproved, aims.StageDeployment, lifecycle.CheckOptions{}, approvedDeployment, true, "have an approved deployment"},
		// A.6.2.7
		{"no technical documentation", lifecycle.CheckTechnicalDocs, aims.StageVerificationValidation, lifecycle.CheckOptions{}, nil, false, "no technical documentation recorded"},
		{"empty index", lifecycle.CheckTechnicalDocs, aims.StageVerificationValidation, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			d := validTechDoc()
			d.Items = nil
			create(t, lifecycle.TechnicalDocs(ws).Create(ctx, "dana", d))
		}, false, "lists no document"},
		{"technical documentation", lifecycle.CheckTechnicalDocs, aims.StageVerificationValidation, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			create(t, lifecycle.TechnicalDocs(ws).Create(ctx, "dana", validTechDoc()))
		}, true, "have technical documentation"},
		// A.6.2.8
		{"no event-log policy", lifecycle.CheckEventLogs, aims.StageReEvaluation, lifecycle.CheckOptions{}, nil, false, "no event-log policy recorded"},
		{"event-log policy", lifecycle.CheckEventLogs, aims.StageReEvaluation, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			create(t, lifecycle.EventLogPolicies(ws).Create(ctx, "dana", validLogPolicy()))
		}, true, "have an event-log policy"},
		// A.7.4
		{"quality missed", lifecycle.CheckDataQuality, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			d := validDataset()
			d.Quality[0].Value = 0.5
			create(t, lifecycle.Datasets(ws).Create(ctx, "dana", d))
		}, false, "(misses completeness)"},
		{"quality without threshold", lifecycle.CheckDataQuality, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			d := validDataset()
			d.Quality[0].Threshold, d.Quality[0].Direction = nil, ""
			create(t, lifecycle.Datasets(ws).Create(ctx, "dana", d))
		}, false, "no measured quality has a threshold"},
		{"quality met", lifecycle.CheckDataQuality, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			create(t, lifecycle.Datasets(ws).Create(ctx, "dana", validDataset()))
		}, true, "1 datasets of in-scope AI systems meet"},
		// A.7.5
		{"data source without dataset", lifecycle.CheckDataProvenance, aims.StageDeployment, lifecycle.CheckOptions{}, nil, false, `credit-scorer data source "loan-history-2025" has no dataset record`},
		{"acquisition unknown", lifecycle.CheckDataProvenance, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			d := validDataset()
			d.Acquisition = ""
			create(t, lifecycle.Datasets(ws).Create(ctx, "dana", d))
		}, false, "does not say how it was acquired"},
		{"provenance recorded", lifecycle.CheckDataProvenance, aims.StageDeployment, lifecycle.CheckOptions{}, func(t *testing.T, ws *aims.Workspace) {
			create(t, lifecycle.Datasets(ws).Create(ctx, "dana", validDataset()))
		}, true, "record provenance and acquisition"},
	}
	for _, c := range cases {
		t.Run(c.check+"/"+c.name, func(t *testing.T) {
			t.Parallel()
			ws := checkWS(t, c.stage)
			if c.setup != nil {
				c.setup(t, ws)
			}
			ok, detail := runCheck(t, ws, c.opts, c.check)
			if ok != c.ok || !strings.Contains(detail, c.want) {
				t.Errorf("= %v %q, want %v and %q", ok, detail, c.ok, c.want)
			}
		})
	}
}

// TestChangesDecidedByReviews: the 6.3 check names the reviews whose
// decided changes are not all planned, in natural order of id, five and a
// count of the rest; a hook that fails fails the check's run.
func TestChangesDecidedByReviews(t *testing.T) {
	t.Parallel()
	ws := checkWS(t, "")
	decided := map[string]int{}
	for i := range 12 {
		decided[fmt.Sprintf("mr-%d", i+1)] = 1
	}
	decided["mr-2"] = 0
	c := validChange()
	c.AISystems, c.Risks, c.Impacts, c.Review = nil, nil, nil, "mr-3"
	mustDo(t, lifecycle.Changes(ws).Create(t.Context(), "raj", c))
	opts := lifecycle.CheckOptions{ReviewChanges: func(context.Context) (map[string]int, error) { return decided, nil }}
	ok, detail := runCheck(t, ws, opts, lifecycle.CheckChangesReassessed)
	if ok || !strings.HasPrefix(detail, "management review mr-1 decided 1 change to the AIMS, 0 planned: plan each as a change whose review is mr-1; management review mr-4 ") ||
		!strings.Contains(detail, "; management review mr-7 ") || !strings.HasSuffix(detail, "whose review is mr-7 and 5 more") {
		t.Errorf("= %v %q", ok, detail)
	}
	boom := errors.New("reviews unreadable")
	opts.ReviewChanges = func(context.Context) (map[string]int, error) { return nil, boom }
	for _, chk := range lifecycle.Checks(opts) {
		if chk.ID == lifecycle.CheckChangesReassessed {
			if _, _, err := chk.Run(t.Context(), ws); !errors.Is(err, boom) {
				t.Errorf("a failing hook: got %v, want %v", err, boom)
			}
		}
	}
}

// TestChecksRegistry: one id and one clause or control each, every check
// of the twelve present.
func TestChecksRegistry(t *testing.T) {
	t.Parallel()
	ids, clauses := map[string]bool{}, map[string]bool{}
	for _, c := range lifecycle.Checks(lifecycle.CheckOptions{}) {
		if ids[c.ID] || clauses[c.Clause] || c.Run == nil || c.Title == "" || c.Gate == "" {
			t.Errorf("check %+v repeats an id or clause or lacks a part", c)
		}
		ids[c.ID], clauses[c.Clause] = true, true
	}
	if len(ids) != 12 {
		t.Errorf("%d checks, want 12", len(ids))
	}
}

// TestChecksDetailBounded: over many systems the detail names five and
// counts the rest.
func TestChecksDetailBounded(t *testing.T) {
	t.Parallel()
	ws := checkWS(t, "")
	for i := range 12 {
		sys := &aims.AISystem{Name: "S", Stage: aims.StageDeployment, InScope: true}
		sys.ID = fmt.Sprintf("s-%02d", i)
		mustDo(t, aims.AISystems(ws).Create(t.Context(), "dana", sys))
	}
	ok, detail := runCheck(t, ws, lifecycle.CheckOptions{}, lifecycle.CheckEventLogs)
	if ok || !strings.HasPrefix(detail, "12 in-scope AI systems lack an event-log policy: s-00 (no event-log policy recorded), ") || !strings.HasSuffix(detail, "s-04 (no event-log policy recorded) and 7 more") {
		t.Errorf("= %v %q", ok, detail)
	}
}

// A system written before the index held its data sources (no "ix"
// attribute) is decoded by the provenance check, which then finds the
// same missing dataset as for a system written today.
func TestProvenanceReadsOlderSystems(t *testing.T) {
	ws := checkWS(t, aims.StageDeployment)
	ctx := t.Context()
	rec, err := ws.Store().Get(ctx, ws.Tenant(), aims.AISystems(ws).Kind(), "credit-scorer")
	mustDo(t, err)
	if rec.Attrs[aims.AttrSystemIndex] != aims.SystemIndexVersion || rec.Attrs[aims.AttrSystemSources] != "loan-history-2025" {
		t.Fatalf("attributes of a system written today: %v", rec.Attrs)
	}
	delete(rec.Attrs, aims.AttrSystemIndex)
	delete(rec.Attrs, aims.AttrSystemSources)
	_, err = ws.Store().Put(ctx, ws.Tenant(), rec, rec.Version)
	mustDo(t, err)
	ok, detail := runCheck(t, ws, lifecycle.CheckOptions{}, lifecycle.CheckDataProvenance)
	if ok || !strings.Contains(detail, `credit-scorer data source "loan-history-2025" has no dataset record`) {
		t.Errorf("provenance over an older system = %v, %q; want the missing dataset named", ok, detail)
	}
}
