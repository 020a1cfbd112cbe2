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
// communication of 7.3 and 7.4, and the changes to the AIMS planned
// (6.3). Each is planned, applied, exported and pruned through the
// generic helpers, except the deployment approvals and the changes,
// which are played through their workflows as the requester, the
// approver and (for a change) the responsible person they name.

// LifecycleSpec declares the life cycle records (package lifecycle).
// Apply creates and updates them as the applying actor through their
// collections, which check the actor's authority; a deployment approval
// is requested, submitted and approved through its workflow, and a
// change planned, approved and completed through its own.
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
	// Changes are the planned changes to the AIMS (6.3); one that
	// carries out a change a management review decided names the review.
	Changes []ChangeSpec `json:"changes,omitempty"`
}

// empty reports whether l declares nothing.
func (l *LifecycleSpec) empty() bool {
	return l == nil || len(l.Requirements)+len(l.DesignRecords)+len(l.Verifications)+len(l.DeploymentApprovals)+
		len(l.TechnicalDocs)+len(l.EventLogPolicies)+len(l.Resources)+len(l.Datasets)+len(l.Awareness)+len(l.Communications)+len(l.Changes) == 0
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

// ChangeSpec declares a planned change to the AIMS (record
// lifecycle.Change). Apply plans it as RequestedBy through the change
// workflow; with ApprovedBy set it is approved as that actor, who is
// not the requester, and with Outcome set it is completed as
// Responsible. Applied again with more filled in, a change moves on; its
// content changes only while it is planned, and it never goes back.
type ChangeSpec struct {
	// ID identifies the change.
	ID string `json:"id"`
	// Title names it.
	Title string `json:"title"`
	// Purpose says why it is made.
	Purpose string `json:"purpose"`
	// Consequences lists its potential consequences.
	Consequences []string `json:"consequences,omitempty"`
	// Resources says what it needs.
	Resources string `json:"resources,omitempty"`
	// Responsible is the person who carries it out and completes it.
	Responsible string `json:"responsible"`
	// RequestedBy is the person who asked for it and plans it.
	RequestedBy string `json:"requestedBy"`
	// AISystems lists the AI systems it affects; empty means the AIMS as
	// a whole.
	AISystems []string `json:"aiSystems,omitempty"`
	// Risks and Impacts list the risks and impact assessments it makes
	// out of date, to be reassessed.
	Risks   []string `json:"risks,omitempty"`
	Impacts []string `json:"impacts,omitempty"`
	// Review is the management review that decided the change, declared
	// under reviews; empty for a change planned on its own.
	Review string `json:"review,omitempty"`
	// ApprovedBy approves it: the AIMS manager, top management or an
	// approver who is not the requester; empty while it is only planned.
	ApprovedBy string `json:"approvedBy,omitempty"`
	// Outcome says what was done; set, the change is completed (it must
	// be approved).
	Outcome string `json:"outcome,omitempty"`
}

// changeApprovers are the roles that may approve a change (the change
// workflow's approve event).
var changeApprovers = []aims.Role{aims.RoleAIMSManager, aims.RoleTopManagement, aims.RoleApprover}

// deploymentReviewers are the roles that may approve a deployment (the
// deployment workflow's reviewers).
var deploymentReviewers = []aims.Role{aims.RoleApprover, aims.RoleTopManagement}

// validateLifecycle checks the life cycle section against the rest of m:
// each entry as its record, the AI systems, requirements and
// verifications it names declared, every person it names declared under
// roles, each deployment approved by a reviewer who did not request
// it, and each change approved by someone with the authority to, naming
// declared risks, impact assessments and a declared review that decided
// changes.
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
	m.validateChanges(p, record, unique, holds, system, person)
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

// validateChanges checks the changes of the life cycle section: each as
// its record, the AI systems, risks, impact assessments, people and
// review it names declared, the review one that decided changes, and its
// approver one with the authority to approve.
func (m *Manifest) validateChanges(p *aims.Problems, record func(path string, spec any, rec aims.Document, id string),
	unique func(path, what string, ids []string) map[string]int, holds func(string, ...aims.Role) bool,
	system, person func(path, id string)) {
	risks, impacts := map[string]bool{}, map[string]bool{}
	for _, r := range m.Risks {
		risks[r.ID] = true
	}
	for _, a := range m.ImpactAssessments {
		impacts[a.ID] = true
	}
	reviews := map[string]int{}
	for _, r := range m.Reviews {
		reviews[r.ID] = len(r.Changes)
	}
	const lp = "lifecycle.changes"
	unique(lp, "id", ids(m.Lifecycle.Changes, func(s ChangeSpec) string { return s.ID }))
	for i, s := range m.Lifecycle.Changes {
		path := fmt.Sprintf("%s[%d]", lp, i)
		if s.ID == "" {
			p.Add(path+".id", "is required")
		}
		record(path, s, &lifecycle.Change{}, "")
		for k, id := range s.AISystems {
			system(fmt.Sprintf("%s.aiSystems[%d]", path, k), id)
		}
		for k, id := range s.Risks {
			if !risks[id] {
				p.Addf(fmt.Sprintf("%s.risks[%d]", path, k), "unknown risk %q: declare it under risks", id)
			}
		}
		for k, id := range s.Impacts {
			if !impacts[id] {
				p.Addf(fmt.Sprintf("%s.impacts[%d]", path, k), "unknown impact assessment %q: declare it under impactAssessments", id)
			}
		}
		if s.Review != "" && aims.ValidName(s.Review) {
			switch n, ok := reviews[s.Review]; {
			case !ok:
				p.Addf(path+".review", "unknown management review %q: declare it under reviews", s.Review)
			case n == 0:
				p.Addf(path+".review", "management review %q decided no change to the AIMS: list the change under its changes", s.Review)
			}
		}
		person(path+".responsible", s.Responsible)
		person(path+".requestedBy", s.RequestedBy)
		switch {
		case s.ApprovedBy == "":
			if s.Outcome != "" {
				p.Add(path+".outcome", "needs approvedBy: a change is approved before it is completed")
			}
		case s.ApprovedBy == s.RequestedBy:
			// the record's own rule reports it
		case !holds(s.ApprovedBy, changeApprovers...):
			p.Addf(path+".approvedBy", "%q must hold the %s, %s or %s role under roles", s.ApprovedBy, aims.RoleAIMSManager, aims.RoleTopManagement, aims.RoleApprover)
		}
	}
}

// lifecycle plans the life cycle records but the changes: the simple
// ones through planCollection, the deployment approvals through their
// workflow. A
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

// changeOrder ranks the states of a change a manifest may declare.
var changeOrder = map[lifecycle.ChangeState]int{lifecycle.ChangePlanned: 0, lifecycle.ChangeApproved: 1, lifecycle.ChangeDone: 2}

// changeState is the state a change's entry declares: done with an
// outcome, approved with an approver, planned otherwise.
func changeState(s ChangeSpec) lifecycle.ChangeState {
	switch {
	case s.Outcome != "":
		return lifecycle.ChangeDone
	case s.ApprovedBy != "":
		return lifecycle.ChangeApproved
	}
	return lifecycle.ChangePlanned
}

// changes plans the changes to the AIMS: each missing one planned by its
// requester, then approved by its approver and completed by its
// responsible person through the change workflow, as far as its entry
// says; a stored one moves on the same way, has its content updated by
// its requester only while planned, and never goes back. With Prune, a
// change the manifest no longer holds is deleted while it is only
// planned; an approved or done one is kept, a decision taken.
//
// They are planned after the management reviews, whose decisions they
// carry out.
func (pl *planner) changes(ctx context.Context) error {
	var specs []ChangeSpec
	if pl.m.Lifecycle != nil {
		specs = pl.m.Lifecycle.Changes
	}
	ws := pl.a.ws
	col, wf := lifecycle.Changes(ws), lifecycle.ChangeWorkflow()
	stored := map[string]*lifecycle.Change{}
	for c, err := range col.List(ctx, nil) {
		if err != nil {
			return err
		}
		stored[c.ID] = c
	}
	for i, want := range specs {
		path := fmt.Sprintf("lifecycle.changes[%d]", i)
		to := changeState(want)
		c := Change{Kind: lifecycle.KindChange, ID: want.ID}
		var steps []func(context.Context) error
		from := lifecycle.ChangePlanned
		rec, err := recast[lifecycle.Change](want)
		if err != nil {
			return err
		}
		rec.ApprovedBy, rec.Outcome = "", ""
		cur, ok := stored[want.ID]
		if !ok {
			rec.ID = want.ID
			c.Action, c.Fields = ActionCreate, diff(nil, want)
			c.Steps = append(c.Steps, "plan as "+want.RequestedBy)
			steps = append(steps, func(ctx context.Context) error { return aims.Start(ctx, col, wf, want.RequestedBy, rec) })
		} else {
			have, err := recast[ChangeSpec](cur)
			if err != nil {
				return err
			}
			from = lifecycle.ChangeState(cur.State)
			if _, known := changeOrder[from]; !known {
				pl.problems.Addf(path, "change %s is %s: a manifest cannot bring it back; plan a new change with a new id", want.ID, from)
				continue
			}
			c.Fields = diff(have, want)
			if len(c.Fields) == 0 {
				pl.add(Change{Kind: lifecycle.KindChange, ID: want.ID, Action: ActionUnchanged})
				continue
			}
			haveContent, wantContent := *have, want
			haveContent.ApprovedBy, haveContent.Outcome, wantContent.ApprovedBy, wantContent.Outcome = "", "", "", ""
			if fields := diff(haveContent, wantContent); len(fields) > 0 {
				if from != lifecycle.ChangePlanned {
					pl.problems.Addf(path, "change %s is %s and differs in %s: only a planned change changes; plan a new change with a new id",
						want.ID, from, fields[0].Path)
					continue
				}
				rec.Meta = cur.Meta
				c.Steps = append(c.Steps, "update as "+want.RequestedBy)
				steps = append(steps, func(ctx context.Context) error { return col.Update(ctx, want.RequestedBy, rec) })
			}
			switch {
			case changeOrder[to] < changeOrder[from]:
				pl.problems.Addf(path, "change %s is already %s: it does not go back to %s", want.ID, from, to)
				continue
			case from != lifecycle.ChangePlanned && have.ApprovedBy != want.ApprovedBy:
				pl.problems.Addf(path+".approvedBy", "change %s was approved by %q: its approver does not change", want.ID, have.ApprovedBy)
				continue
			case from == lifecycle.ChangeDone && have.Outcome != want.Outcome:
				pl.problems.Addf(path+".outcome", "change %s is done: its outcome does not change", want.ID)
				continue
			}
			c.Action = ActionUpdate
		}
		for st := from; changeOrder[st] < changeOrder[to]; {
			switch st {
			case lifecycle.ChangePlanned:
				c.Steps = append(c.Steps, "approve as "+want.ApprovedBy)
				steps = append(steps, func(ctx context.Context) error {
					_, err := lifecycle.ApproveChange(ctx, ws, want.ApprovedBy, want.ID)
					return err
				})
				st = lifecycle.ChangeApproved
			case lifecycle.ChangeApproved:
				c.Steps = append(c.Steps, "complete as "+want.Responsible)
				steps = append(steps, func(ctx context.Context) error {
					_, err := lifecycle.CompleteChange(ctx, ws, want.Responsible, want.ID, want.Outcome)
					return err
				})
				st = lifecycle.ChangeDone
			}
		}
		c.run = runAll(steps)
		pl.add(c)
	}
	if !pl.o.Prune {
		return nil
	}
	keep := map[string]bool{}
	for _, s := range specs {
		keep[s.ID] = true
	}
	actor := pl.o.Actor
	for _, key := range sortedIDs(stored) {
		if keep[key] || stored[key].State != string(lifecycle.ChangePlanned) {
			continue
		}
		version := stored[key].Version
		pl.add(Change{Kind: lifecycle.KindChange, ID: key, Action: ActionDelete,
			run: func(ctx context.Context) error { return col.Delete(ctx, actor, key, version) }})
	}
	return nil
}

// exportLifecycle adds the life cycle records to m: every record of the
// simple collections, the approved deployments and every change.
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
	if l.Changes, err = exportAll[ChangeSpec](ctx, lifecycle.Changes(ws)); err != nil {
		return err
	}
	if !l.empty() {
		m.Lifecycle = l
	}
	return nil
}
