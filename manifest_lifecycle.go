package iso42001

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/natsort"
	"github.com/aimsgo/iso42001/lifecycle"
)

// This file carries the manifest's life cycle section: the records an
// auditor samples per AI system (A.4, A.6, A.7) and the awareness and
// communication of 7.3 and 7.4. Each is planned, applied, exported and
// pruned through the generic helpers, except the deployment approvals,
// which are played through their approval workflow as the requester and
// the approver they name.

// LifecycleSpec declares the life cycle records (package lifecycle).
// Apply creates and updates them as the applying actor through their
// collections, which check the actor's authority; a deployment approval
// is requested, submitted and approved through its workflow.
type LifecycleSpec struct {
	// Requirements are the AI systems' requirements (A.6.2.2).
	Requirements []RequirementSpec `json:"requirements,omitempty"`
	// DesignRecords are the design and development choices (A.6.2.3).
	DesignRecords []DesignRecordSpec `json:"designRecords,omitempty"`
	// Verifications are the verifications and validations carried out
	// (A.6.2.4).
	Verifications []VerificationSpec `json:"verifications,omitempty"`
	// DeploymentApprovals are the approved deployments (A.6.2.5).
	DeploymentApprovals []DeploymentApprovalSpec `json:"deploymentApprovals,omitempty"`
	// TechnicalDocs are the AI systems' technical documentation
	// (A.6.2.7).
	TechnicalDocs []TechnicalDocSpec `json:"technicalDocs,omitempty"`
	// EventLogPolicies say what each AI system logs and for how long
	// (A.6.2.8).
	EventLogPolicies []EventLogPolicySpec `json:"eventLogPolicies,omitempty"`
	// Resources are the AI systems' resources (A.4).
	Resources []ResourceSpec `json:"resources,omitempty"`
	// Datasets are the data the AI systems are built and run on (A.7).
	Datasets []DatasetSpec `json:"datasets,omitempty"`
	// Awareness records the awareness given to people (7.3).
	Awareness []AwarenessSpec `json:"awareness,omitempty"`
	// Communications are the planned internal and external
	// communications (7.4, A.8).
	Communications []CommunicationSpec `json:"communications,omitempty"`
}

// empty reports whether l declares nothing.
func (l *LifecycleSpec) empty() bool {
	return l == nil || len(l.Requirements)+len(l.DesignRecords)+len(l.Verifications)+len(l.DeploymentApprovals)+
		len(l.TechnicalDocs)+len(l.EventLogPolicies)+len(l.Resources)+len(l.Datasets)+len(l.Awareness)+len(l.Communications) == 0
}

// RequirementSpec declares a requirement of an AI system (record
// lifecycle.Requirement).
type RequirementSpec struct {
	// ID identifies the requirement.
	ID string `json:"id"`
	// System is the AI system it concerns.
	System string `json:"system"`
	// Stage is the life cycle stage it was set in.
	Stage aims.LifecycleStage `json:"stage" jsonschema:"enum=inception,enum=design-and-development,enum=verification-and-validation,enum=deployment,enum=operation-and-monitoring,enum=re-evaluation,enum=retirement"`
	// Title names it.
	Title string `json:"title"`
	// Statement says what is required.
	Statement string `json:"statement"`
	// Rationale says why.
	Rationale string `json:"rationale,omitempty"`
	// Acceptance says how meeting it is checked.
	Acceptance string `json:"acceptance,omitempty"`
	// Policies names the organisational policies it comes from.
	Policies []string `json:"policies,omitempty"`
	// Owner is the person accountable for it.
	Owner string `json:"owner,omitempty"`
}

// DesignRecordSpec declares a design and development choice (record
// lifecycle.DesignRecord).
type DesignRecordSpec struct {
	// ID identifies the record.
	ID string `json:"id"`
	// System is the AI system it concerns.
	System string `json:"system"`
	// Stage is its life cycle stage.
	Stage aims.LifecycleStage `json:"stage" jsonschema:"enum=inception,enum=design-and-development,enum=verification-and-validation,enum=deployment,enum=operation-and-monitoring,enum=re-evaluation,enum=retirement"`
	// Title names the decision.
	Title string `json:"title"`
	// Decision says what was chosen.
	Decision string `json:"decision"`
	// Alternatives lists the options considered.
	Alternatives []string `json:"alternatives,omitempty"`
	// Rationale says why.
	Rationale string `json:"rationale"`
	// Requirements lists the requirements it answers, by id.
	Requirements []string `json:"requirements,omitempty"`
	// DecidedBy is the person who took it.
	DecidedBy string `json:"decidedBy"`
}

