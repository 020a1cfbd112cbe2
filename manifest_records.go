package iso42001

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/impact"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// This file carries the manifest's impact assessments and its records of
// what happened (measurements, internal audits, management reviews):
// their validation, plan and export. A record of what happened is
// immutable once made: the plan creates what the workspace lacks, leaves
// what matches, and refuses a change (a new record takes a new id).
// Prune never deletes one: documented information of results is kept
// (7.5.3).

// impactReviewers are the roles that may approve an impact assessment
// (the impact workflow's default reviewer roles).
var impactReviewers = []aims.Role{aims.RoleApprover, aims.RoleImpactReviewer}

// validateRecords checks the impact assessments, measurements, audits
// and reviews of m against the rest of m.
func (m *Manifest) validateRecords(p *aims.Problems, holds func(string, ...aims.Role) bool, control func(path, id string), area func(path, id string)) {
	risks := map[string]bool{}
	for _, r := range m.Risks {
		risks[r.ID] = true
	}
	systems := map[string]bool{}
	for _, s := range m.AISystems {
		systems[s.ID] = true
	}
	dupes := func(path, what string, list []string) {
		seen := map[string]int{}
		for i, id := range list {
			if j, ok := seen[id]; ok {
				p.Addf(fmt.Sprintf("%s[%d]", path, i), "duplicate %s %q, first at %s[%d]", what, id, path, j)
				continue
			}
			seen[id] = i
		}
	}
	actor := func(path, id string) bool {
		if !aims.ValidName(id) {
			p.Addf(path, "must be an actor id, got %q", id)
			return false
		}
		return true
	}
	dupes("impactAssessments", "id", ids(m.ImpactAssessments, func(s ImpactAssessmentSpec) string { return s.ID }))
	for i, s := range m.ImpactAssessments {
		path := fmt.Sprintf("impactAssessments[%d]", i)
		if !aims.ValidName(s.ID) {
			p.Addf(path+".id", "must be an id, got %q", s.ID)
		}
		if !systems[s.System] {
			p.Addf(path+".system", "unknown AI system %q: declare it under aiSystems", s.System)
		}
		p.Require(path+".title", s.Title)
		actor(path+".author", s.Author)
		if s.AnswersFile != "" && s.answersSrc == nil {
			p.Addf(path+".answersFile", "%q is not read: Manifest.ReadAnswerFiles reads the answer files beside the manifest", s.AnswersFile)
		}
		if s.ReviewDays < 0 {
			p.Add(path+".reviewDays", "must not be negative")
		}
		for k, im := range s.Impacts {
			ip := fmt.Sprintf("%s.impacts[%d]", path, k)
			if im.Risk != "" && !risks[im.Risk] {
				p.Addf(ip+".risk", "unknown risk %q: declare it under risks", im.Risk)
			}
			for j, mi := range im.Mitigations {
				for c, id := range mi.Controls {
					control(fmt.Sprintf("%s.mitigations[%d].controls[%d]", ip, j, c), id)
				}
				for c, id := range mi.Risks {
					if !risks[id] {
						p.Addf(fmt.Sprintf("%s.mitigations[%d].risks[%d]", ip, j, c), "unknown risk %q: declare it under risks", id)
					}
				}
			}
		}
		switch s.State {
		case impact.StateDraft, impact.StateInReview:
			if s.Approver != "" {
				p.Addf(path+".approver", "must be empty for a %s assessment: only an approved one has an approver", s.State)
			}
		case impact.StateApproved:
			switch {
			case s.Approver == "":
				p.Add(path+".approver", "is required for an approved assessment")
			case s.Approver == s.Author:
				p.Addf(path+".approver", "%q is the author: the approver of an impact assessment must not be its author", s.Approver)
			case !holds(s.Approver, impactReviewers...):
				p.Addf(path+".approver", "%q must hold the %s or %s role under roles", s.Approver, aims.RoleApprover, aims.RoleImpactReviewer)
			}
		default:
			p.Addf(path+".state", "must be draft, in-review or approved, got %q", s.State)
		}
	}

	metrics := map[string]MetricSpec{}
	for _, s := range m.Metrics {
		metrics[s.ID] = s
	}
	dupes("measurements", "id", ids(m.Measurements, func(s MeasurementSpec) string { return s.ID }))
	for i, s := range m.Measurements {
		path := fmt.Sprintf("measurements[%d]", i)
		rec := &audit.Measurement{Meta: aims.Meta{ID: s.ID}, Metric: s.Metric, Value: s.Value, At: s.At, By: s.By, Evidence: s.Evidence}
		p.Merge(path, rec.Validate())
		mt, ok := metrics[s.Metric]
		switch {
		case !ok:
			p.Addf(path+".metric", "unknown metric %q: declare it under metrics", s.Metric)
		case s.By != mt.MeasuredBy && s.By != mt.EvaluatedBy && !holds(s.By, aims.RoleAIMSManager):
			p.Addf(path+".by", "%q neither measures nor evaluates metric %s and is not an %s", s.By, s.Metric, aims.RoleAIMSManager)
		}
	}

	programmes := map[string]bool{}
	for _, s := range m.AuditProgrammes {
		programmes[s.ID] = true
	}
	dupes("audits", "id", ids(m.Audits, func(s AuditSpec) string { return s.ID }))
	for i, s := range m.Audits {
		path := fmt.Sprintf("audits[%d]", i)
		if !aims.ValidName(s.ID) {
			p.Addf(path+".id", "must be an id, got %q", s.ID)
		}
		if s.Programme != "" && !programmes[s.Programme] {
			p.Addf(path+".programme", "unknown audit programme %q: declare it under auditProgrammes", s.Programme)
		}
		p.Require(path+".title", s.Title)
		p.Require(path+".conclusion", s.Conclusion)
		if len(s.Areas) == 0 {
			p.Add(path+".areas", "is required")
		}
		for k, a := range s.Areas {
			area(fmt.Sprintf("%s.areas[%d].id", path, k), a.ID)
			actor(fmt.Sprintf("%s.areas[%d].owner", path, k), a.Owner)
		}
		if len(s.Auditors) == 0 {
			p.Add(path+".auditors", "is required")
		}
		for k, au := range s.Auditors {
			ap := fmt.Sprintf("%s.auditors[%d]", path, k)
			if !actor(ap, au) {
				continue
			}
			if !holds(au, aims.RoleInternalAuditor) {
				p.Addf(ap, "%q must hold the %s role under roles", au, aims.RoleInternalAuditor)
			}
			for _, ar := range s.Areas {
				if ar.Owner == au {
					p.Addf(ap, "%q owns area %s: an auditor does not audit their own work (auditor-is-independent)", au, ar.ID)
					break
				}
			}
		}
		if !slices.Contains(s.Auditors, s.Lead) {
			p.Addf(path+".lead", "%q must be one of the auditors", s.Lead)
		}
		for k, d := range []struct {
			field string
			t     time.Time
		}{{"planned", s.Planned}, {"started", s.Started}, {"completed", s.Completed}} {
			if d.t.IsZero() {
				p.Add(path+"."+d.field, "is required")
			} else if k == 2 && d.t.Before(s.Started) {
				p.Addf(path+".completed", "is before the audit started (%s)", s.Started.Format(time.RFC3339))
			}
		}
		assigned := func(fp, au string) {
			if au != "" && !slices.Contains(s.Auditors, au) {
				p.Addf(fp, "%q is not one of the audit's auditors", au)
			}
		}
		dupes(path+".results", "ref", ids(s.Results, func(r ResultSpec) string { return r.Ref }))
		for k, r := range s.Results {
			rp := fmt.Sprintf("%s.results[%d]", path, k)
			if !r.Result.Valid() {
				p.Addf(rp+".result", "must be conforms, nonconforming or not-applicable, got %q", r.Result)
			} else if r.Result != audit.ResultNotApplicable && len(r.Evidence) == 0 {
				p.Add(rp+".evidence", "is required for a conforms or nonconforming result")
			}
			assigned(rp+".auditor", r.Auditor)
		}
		dupes(path+".findings", "id", ids(s.Findings, func(f FindingSpec) string { return f.ID }))
		for k, f := range s.Findings {
			fp := fmt.Sprintf("%s.findings[%d]", path, k)
			rec := &audit.Finding{Meta: aims.Meta{ID: f.ID}, Audit: s.ID, Type: f.Type, Ref: f.Ref, Statement: f.Statement, Evidence: f.Evidence, Auditor: cmpOr(f.Auditor, s.Lead)}
			p.Merge(fp, rec.Validate())
			if !slices.ContainsFunc(s.Results, func(r ResultSpec) bool { return r.Ref == f.Ref || strings.HasPrefix(f.Ref, r.Ref+".") }) {
				p.Addf(fp+".ref", "%q has no result under results: a finding concerns a checklist item", f.Ref)
			}
			assigned(fp+".auditor", f.Auditor)
		}
	}

	dupes("reviews", "id", ids(m.Reviews, func(s ReviewSpec) string { return s.ID }))
	for i, s := range m.Reviews {
		path := fmt.Sprintf("reviews[%d]", i)
		rec := &audit.Review{Meta: aims.Meta{ID: s.ID}, Title: s.Title, Planned: s.Planned, Held: s.Held, Attendees: s.Attendees,
			Decisions: s.Decisions, Changes: s.Changes, Actions: s.Actions}
		p.Merge(path, rec.Validate())
		actor(path+".preparedBy", s.PreparedBy)
		if actor(path+".heldBy", s.HeldBy) && !holds(s.HeldBy, aims.RoleTopManagement) {
			p.Addf(path+".heldBy", "%q must hold the %s role under roles", s.HeldBy, aims.RoleTopManagement)
		}
		if s.Held.IsZero() {
			p.Add(path+".held", "is required")
		}
		if len(s.Attendees) == 0 {
			p.Add(path+".attendees", "is required: a review records who attended")
		}
		if len(s.Decisions) == 0 {
			p.Add(path+".decisions", "is required: a review records at least one decision (9.3.3)")
		}
	}
}

