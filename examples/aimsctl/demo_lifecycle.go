package main

import (
	"context"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/lifecycle"
)

// lifecycle keeps the life cycle records an auditor samples per AI system
// at stage 2 (7.3, 7.4, A.3.3, A.4, A.6.2, A.7): requirements, a passed
// verification, an approved deployment, the technical documentation, the
// event-log policy and the resources of each system; the credit model's
// training data with its provenance and measured quality; awareness and
// communication; a concern handler.
func (d *demo) lifecycle(ctx context.Context) error {
	ws := d.ws.Workspace
	return d.step("do: life cycle records", func() error {
		// A.3.3: carol, independent of both systems, handles concerns.
		ras := aims.RoleAssignments(ws)
		carol, err := ras.Get(ctx, demoCarol)
		if err != nil {
			return err
		}
		if !carol.Has(lifecycle.RoleConcernHandler) { // northwind.yaml gives it
			carol.Roles = append(carol.Roles, lifecycle.RoleConcernHandler)
			if err := ras.Update(ctx, demoAlice, carol); err != nil {
				return err
			}
		}
		now := d.clk.Now()
		threshold := func(v float64) *float64 { return &v }
		type sys struct {
			id, owner, req, criteria, release string
			stage                             aims.LifecycleStage
			metric                            lifecycle.Metric
			events                            []string
		}
		systems := []sys{
			{"credit-model", demoDave, "Every declined application gets its main reasons", "AUC and approval-rate gap on the 2025 hold-out", "v3",
				aims.StageOperationMonitoring, lifecycle.Metric{Name: "approval-rate gap", Value: 3.1, Threshold: threshold(5), Direction: aims.AtMost, Unit: "points"},
				[]string{"inputs", "scores", "officer overrides"}},
			{"support-assistant", demoErin, "Hand over to a person whenever a customer asks", "hand-over rate and wrong-answer rate on 500 scripted chats", "2025-11",
				aims.StageDeployment, lifecycle.Metric{Name: "wrong answers", Value: 1.2, Threshold: threshold(2), Direction: aims.AtMost, Unit: "%"},
				[]string{"prompts", "answers", "hand-overs"}},
		}
		for _, s := range systems {
			if err := lifecycle.Requirements(ws).Create(ctx, s.owner, &lifecycle.Requirement{System: s.id, Stage: aims.StageInception,
				Title: s.req, Statement: s.req + ".", Owner: s.owner}); err != nil {
				return err
			}
			if err := lifecycle.Verifications(ws).Create(ctx, demoErin, &lifecycle.Verification{System: s.id, Stage: aims.StageVerificationValidation,
				Title: "Release " + s.release + " acceptance", Criteria: s.criteria, Results: []lifecycle.Metric{s.metric},
				Passed: true, SignedBy: s.owner, SignedAt: now}); err != nil {
				return err
			}
			dep := &lifecycle.DeploymentApproval{System: s.id, Stage: aims.StageDeployment, Release: s.release,
				Environment: "production", RequestedBy: demoErin}
			deps, m := lifecycle.DeploymentApprovals(ws), lifecycle.DeploymentWorkflow()
			if err := aims.Start(ctx, deps, m, demoErin, dep); err != nil {
				return err
			}
			if _, err := aims.Fire(ctx, deps, m, aims.Firing[lifecycle.DeploymentApproval, lifecycle.DeploymentEvent]{ID: dep.ID, Actor: demoErin, Event: aims.ApprovalSubmit}); err != nil {
				return err
			}
			if _, err := lifecycle.ApproveDeployment(ctx, ws, demoBob, dep.ID); err != nil {
				return err
			}
			if err := lifecycle.TechnicalDocs(ws).Create(ctx, s.owner, &lifecycle.TechnicalDoc{System: s.id, Stage: s.stage,
				Title: s.id + " technical file", Owner: s.owner,
				Items: []lifecycle.DocItem{{Title: "System description and model card", Location: "docs/" + s.id + "/README.md"}}}); err != nil {
				return err
			}
			if err := lifecycle.EventLogPolicies(ws).Create(ctx, s.owner, &lifecycle.EventLogPolicy{System: s.id, Stage: s.stage,
				Events: s.events, RetentionDays: 365, Location: "log store eu-west, " + s.id, Owner: demoErin}); err != nil {
				return err
			}
			for _, r := range []struct {
				kind lifecycle.ResourceKind
				name string
			}{
				{lifecycle.ResourceData, "production inputs of " + s.id},
				{lifecycle.ResourceTooling, "ML platform and CI"},
				{lifecycle.ResourceComputing, "cloud cluster eu-west"},
				{lifecycle.ResourceHuman, "ML engineering team"},
			} {
				if err := lifecycle.Resources(ws).Create(ctx, demoErin, &lifecycle.Resource{Name: r.name, Kind: r.kind, System: s.id, Owner: s.owner}); err != nil {
					return err
				}
			}
			d.say("A.6.2    %s: requirements, verification passed (signed by %s), deployment of %s approved by bob,", s.id, s.owner, s.release)
			d.say("         technical file, event-log policy (365 days) and its resources recorded.")
		}
		ds := &lifecycle.Dataset{Name: "loan-history", AISystems: []string{"credit-model"}, Use: aims.DataTraining,
			Provenance: "own loan book 2015-2025", Acquisition: "monthly extract from the core banking system",
			QualityRequirements: "income and outcome present for every loan",
			Quality:             []lifecycle.Metric{{Name: "completeness", Value: 99.6, Threshold: threshold(99), Direction: aims.AtLeast, Unit: "%"}},
			Preparation:         []string{"deduplicate", "remove protected attributes from features"}, Owner: demoDave}
		if err := lifecycle.Datasets(ws).Create(ctx, demoDave, ds); err != nil {
			return err
		}
		if err := lifecycle.Awarenesses(ws).Create(ctx, demoAlice, &lifecycle.Awareness{Topic: "AI policy and your part in it",
			Audience: "all staff working with AI", Method: "workshop", Date: now,
			CoversPolicy: true, CoversContribution: true, CoversNonconformity: true, Responsible: demoAlice}); err != nil {
			return err
		}
		for _, c := range []*lifecycle.Communication{
			{What: "AIMS news and changes", When: "monthly", With: "staff", How: "intranet", Communicator: demoAlice, Audience: lifecycle.AudienceInternal},
			{What: "How decisions are made and how to contest one", When: "with every decline", With: "applicants", How: "decline letter",
				Communicator: demoDave, Audience: lifecycle.AudienceExternal, AISystems: []string{"credit-model"}},
		} {
			if err := lifecycle.Communications(ws).Create(ctx, demoAlice, c); err != nil {
				return err
			}
		}
		d.say("A.7      Dataset %s: provenance, acquisition and measured completeness %.1f%% (at least 99%%).", ds.Name, ds.Quality[0].Value)
		d.say("7.3-7.4  Awareness workshop held; internal and external communication planned; carol handles concerns (A.3.3).")
		return nil
	})
}