// VerificationSpec declares a verification or validation carried out
// (record lifecycle.Verification).
type VerificationSpec struct {
	// ID identifies the verification.
	ID string `json:"id"`
	// System is the AI system verified.
	System string `json:"system"`
	// Stage is its life cycle stage.
	Stage aims.LifecycleStage `json:"stage" jsonschema:"enum=inception,enum=design-and-development,enum=verification-and-validation,enum=deployment,enum=operation-and-monitoring,enum=re-evaluation,enum=retirement"`
	// Title names it.
	Title string `json:"title"`
	// Criteria says what the system is checked against.
	Criteria string `json:"criteria"`
	// Dataset names the data it was run on.
	Dataset string `json:"dataset,omitempty"`
	// Results are the metrics measured, with their thresholds.
	Results []lifecycle.Metric `json:"results,omitempty"`
	// Passed records that every result met its threshold.
	Passed bool `json:"passed"`
	// SignedBy is the person who signed it off; required when passed.
	SignedBy string `json:"signedBy,omitempty"`
	// SignedAt is when it was signed off; not after the time of applying.
	SignedAt time.Time `json:"signedAt,omitzero"`
}

// DeploymentApprovalSpec declares an approved deployment of an AI system
// release (record lifecycle.DeploymentApproval). Apply starts and
// submits it as RequestedBy and approves it as ApprovedBy through the
// deployment workflow, which keeps the two apart. An approval is a
// record of what happened: it does not change once made; a new release
// takes a new id.
type DeploymentApprovalSpec struct {
	// ID identifies the approval.
	ID string `json:"id"`
	// System is the AI system deployed.
	System string `json:"system"`
	// Stage is its life cycle stage.
	Stage aims.LifecycleStage `json:"stage" jsonschema:"enum=inception,enum=design-and-development,enum=verification-and-validation,enum=deployment,enum=operation-and-monitoring,enum=re-evaluation,enum=retirement"`
	// Release identifies the release deployed.
	Release string `json:"release"`
	// Environment is where it is deployed.
	Environment string `json:"environment"`
	// Plan is the deployment plan.
	Plan string `json:"plan,omitempty"`
	// Verifications lists the verifications it rests on, by id.
	Verifications []string `json:"verifications,omitempty"`
	// RequestedBy requests and submits it.
	RequestedBy string `json:"requestedBy"`
	// ApprovedBy approves it: an approver or top management who is not
	// the requester.
	ApprovedBy string `json:"approvedBy"`
	// Comment says more.
	Comment string `json:"comment,omitempty"`
}

// TechnicalDocSpec declares an AI system's technical documentation
// (record lifecycle.TechnicalDoc).
type TechnicalDocSpec struct {
	// ID identifies the documentation.
	ID string `json:"id"`
	// System is the AI system documented.
	System string `json:"system"`
	// Stage is its life cycle stage.
	Stage aims.LifecycleStage `json:"stage" jsonschema:"enum=inception,enum=design-and-development,enum=verification-and-validation,enum=deployment,enum=operation-and-monitoring,enum=re-evaluation,enum=retirement"`
	// Title names it.
	Title string `json:"title"`
	// Items lists its documents and where they are.
	Items []lifecycle.DocItem `json:"items,omitempty"`
	// License is the system's licence.
	License string `json:"license,omitempty"`
	// Languages lists the languages it handles.
	Languages []string `json:"languages,omitempty"`
	// Tags lists free tags.
	Tags []string `json:"tags,omitempty"`
	// BaseModels lists the models it builds on.
	BaseModels []string `json:"baseModels,omitempty"`
	// Datasets lists the data it was trained on.
	Datasets []string `json:"datasets,omitempty"`
	// Owner is the person accountable for it.
	Owner string `json:"owner,omitempty"`
}

// EventLogPolicySpec declares what an AI system logs and for how long
// (record lifecycle.EventLogPolicy).
type EventLogPolicySpec struct {
	// ID identifies the policy.
	ID string `json:"id"`
	// System is the AI system logging.
	System string `json:"system"`
	// Stage is its life cycle stage.
	Stage aims.LifecycleStage `json:"stage" jsonschema:"enum=inception,enum=design-and-development,enum=verification-and-validation,enum=deployment,enum=operation-and-monitoring,enum=re-evaluation,enum=retirement"`
	// Events lists the events logged.
	Events []string `json:"events"`
	// RetentionDays is how long the logs are kept.
	RetentionDays int `json:"retentionDays"`
	// Location is where the logs are kept.
	Location string `json:"location"`
	// Owner is the person accountable for the logs.
	Owner string `json:"owner"`
}