// cmpOr returns a, or b when a is empty.
func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// future adds a problem when t is after now: a record of what happened
// cannot be dated in the future.
func (pl *planner) future(path string, t time.Time) bool {
	now := pl.a.ws.Now()
	if t.After(now) {
		pl.problems.Addf(path, "%s is after now (%s): a record of what happened cannot be dated in the future",
			t.UTC().Format(time.RFC3339), now.Format(time.RFC3339))
		return true
	}
	return false
}

// immutable plans a record of what happened that already exists: it is
// unchanged when it matches its entry, a problem otherwise.
func (pl *planner) immutable(kind, id, path string, have, want any, what string) {
	if fields := diff(have, want); len(fields) > 0 {
		pl.problems.Addf(path, "%s %s is already recorded and differs in %s: a record of what happened does not change; record a new one with a new id",
			what, id, fields[0].Path)
		return
	}
	pl.add(Change{Kind: kind, ID: id, Action: ActionUnchanged})
}

// impactSpec returns the manifest entry of a stored assessment.
func impactSpec(a *impact.Assessment) (*ImpactAssessmentSpec, error) {
	s := &ImpactAssessmentSpec{ID: a.ID, System: a.System, Title: a.Title, Author: a.CreatedBy, IntendedUses: a.IntendedUses,
		Misuse: a.Misuse, DeploymentContext: a.DeploymentContext, Stakeholders: a.Stakeholders, Consulted: a.Consulted,
		Decision: a.Decision, Answers: a.Answers, ReviewDays: a.ReviewDays, State: impact.State(a.State), Approver: a.ApprovedBy}
	if a.Screening != nil {
		s.Screening = a.Screening.Answers
	}
	for _, im := range a.Impacts {
		is, err := recast[ImpactSpec](im)
		if err != nil {
			return nil, err
		}
		s.Impacts = append(s.Impacts, *is)
	}
	return s, nil
}

// impactOrder ranks the assessment states a manifest may declare.
var impactOrder = map[impact.State]int{impact.StateDraft: 0, impact.StateInReview: 1, impact.StateApproved: 2}

// impactAssessments plans the impact assessments: each started by its
// author with its declared id, its content and answers written and its
// screening recorded through the impact service, then submitted by the
// author and approved by the approver through the assessment workflow.
func (pl *planner) impactAssessments(ctx context.Context) error {
	svc := pl.a.impacts
	stored := map[string]*impact.Assessment{}
	for a, err := range svc.List(ctx, "") {
		if err != nil {
			return err
		}
		stored[a.ID] = a
	}
	for i, want := range pl.m.ImpactAssessments {
		path := fmt.Sprintf("impactAssessments[%d]", i)
		want.AnswersFile = "" // read into Answers
		if !pl.answersOK(path, want) {
			continue
		}
		c := Change{Kind: impact.KindAssessment, ID: want.ID}
		var steps []func(context.Context) error
		from := impact.StateDraft
		content := func(a *impact.Assessment) {
			a.Title, a.IntendedUses, a.Misuse, a.DeploymentContext = want.Title, want.IntendedUses, want.Misuse, want.DeploymentContext
			a.Stakeholders, a.Consulted, a.Decision, a.Answers, a.ReviewDays = want.Stakeholders, want.Consulted, want.Decision, want.Answers, want.ReviewDays
			a.Impacts = nil
			for _, is := range want.Impacts {
				im, _ := recast[impact.Impact](is)
				a.Impacts = append(a.Impacts, *im)
			}
		}
		screen := func(ctx context.Context) error {
			if want.Screening == nil {
				return nil
			}
			_, err := svc.ScreenAssessment(ctx, want.Author, want.ID, want.Screening)
			return err
		}
		cur, ok := stored[want.ID]
		switch {
		case !ok:
			c.Action, c.Fields = ActionCreate, diff(nil, want)
			c.Steps = append(c.Steps, "start as "+want.Author, "write as "+want.Author)
			if want.Screening != nil {
				c.Steps = append(c.Steps, "screen as "+want.Author)
			}
			steps = append(steps, func(ctx context.Context) error {
				sys, err := aims.AISystems(pl.a.ws).Get(ctx, want.System)
				if err != nil {
					return err
				}
				a := &impact.Assessment{Meta: aims.Meta{ID: want.ID}, System: sys.ID, SystemVersion: sys.ModelVersion,
					Snapshot: impact.SnapshotOf(sys), Questionnaire: svc.Questionnaire().Ref()}
				content(a)
				answers := a.Answers
				a.Answers = nil
				if err := aims.Start(ctx, svc.Collection(), svc.Workflow(), want.Author, a); err != nil {
					return err
				}
				a.Answers = answers
				if _, err := svc.Update(ctx, want.Author, a); err != nil {
					return err
				}
				return screen(ctx)
			})
		default:
			have, err := impactSpec(cur)
			if err != nil {
				return err
			}
			from = impact.State(cur.State)
			if _, known := impactOrder[from]; !known {
				pl.problems.Addf(path, "assessment %s is %s: a manifest cannot bring it back; give the new assessment a new id", want.ID, from)
				continue
			}
			haveContent, wantContent := *have, want
			haveContent.State, haveContent.Approver, wantContent.State, wantContent.Approver = "", "", "", ""
			c.Fields = diff(have, want)
			if len(c.Fields) == 0 {
				pl.add(Change{Kind: impact.KindAssessment, ID: want.ID, Action: ActionUnchanged})
				continue
			}
			if fields := diff(haveContent, wantContent); len(fields) > 0 {
				if from != impact.StateDraft {
					pl.problems.Addf(path, "assessment %s is %s and differs in %s: only a draft changes; an approved assessment is replaced by a new one with a new id",
						want.ID, from, fields[0].Path)
					continue
				}
				if have.Author != want.Author {
					pl.problems.Addf(path+".author", "assessment %s is written by %q: its author cannot change", want.ID, have.Author)
					continue
				}
				c.Steps = append(c.Steps, "write as "+want.Author)
				steps = append(steps, func(ctx context.Context) error {
					a, err := svc.Get(ctx, want.ID)
					if err != nil {
						return err
					}
					if a.Version != cur.Version {
						return aims.E("update", impact.KindAssessment, want.ID, aims.ErrConflict)
					}
					content(a)
					if _, err := svc.Update(ctx, want.Author, a); err != nil {
						return err
					}
					return screen(ctx)
				})
			}
			if impactOrder[want.State] < impactOrder[from] {
				pl.problems.Addf(path+".state", "assessment %s is already %s: it does not go back to %s", want.ID, from, want.State)
				continue
			}
			c.Action = ActionUpdate
		}
		for st := from; impactOrder[st] < impactOrder[want.State]; {
			switch st {
			case impact.StateDraft:
				c.Steps = append(c.Steps, "submit as "+want.Author)
				steps = append(steps, func(ctx context.Context) error { _, err := svc.Submit(ctx, want.Author, want.ID); return err })
				st = impact.StateInReview
			case impact.StateInReview:
				c.Steps = append(c.Steps, "approve as "+want.Approver)
				steps = append(steps, func(ctx context.Context) error { _, err := svc.Approve(ctx, want.Approver, want.ID); return err })
				st = impact.StateApproved
			}
		}
		if len(steps) == 0 {
			c.Action, c.Fields = ActionUnchanged, nil
		} else {
			c.run = runAll(steps)
		}
		pl.add(c)
	}
	return nil
}