// ResourceSpec declares a resource of an AI system (record
// lifecycle.Resource).
type ResourceSpec struct {
	// ID identifies the resource.
	ID string `json:"id"`
	// Name names it.
	Name string `json:"name"`
	// Kind is data, tooling, computing, human or system-component.
	Kind lifecycle.ResourceKind `json:"resourceKind" jsonschema:"enum=data,enum=tooling,enum=computing,enum=human,enum=system-component"`
	// System is the AI system it serves.
	System string `json:"system"`
	// Owner is the person accountable for it.
	Owner string `json:"owner"`
	// Description describes it.
	Description string `json:"description,omitempty"`
	// Competences lists the competences of a human resource.
	Competences []string `json:"competences,omitempty"`
}

// DatasetSpec declares a dataset (record lifecycle.Dataset).
type DatasetSpec struct {
	// ID identifies the dataset.
	ID string `json:"id"`
	// Name names it.
	Name string `json:"name"`
	// AISystems lists the AI systems using it.
	AISystems []string `json:"aiSystems,omitempty"`
	// Use is what it is used for.
	Use aims.DataKind `json:"use" jsonschema:"enum=training,enum=validation,enum=test,enum=production,enum=other"`
	// Provenance says where it comes from.
	Provenance string `json:"provenance"`
	// Sources lists its sources.
	Sources []string `json:"sources,omitempty"`
	// Acquisition says how it is acquired.
	Acquisition string `json:"acquisition,omitempty"`
	// License is its licence.
	License string `json:"license,omitempty"`
	// Size says how large it is.
	Size string `json:"size,omitempty"`
	// QualityRequirements says what quality it must have.
	QualityRequirements string `json:"qualityRequirements,omitempty"`
	// Quality are the measured qualities, with their thresholds.
	Quality []lifecycle.Metric `json:"quality,omitempty"`
	// Preparation lists how it is prepared.
	Preparation []string `json:"preparation,omitempty"`
	// IntendedUse says what it is meant for.
	IntendedUse string `json:"intendedUse,omitempty"`
	// Owner is the person accountable for it.
	Owner string `json:"owner,omitempty"`
}

// AwarenessSpec declares awareness given (record lifecycle.Awareness).
type AwarenessSpec struct {
	// ID identifies the record.
	ID string `json:"id"`
	// Topic names what it was about.
	Topic string `json:"topic"`
	// Audience says who it was for.
	Audience string `json:"audience"`
	// Participants lists who took part.
	Participants []string `json:"participants,omitempty"`
	// Method says how it was given.
	Method string `json:"method,omitempty"`
	// Date is when; not after the time of applying.
	Date time.Time `json:"date,omitzero"`
	// CoversPolicy records that it covered the AI policy.
	CoversPolicy bool `json:"coversPolicy"`
	// CoversContribution records that it covered people's contribution.
	CoversContribution bool `json:"coversContribution"`
	// CoversNonconformity records that it covered what nonconforming
	// implies.
	CoversNonconformity bool `json:"coversNonconformity"`
	// Responsible is the person who gave it.
	Responsible string `json:"responsible"`
}

// CommunicationSpec declares a planned communication (record
// lifecycle.Communication).
type CommunicationSpec struct {
	// ID identifies the communication.
	ID string `json:"id"`
	// What is communicated.
	What string `json:"what"`
	// When it is communicated.
	When string `json:"when"`
	// With whom.
	With string `json:"with"`
	// How.
	How string `json:"how"`
	// Communicator is the person who communicates.
	Communicator string `json:"communicator"`
	// Audience is internal or external.
	Audience lifecycle.Audience `json:"audience" jsonschema:"enum=internal,enum=external"`
	// AISystems lists the AI systems it concerns.
	AISystems []string `json:"aiSystems,omitempty"`
}

// deploymentReviewers are the roles that may approve a deployment (the
// deployment workflow's reviewers).
var deploymentReviewers = []aims.Role{aims.RoleApprover, aims.RoleTopManagement}