// answersOK checks an assessment's answers against the questionnaire and
// its screening answers against the screening questionnaire, as the
// impact service will when apply records them, and reports what it finds
// where the answers were written: the manifest, or the answers file.
func (pl *planner) answersOK(path string, want ImpactAssessmentSpec) bool {
	ok := true
	if want.Answers != nil {
		if _, err := pl.a.impacts.Questionnaire().EvaluatePartial(want.Answers); err != nil {
			ok = false
			if want.answersSrc != nil {
				pl.placed = append(pl.placed, answerProblems(want.answersSrc, "", err)...)
			} else {
				pl.problems.Merge(path, err)
			}
		}
	}
	if want.Screening != nil {
		if _, err := impact.ScreenWith(pl.a.impacts.ScreeningQuestionnaire(), want.Screening); err != nil {
			ok = false
			var ve *aims.ValidationError
			if errors.As(err, &ve) {
				for _, q := range ve.Problems {
					pl.problems.Add(path+".screening"+strings.TrimPrefix(q.Path, "answers"), q.Rule)
				}
			} else {
				pl.problems.Add(path+".screening", err.Error())
			}
		}
	}
	return ok
}

// runAll returns a run that carries out steps in order, stopping at the
// first error.
func runAll(steps []func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		for _, s := range steps {
			if err := s(ctx); err != nil {
				return err
			}
		}
		return nil
	}
}

// measurements plans the recorded measurements, each recorded through
// the metrics service by the person who measured.
func (pl *planner) measurements(ctx context.Context) error {
	col := aims.NewCollection[audit.Measurement](pl.a.ws, audit.KindMeasurement, 1)
	stored := map[string]*audit.Measurement{}
	for v, err := range col.List(ctx, nil) {
		if err != nil {
			return err
		}
		stored[v.ID] = v
	}
	ms := pl.a.metrics
	for i, want := range pl.m.Measurements {
		path := fmt.Sprintf("measurements[%d]", i)
		want.At = want.At.UTC()
		if cur, ok := stored[want.ID]; ok {
			have := MeasurementSpec{ID: cur.ID, Metric: cur.Metric, Value: cur.Value, At: cur.At.UTC(), By: cur.By, Evidence: cur.Evidence}
			pl.immutable(audit.KindMeasurement, want.ID, path, have, want, "measurement")
			continue
		}
		if pl.future(path+".at", want.At) {
			continue
		}
		pl.add(Change{Kind: audit.KindMeasurement, ID: want.ID, Action: ActionCreate, Fields: diff(nil, want), Steps: []string{"record as " + want.By},
			run: func(ctx context.Context) error {
				return ms.Record(ctx, want.By, &audit.Measurement{Meta: aims.Meta{ID: want.ID}, Metric: want.Metric, Value: want.Value, At: want.At, Evidence: want.Evidence})
			}})
	}
	return nil
}