// validateLifecycle checks the life cycle section against the rest of m:
// each entry as its record, the AI systems, requirements and
// verifications it names declared, every person it names declared under
// roles, and each deployment approved by a reviewer who did not request
// it.
func (m *Manifest) validateLifecycle(p *aims.Problems, record func(path string, spec any, rec aims.Document, id string),
	unique func(path, what string, ids []string) map[string]int, holds func(string, ...aims.Role) bool) {
	l := m.Lifecycle
	if l == nil {
		return
	}
	systems := map[string]bool{}
	for _, s := range m.AISystems {
		systems[s.ID] = true
	}
	people := map[string]bool{}
	for _, r := range m.Roles {
		people[r.ID] = true
	}
	system := func(path, id string) {
		if id != "" && !systems[id] {
			p.Addf(path, "unknown AI system %q: declare it under aiSystems", id)
		}
	}
	person := func(path, id string) {
		if id != "" && aims.ValidName(id) && !people[id] {
			p.Addf(path, "unknown person %q: declare them under roles", id)
		}
	}
	const lp = "lifecycle."
	reqs := unique(lp+"requirements", "id", ids(l.Requirements, func(s RequirementSpec) string { return s.ID }))
	for i, s := range l.Requirements {
		path := fmt.Sprintf(lp+"requirements[%d]", i)
		record(path, s, &lifecycle.Requirement{}, "")
		system(path+".system", s.System)
		person(path+".owner", s.Owner)
	}
	unique(lp+"designRecords", "id", ids(l.DesignRecords, func(s DesignRecordSpec) string { return s.ID }))
	for i, s := range l.DesignRecords {
		path := fmt.Sprintf(lp+"designRecords[%d]", i)
		record(path, s, &lifecycle.DesignRecord{}, "")
		system(path+".system", s.System)
		person(path+".decidedBy", s.DecidedBy)
		for k, id := range s.Requirements {
			if _, ok := reqs[id]; !ok {
				p.Addf(fmt.Sprintf("%s.requirements[%d]", path, k), "unknown requirement %q: declare it under lifecycle.requirements", id)
			}
		}
	}
	vers := unique(lp+"verifications", "id", ids(l.Verifications, func(s VerificationSpec) string { return s.ID }))
	for i, s := range l.Verifications {
		path := fmt.Sprintf(lp+"verifications[%d]", i)
		record(path, s, &lifecycle.Verification{}, "")
		system(path+".system", s.System)
		person(path+".signedBy", s.SignedBy)
	}
	unique(lp+"deploymentApprovals", "id", ids(l.DeploymentApprovals, func(s DeploymentApprovalSpec) string { return s.ID }))
	for i, s := range l.DeploymentApprovals {
		path := fmt.Sprintf(lp+"deploymentApprovals[%d]", i)
		record(path, s, &lifecycle.DeploymentApproval{}, "")
		system(path+".system", s.System)
		person(path+".requestedBy", s.RequestedBy)
		for k, id := range s.Verifications {
			j, ok := vers[id]
			switch {
			case !ok:
				p.Addf(fmt.Sprintf("%s.verifications[%d]", path, k), "unknown verification %q: declare it under lifecycle.verifications", id)
			case l.Verifications[j].System != s.System:
				p.Addf(fmt.Sprintf("%s.verifications[%d]", path, k), "verification %q is of AI system %q, not %q", id, l.Verifications[j].System, s.System)
			}
		}
		switch {
		case s.ApprovedBy == "":
			p.Add(path+".approvedBy", "is required: a manifest declares approved deployments")
		case s.ApprovedBy == s.RequestedBy:
			// the record's own rule reports it
		case !holds(s.ApprovedBy, deploymentReviewers...):
			p.Addf(path+".approvedBy", "%q must hold the %s or %s role under roles", s.ApprovedBy, aims.RoleApprover, aims.RoleTopManagement)
		}
	}
	unique(lp+"technicalDocs", "id", ids(l.TechnicalDocs, func(s TechnicalDocSpec) string { return s.ID }))
	for i, s := range l.TechnicalDocs {
		path := fmt.Sprintf(lp+"technicalDocs[%d]", i)
		record(path, s, &lifecycle.TechnicalDoc{}, "")
		system(path+".system", s.System)
		person(path+".owner", s.Owner)
	}
	unique(lp+"eventLogPolicies", "id", ids(l.EventLogPolicies, func(s EventLogPolicySpec) string { return s.ID }))
	for i, s := range l.EventLogPolicies {
		path := fmt.Sprintf(lp+"eventLogPolicies[%d]", i)
		record(path, s, &lifecycle.EventLogPolicy{}, "")
		system(path+".system", s.System)
		person(path+".owner", s.Owner)
	}
	unique(lp+"resources", "id", ids(l.Resources, func(s ResourceSpec) string { return s.ID }))
	for i, s := range l.Resources {
		path := fmt.Sprintf(lp+"resources[%d]", i)
		record(path, s, &lifecycle.Resource{}, "")
		system(path+".system", s.System)
		person(path+".owner", s.Owner)
	}
	unique(lp+"datasets", "id", ids(l.Datasets, func(s DatasetSpec) string { return s.ID }))
	for i, s := range l.Datasets {
		path := fmt.Sprintf(lp+"datasets[%d]", i)
		record(path, s, &lifecycle.Dataset{}, "")
		for k, id := range s.AISystems {
			system(fmt.Sprintf("%s.aiSystems[%d]", path, k), id)
		}
		person(path+".owner", s.Owner)
	}
	unique(lp+"awareness", "id", ids(l.Awareness, func(s AwarenessSpec) string { return s.ID }))
	for i, s := range l.Awareness {
		path := fmt.Sprintf(lp+"awareness[%d]", i)
		record(path, s, &lifecycle.Awareness{}, "")
		person(path+".responsible", s.Responsible)
	}
	unique(lp+"communications", "id", ids(l.Communications, func(s CommunicationSpec) string { return s.ID }))
	for i, s := range l.Communications {
		path := fmt.Sprintf(lp+"communications[%d]", i)
		record(path, s, &lifecycle.Communication{}, "")
		person(path+".communicator", s.Communicator)
		for k, id := range s.AISystems {
			system(fmt.Sprintf("%s.aiSystems[%d]", path, k), id)
		}
	}
}