// auditSpec returns the manifest entry of a stored audit.
func auditSpec(a *audit.Audit, findings []*audit.Finding) AuditSpec {
	s := AuditSpec{ID: a.ID, Programme: a.Programme, Title: a.Title, Areas: a.Areas, Criteria: a.Criteria, Auditors: a.Auditors, Lead: a.Lead,
		Planned: a.Planned.UTC(), Started: a.Started.UTC(), Completed: a.Completed.UTC(), Conclusion: a.Conclusion}
	for _, it := range a.Checklist {
		if it.Result == "" {
			continue
		}
		r := ResultSpec{Ref: it.Ref, Result: it.Result, Evidence: it.Evidence, Notes: it.Notes}
		if it.Auditor != a.Lead {
			r.Auditor = it.Auditor
		}
		s.Results = append(s.Results, r)
	}
	slices.SortFunc(findings, func(x, y *audit.Finding) int { return natsort.Compare(x.ID, y.ID) })
	for _, f := range findings {
		fs := FindingSpec{ID: f.ID, Type: f.Type, Ref: f.Ref, Statement: f.Statement, Evidence: f.Evidence}
		if f.Auditor != a.Lead {
			fs.Auditor = f.Auditor
		}
		s.Findings = append(s.Findings, fs)
	}
	return s
}

// canonicalAudit returns want as export would write it back: times in
// UTC, the lead left out where it is the default.
func canonicalAudit(want AuditSpec) AuditSpec {
	want.Planned, want.Started, want.Completed = want.Planned.UTC(), want.Started.UTC(), want.Completed.UTC()
	want.Results = slices.Clone(want.Results)
	for i := range want.Results {
		if want.Results[i].Auditor == want.Lead {
			want.Results[i].Auditor = ""
		}
	}
	want.Findings = slices.Clone(want.Findings)
	for i := range want.Findings {
		if want.Findings[i].Auditor == want.Lead {
			want.Findings[i].Auditor = ""
		}
	}
	return want
}

// audits plans the internal audits carried out: each planned, started
// and completed by its lead on the declared dates, with each result and
// finding recorded by its auditor, through the audit service and
// workflow (which keep every auditor independent of the areas audited).
// The checklist is built when the audit is planned, from its areas and
// the controls the approved SoA then holds applicable; a result missing
// for an item of it, or given for an item not on it, fails the audit
// before it is written.
func (pl *planner) audits(ctx context.Context) error {
	as := pl.a.audits
	for i, want := range pl.m.Audits {
		path := fmt.Sprintf("audits[%d]", i)
		want = canonicalAudit(want)
		cur, err := as.Get(ctx, want.ID)
		if err == nil {
			if audit.AuditState(cur.State) != audit.AuditCompleted {
				pl.problems.Addf(path, "audit %s is %s: carry it on through the audit commands, or give this audit a new id", want.ID, cur.State)
				continue
			}
			fs, err := as.FindingsOf(ctx, want.ID)
			if err != nil {
				return err
			}
			pl.immutable(audit.KindAudit, want.ID, path, auditSpec(cur, fs), want, "audit")
			continue
		} else if !isNotFound(err) {
			return err
		}
		if pl.future(path+".started", want.Started) || pl.future(path+".completed", want.Completed) {
			continue
		}
		c := Change{Kind: audit.KindAudit, ID: want.ID, Action: ActionCreate, Fields: diff(nil, want),
			Steps: []string{"plan as " + want.Lead, "start as " + want.Lead}}
		for _, r := range want.Results {
			c.Steps = append(c.Steps, fmt.Sprintf("record %s as %s", r.Ref, cmpOr(r.Auditor, want.Lead)))
		}
		for _, f := range want.Findings {
			c.Steps = append(c.Steps, fmt.Sprintf("raise %s as %s", f.ID, cmpOr(f.Auditor, want.Lead)))
		}
		c.Steps = append(c.Steps, "complete as "+want.Lead)
		c.run = func(ctx context.Context) error { return pl.a.playAudit(ctx, want) }
		pl.add(c)
	}
	return nil
}

// playAudit carries out one declared audit through the audit service.
func (a *AIMS) playAudit(ctx context.Context, want AuditSpec) error {
	var applicable []string
	if doc, err := a.soa.Approved(ctx); err == nil {
		for _, e := range doc.Entries {
			if e.Applicable {
				applicable = append(applicable, e.Control)
			}
		}
	} else if !isNotFound(err) {
		return err
	}
	scope := make([]string, len(want.Areas))
	for i, ar := range want.Areas {
		scope[i] = ar.ID
	}
	var covered []string
	for _, id := range applicable {
		if slices.ContainsFunc(scope, func(s string) bool { return id == s || strings.HasPrefix(id, s+".") }) {
			covered = append(covered, id)
		}
	}
	cl, err := audit.Checklist(a.cat, scope, covered)
	if err != nil {
		return err
	}
	var missing, extra []string
	for _, it := range cl {
		if !slices.ContainsFunc(want.Results, func(r ResultSpec) bool { return r.Ref == it.Ref }) {
			missing = append(missing, it.Ref)
		}
	}
	for _, r := range want.Results {
		if !slices.ContainsFunc(cl, func(it audit.ChecklistItem) bool { return it.Ref == r.Ref }) {
			extra = append(extra, r.Ref)
		}
	}
	if len(missing)+len(extra) > 0 {
		var p aims.Problems
		if len(missing) > 0 {
			p.Addf("results", "the checklist's items %s have no result", strings.Join(missing, ", "))
		}
		if len(extra) > 0 {
			p.Addf("results", "%s are not on the checklist (its clauses and the applicable controls of the approved SoA its areas cover)", strings.Join(extra, ", "))
		}
		return aims.E("plan", audit.KindAudit, want.ID, p.Err())
	}
	as := a.audits
	if _, err := as.Plan(ctx, want.Lead, audit.PlanInput{ID: want.ID, Programme: want.Programme, Title: want.Title, Areas: want.Areas,
		Criteria: want.Criteria, Auditors: want.Auditors, Lead: want.Lead, Planned: want.Planned, Applicable: applicable}); err != nil {
		return err
	}
	if _, err := as.StartAt(ctx, want.Lead, want.ID, want.Started); err != nil {
		return err
	}
	for _, r := range want.Results {
		if _, err := as.RecordResult(ctx, cmpOr(r.Auditor, want.Lead), want.ID, r.Ref, r.Result, r.Evidence, r.Notes); err != nil {
			return err
		}
	}
	for _, f := range want.Findings {
		rec := &audit.Finding{Meta: aims.Meta{ID: f.ID}, Type: f.Type, Ref: f.Ref, Statement: f.Statement, Evidence: f.Evidence}
		if err := as.AddFinding(ctx, cmpOr(f.Auditor, want.Lead), want.ID, rec); err != nil {
			return err
		}
	}
	_, err = as.CompleteAt(ctx, want.Lead, want.ID, want.Conclusion, want.Completed)
	return err
}