// lifecycle plans the life cycle records: the simple ones through
// planCollection, the deployment approvals through their workflow. A
// verification or awareness dated after now is a problem.
func (pl *planner) lifecycle(ctx context.Context) error {
	var l LifecycleSpec
	if pl.m.Lifecycle != nil {
		l = *pl.m.Lifecycle
	}
	l.Verifications, l.Awareness = slices.Clone(l.Verifications), slices.Clone(l.Awareness)
	for i, s := range l.Verifications {
		if !s.SignedAt.IsZero() {
			pl.future(fmt.Sprintf("lifecycle.verifications[%d].signedAt", i), s.SignedAt)
		}
		l.Verifications[i].SignedAt = s.SignedAt.UTC()
	}
	for i, s := range l.Awareness {
		if !s.Date.IsZero() {
			pl.future(fmt.Sprintf("lifecycle.awareness[%d].date", i), s.Date)
		}
		l.Awareness[i].Date = s.Date.UTC()
	}
	ws := pl.a.ws
	for _, step := range []func() error{
		func() error {
			return planCollection(ctx, pl, lifecycle.Requirements(ws), l.Requirements, func(s RequirementSpec) string { return s.ID }, nil, true)
		},
		func() error {
			return planCollection(ctx, pl, lifecycle.DesignRecords(ws), l.DesignRecords, func(s DesignRecordSpec) string { return s.ID }, nil, true)
		},
		func() error {
			return planCollection(ctx, pl, lifecycle.Verifications(ws), l.Verifications, func(s VerificationSpec) string { return s.ID }, nil, true)
		},
		func() error { return pl.deployments(ctx, l.DeploymentApprovals) },
		func() error {
			return planCollection(ctx, pl, lifecycle.TechnicalDocs(ws), l.TechnicalDocs, func(s TechnicalDocSpec) string { return s.ID }, nil, true)
		},
		func() error {
			return planCollection(ctx, pl, lifecycle.EventLogPolicies(ws), l.EventLogPolicies, func(s EventLogPolicySpec) string { return s.ID }, nil, true)
		},
		func() error {
			return planCollection(ctx, pl, lifecycle.Resources(ws), l.Resources, func(s ResourceSpec) string { return s.ID }, nil, true)
		},
		func() error {
			return planCollection(ctx, pl, lifecycle.Datasets(ws), l.Datasets, func(s DatasetSpec) string { return s.ID }, nil, true)
		},
		func() error {
			return planCollection(ctx, pl, lifecycle.Awarenesses(ws), l.Awareness, func(s AwarenessSpec) string { return s.ID }, nil, true)
		},
		func() error {
			return planCollection(ctx, pl, lifecycle.Communications(ws), l.Communications, func(s CommunicationSpec) string { return s.ID }, nil, true)
		},
	} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// deployments plans the deployment approvals: each missing one started
// and submitted by its requester and approved by its approver through
// the deployment workflow; an approved one that matches is unchanged,
// one that differs is a problem (a new release takes a new id). Prune
// never withdraws an approval: it is a record of what happened.
func (pl *planner) deployments(ctx context.Context, specs []DeploymentApprovalSpec) error {
	col, wf := lifecycle.DeploymentApprovals(pl.a.ws), lifecycle.DeploymentWorkflow()
	for i, want := range specs {
		path := fmt.Sprintf("lifecycle.deploymentApprovals[%d]", i)
		cur, err := col.Get(ctx, want.ID)
		if err == nil {
			if cur.State != aims.ApprovalApproved {
				pl.problems.Addf(path, "deployment approval %s is %s: carry it on through its workflow, or give this approval a new id", want.ID, cur.State)
				continue
			}
			have, err := recast[DeploymentApprovalSpec](cur)
			if err != nil {
				return err
			}
			pl.immutable(lifecycle.KindDeploymentApproval, want.ID, path, have, want, "deployment approval")
			continue
		} else if !isNotFound(err) {
			return err
		}
		rec, err := recast[lifecycle.DeploymentApproval](want)
		if err != nil {
			return err
		}
		rec.ID, rec.ApprovedBy = want.ID, ""
		pl.add(Change{Kind: lifecycle.KindDeploymentApproval, ID: want.ID, Action: ActionCreate, Fields: diff(nil, want),
			Steps: []string{"request as " + want.RequestedBy, "submit as " + want.RequestedBy, "approve as " + want.ApprovedBy},
			run: func(ctx context.Context) error {
				if err := aims.Start(ctx, col, wf, want.RequestedBy, rec); err != nil {
					return err
				}
				if _, err := aims.Fire(ctx, col, wf, aims.Firing[lifecycle.DeploymentApproval, lifecycle.DeploymentEvent]{
					ID: want.ID, Actor: want.RequestedBy, Event: aims.ApprovalSubmit}); err != nil {
					return err
				}
				_, err := lifecycle.ApproveDeployment(ctx, pl.a.ws, want.ApprovedBy, want.ID)
				return err
			}})
	}
	return nil
}

// exportLifecycle adds the life cycle records to m: every record of the
// simple collections and the approved deployments.
func (a *AIMS) exportLifecycle(ctx context.Context, m *Manifest) error {
	ws := a.ws
	l := &LifecycleSpec{}
	var err error
	if l.Requirements, err = exportAll[RequirementSpec](ctx, lifecycle.Requirements(ws)); err != nil {
		return err
	}
	if l.DesignRecords, err = exportAll[DesignRecordSpec](ctx, lifecycle.DesignRecords(ws)); err != nil {
		return err
	}
	if l.Verifications, err = exportAll[VerificationSpec](ctx, lifecycle.Verifications(ws)); err != nil {
		return err
	}
	for i := range l.Verifications {
		l.Verifications[i].SignedAt = l.Verifications[i].SignedAt.UTC()
	}
	for d, err := range lifecycle.DeploymentApprovals(ws).List(ctx, map[string]string{"state": aims.ApprovalApproved}) {
		if err != nil {
			return err
		}
		s, err := recast[DeploymentApprovalSpec](d)
		if err != nil {
			return err
		}
		l.DeploymentApprovals = append(l.DeploymentApprovals, *s)
	}
	slices.SortFunc(l.DeploymentApprovals, func(x, y DeploymentApprovalSpec) int { return natsort.Compare(x.ID, y.ID) })
	if l.TechnicalDocs, err = exportAll[TechnicalDocSpec](ctx, lifecycle.TechnicalDocs(ws)); err != nil {
		return err
	}
	if l.EventLogPolicies, err = exportAll[EventLogPolicySpec](ctx, lifecycle.EventLogPolicies(ws)); err != nil {
		return err
	}
	if l.Resources, err = exportAll[ResourceSpec](ctx, lifecycle.Resources(ws)); err != nil {
		return err
	}
	if l.Datasets, err = exportAll[DatasetSpec](ctx, lifecycle.Datasets(ws)); err != nil {
		return err
	}
	if l.Awareness, err = exportAll[AwarenessSpec](ctx, lifecycle.Awarenesses(ws)); err != nil {
		return err
	}
	for i := range l.Awareness {
		l.Awareness[i].Date = l.Awareness[i].Date.UTC()
	}
	if l.Communications, err = exportAll[CommunicationSpec](ctx, lifecycle.Communications(ws)); err != nil {
		return err
	}
	if !l.empty() {
		m.Lifecycle = l
	}
	return nil
}