// reviewSpec returns the manifest entry of a stored review.
func reviewSpec(r *audit.Review) ReviewSpec {
	return ReviewSpec{ID: r.ID, Title: r.Title, Planned: r.Planned.UTC(), PreparedBy: r.CreatedBy, HeldBy: r.UpdatedBy, Held: r.Held.UTC(),
		Attendees: r.Attendees, Decisions: r.Decisions, Changes: r.Changes, Actions: r.Actions}
}

// reviews plans the management reviews held: each prepared by its
// preparer (the inputs gathered from the records as they then stand)
// and recorded as held by top management on the declared date.
func (pl *planner) reviews(ctx context.Context) error {
	rs := pl.a.reviews
	for i, want := range pl.m.Reviews {
		path := fmt.Sprintf("reviews[%d]", i)
		want.Planned, want.Held = want.Planned.UTC(), want.Held.UTC()
		cur, err := rs.Get(ctx, want.ID)
		if err == nil {
			if audit.ReviewState(cur.State) != audit.ReviewHeld {
				pl.problems.Addf(path, "review %s is %s: record it through the review commands, or give this review a new id", want.ID, cur.State)
				continue
			}
			pl.immutable(audit.KindReview, want.ID, path, reviewSpec(cur), want, "review")
			continue
		} else if !isNotFound(err) {
			return err
		}
		if pl.future(path+".held", want.Held) {
			continue
		}
		pl.add(Change{Kind: audit.KindReview, ID: want.ID, Action: ActionCreate, Fields: diff(nil, want),
			Steps: []string{"prepare as " + want.PreparedBy, "record as held as " + want.HeldBy},
			run: func(ctx context.Context) error {
				if _, err := rs.Prepare(ctx, want.PreparedBy, want.ID, want.Title, want.Planned); err != nil {
					return err
				}
				_, err := rs.RecordAt(ctx, want.HeldBy, want.ID, audit.Outcome{Attendees: want.Attendees, Decisions: want.Decisions,
					Changes: want.Changes, Actions: want.Actions}, want.Held)
				return err
			}})
	}
	return nil
}

// exportRecords adds the impact assessments (all but superseded ones),
// measurements, completed audits and held reviews to m.
func (a *AIMS) exportRecords(ctx context.Context, m *Manifest) error {
	for as, err := range a.impacts.List(ctx, "") {
		if err != nil {
			return err
		}
		if _, ok := impactOrder[impact.State(as.State)]; !ok {
			continue
		}
		s, err := impactSpec(as)
		if err != nil {
			return err
		}
		m.ImpactAssessments = append(m.ImpactAssessments, *s)
	}
	slices.SortFunc(m.ImpactAssessments, func(x, y ImpactAssessmentSpec) int { return natsort.Compare(x.ID, y.ID) })
	for v, err := range aims.NewCollection[audit.Measurement](a.ws, audit.KindMeasurement, 1).List(ctx, nil) {
		if err != nil {
			return err
		}
		m.Measurements = append(m.Measurements, MeasurementSpec{ID: v.ID, Metric: v.Metric, Value: v.Value, At: v.At.UTC(), By: v.By, Evidence: v.Evidence})
	}
	slices.SortFunc(m.Measurements, func(x, y MeasurementSpec) int { return natsort.Compare(x.ID, y.ID) })
	for au, err := range a.audits.Collection().List(ctx, map[string]string{"state": string(audit.AuditCompleted)}) {
		if err != nil {
			return err
		}
		fs, err := a.audits.FindingsOf(ctx, au.ID)
		if err != nil {
			return err
		}
		m.Audits = append(m.Audits, auditSpec(au, fs))
	}
	slices.SortFunc(m.Audits, func(x, y AuditSpec) int { return natsort.Compare(x.ID, y.ID) })
	for r, err := range a.reviews.Collection().List(ctx, map[string]string{"state": string(audit.ReviewHeld)}) {
		if err != nil {
			return err
		}
		m.Reviews = append(m.Reviews, reviewSpec(r))
	}
	slices.SortFunc(m.Reviews, func(x, y ReviewSpec) int { return natsort.Compare(x.ID, y.ID) })
	return nil
}
