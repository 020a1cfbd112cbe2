package lifecycle

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/aimsgo/iso42001/aims"
)

// Record kinds of the AI system life cycle (Annex A.6).
const (
	KindRequirement        = "ai-requirement"
	KindDesignRecord       = "design-record"
	KindVerification       = "verification"
	KindDeploymentApproval = "deployment-approval"
	KindTechnicalDoc       = "technical-doc"
	KindEventLogPolicy     = "event-log-policy"
)

// Requirement is one requirement of an AI system, or its specification
// (A.6.2.2): what it must do or be, why, and how meeting it is checked.
type Requirement struct {
	aims.Meta
	// System is the id of the AI system; Stage the life cycle stage the
	// requirement was set in.
	System string              `json:"system"`
	Stage  aims.LifecycleStage `json:"stage"`
	// Title names the requirement.
	Title string `json:"title"`
	// Statement says what is required.
	Statement string `json:"statement"`
	// Rationale says why.
	Rationale string `json:"rationale,omitempty"`
	// Acceptance says how meeting it is checked.
	Acceptance string `json:"acceptance,omitempty"`
	// Policies names the other organisational policies (security,
	// privacy, quality) the requirement comes from or must align with
	// (A.2.3).
	Policies []string `json:"policies,omitempty"`
	// Owner is the actor accountable for it.
	Owner string `json:"owner,omitempty"`
	// Source is the file it was imported from, if any.
	Source *Source `json:"source,omitempty"`
}

// Validate checks the requirement and returns a [*aims.ValidationError]
// listing every problem.
func (r *Requirement) Validate() error {
	var p aims.Problems
	checkHeader(&p, &r.Meta, KindRequirement)
	checkSystem(&p, r.System, r.Stage)
	requireLine(&p, "title", r.Title, maxTitle)
	requireText(&p, "statement", r.Statement)
	text(&p, "rationale", r.Rationale)
	text(&p, "acceptance", r.Acceptance)
	checkTexts(&p, "policies", r.Policies)
	actor(&p, "owner", r.Owner, false)
	r.Source.validate(&p, "source")
	return p.Err()
}

// Attributes returns the filterable attributes: system, stage and owner.
func (r *Requirement) Attributes() map[string]string {
	a := systemAttrs(r.System, r.Stage)
	if r.Owner != "" && aims.ValidName(r.Owner) {
		a["owner"] = r.Owner
	}
	return a
}

// Requirements returns the collection of AI system requirements in ws.
func Requirements(ws *aims.Workspace) *aims.Collection[Requirement, *Requirement] {
	return aims.NewCollection[Requirement](ws, KindRequirement, 1)
}

// DesignRecord documents a design and development choice of an AI system
// (A.6.2.3): the decision, the alternatives weighed and why, and the
// requirements it answers.
type DesignRecord struct {
	aims.Meta
	// System is the id of the AI system; Stage its life cycle stage.
	System string              `json:"system"`
	Stage  aims.LifecycleStage `json:"stage"`
	// Title names the decision, e.g. "Gradient-boosted trees over a DNN".
	Title string `json:"title"`
	// Decision says what was chosen.
	Decision string `json:"decision"`
	// Alternatives lists the options considered.
	Alternatives []string `json:"alternatives,omitempty"`
	// Rationale says why.
	Rationale string `json:"rationale"`
	// Requirements lists the ids of the [Requirement] records it answers.
	Requirements []string `json:"requirements,omitempty"`
	// DecidedBy is the actor who took it.
	DecidedBy string `json:"decidedBy"`
}

// Validate checks the record and returns a [*aims.ValidationError]
// listing every problem.
func (d *DesignRecord) Validate() error {
	var p aims.Problems
	checkHeader(&p, &d.Meta, KindDesignRecord)
	checkSystem(&p, d.System, d.Stage)
	requireLine(&p, "title", d.Title, maxTitle)
	requireText(&p, "decision", d.Decision)
	checkTexts(&p, "alternatives", d.Alternatives)
	requireText(&p, "rationale", d.Rationale)
	checkIDs(&p, "requirements", d.Requirements)
	actor(&p, "decidedBy", d.DecidedBy, true)
	return p.Err()
}

// Attributes returns the filterable attributes: system, stage, decidedBy.
func (d *DesignRecord) Attributes() map[string]string {
	a := systemAttrs(d.System, d.Stage)
	if aims.ValidName(d.DecidedBy) {
		a["decidedBy"] = d.DecidedBy
	}
	return a
}

// DesignRecords returns the collection of design records in ws.
func DesignRecords(ws *aims.Workspace) *aims.Collection[DesignRecord, *DesignRecord] {
	return aims.NewCollection[DesignRecord](ws, KindDesignRecord, 1)
}

// Verification records one verification or validation of an AI system
// (A.6.2.4): the criteria, each metric with its threshold and result,
// whether it passed and who signed it off.
type Verification struct {
	aims.Meta
	// System is the id of the AI system; Stage its life cycle stage.
	System string              `json:"system"`
	Stage  aims.LifecycleStage `json:"stage"`
	// Title names the verification, e.g. "Release 2.3 acceptance tests".
	Title string `json:"title"`
	// Criteria says what the system is checked against.
	Criteria string `json:"criteria"`
	// Dataset names or identifies the data it was evaluated on.
	Dataset string `json:"dataset,omitempty"`
	// Results lists each metric, its threshold and its measured value.
	Results []Metric `json:"results,omitempty"`
	// Passed records the verdict; true only when every result has a
	// threshold and meets it, and someone signed.
	Passed bool `json:"passed"`
	// SignedBy is the actor who signed the verdict off.
	SignedBy string `json:"signedBy,omitempty"`
	// SignedAt is when.
	SignedAt time.Time `json:"signedAt,omitzero"`
	// Source is the file it was imported from, if any.
	Source *Source `json:"source,omitempty"`
}

// Validate checks the record and returns a [*aims.ValidationError]
// listing every problem. A passed verification needs at least one
// result, every result with a threshold it meets, and a signer.
func (v *Verification) Validate() error {
	var p aims.Problems
	checkHeader(&p, &v.Meta, KindVerification)
	checkSystem(&p, v.System, v.Stage)
	requireLine(&p, "title", v.Title, maxTitle)
	requireText(&p, "criteria", v.Criteria)
	line(&p, "dataset", v.Dataset, maxText)
	checkMetrics(&p, "results", v.Results)
	actor(&p, "signedBy", v.SignedBy, false)
	v.Source.validate(&p, "source")
	if v.Passed {
		if len(v.Results) == 0 {
			p.Add("passed", "must be false without results")
		}
		for i, r := range v.Results {
			path := fmt.Sprintf("results[%d]", i)
			switch {
			case r.Threshold == nil:
				p.Add(path+".threshold", "is required when the verification passed")
			case r.Direction.Valid() && !r.Met():
				p.Addf(path+".value", "%g misses the threshold (%s %g), so the verification cannot have passed", r.Value, r.Direction, *r.Threshold)
			}
		}
		if v.SignedBy == "" {
			p.Add("signedBy", "is required when the verification passed")
		}
	}
	return p.Err()
}

// Attributes returns the filterable attributes: system, stage, passed
// ("true" or "false") and signedBy.
func (v *Verification) Attributes() map[string]string {
	a := systemAttrs(v.System, v.Stage)
	a["passed"] = strconv.FormatBool(v.Passed)
	if v.SignedBy != "" && aims.ValidName(v.SignedBy) {
		a["signedBy"] = v.SignedBy
	}
	return a
}

// Verifications returns the collection of verification records in ws.
func Verifications(ws *aims.Workspace) *aims.Collection[Verification, *Verification] {
	return aims.NewCollection[Verification](ws, KindVerification, 1)
}

// DeploymentApproval asks for, and records, the approval to deploy an AI
// system release (A.6.2.5). It moves through [DeploymentWorkflow]: the
// requester submits, a reviewer other than the requester approves.
type DeploymentApproval struct {
	aims.Meta
	// System is the id of the AI system; Stage its life cycle stage
	// (usually deployment).
	System string              `json:"system"`
	Stage  aims.LifecycleStage `json:"stage"`
	// Release names what is deployed, e.g. a model version.
	Release string `json:"release"`
	// Environment names where, e.g. "production EU".
	Environment string `json:"environment"`
	// Plan describes the deployment plan and rollback.
	Plan string `json:"plan,omitempty"`
	// Verifications lists the ids of the [Verification] records it rests
	// on.
	Verifications []string `json:"verifications,omitempty"`
	// RequestedBy is the actor asking; never the approver.
	RequestedBy string `json:"requestedBy"`
	// ApprovedBy is the actor who approved, set by the approve event.
	ApprovedBy string `json:"approvedBy,omitempty"`
	// Comment is the reviewer's comment; a rejection must give one.
	Comment string `json:"comment,omitempty"`
	// SupersededBy names the approval that replaced this one.
	SupersededBy string `json:"supersededBy,omitempty"`
}

// Validate checks the record and returns a [*aims.ValidationError]
// listing every problem.
func (d *DeploymentApproval) Validate() error {
	var p aims.Problems
	checkHeader(&p, &d.Meta, KindDeploymentApproval)
	checkSystem(&p, d.System, d.Stage)
	requireLine(&p, "release", d.Release, maxTitle)
	requireLine(&p, "environment", d.Environment, maxTitle)
	text(&p, "plan", d.Plan)
	checkIDs(&p, "verifications", d.Verifications)
	actor(&p, "requestedBy", d.RequestedBy, true)
	actor(&p, "approvedBy", d.ApprovedBy, false)
	if d.ApprovedBy != "" && d.ApprovedBy == d.RequestedBy {
		p.Add("approvedBy", "must not be the requester")
	}
	text(&p, "comment", d.Comment)
	if d.SupersededBy != "" && !aims.ValidName(d.SupersededBy) {
		p.Addf("supersededBy", "must be a record id, got %q", clip(d.SupersededBy))
	}
	return p.Err()
}

// Attributes returns the filterable attributes: system, stage,
// requestedBy.
func (d *DeploymentApproval) Attributes() map[string]string {
	a := systemAttrs(d.System, d.Stage)
	if aims.ValidName(d.RequestedBy) {
		a["requestedBy"] = d.RequestedBy
	}
	return a
}

// DeploymentApprovals returns the collection of deployment approvals in
// ws.
func DeploymentApprovals(ws *aims.Workspace) *aims.Collection[DeploymentApproval, *DeploymentApproval] {
	return aims.NewCollection[DeploymentApproval](ws, KindDeploymentApproval, 1)
}

// DeploymentState and DeploymentEvent are the states and events of
// [DeploymentWorkflow]; their values are the aims.Approval* constants.
type (
	DeploymentState string
	DeploymentEvent string
)

var deploymentMachine = func() *aims.Machine[DeploymentApproval, DeploymentState, DeploymentEvent] {
	spec := aims.ApprovalSpec[DeploymentApproval, DeploymentState, DeploymentEvent](aims.Approval[DeploymentApproval]{
		Name: "deployment-approval", Version: 1,
		Reviewers:       []aims.Role{aims.RoleApprover, aims.RoleTopManagement},
		Authors:         func(d *DeploymentApproval) []string { return []string{d.RequestedBy} },
		RejectionReason: func(d *DeploymentApproval) string { return d.Comment },
		Successor:       func(d *DeploymentApproval) string { return d.SupersededBy },
	})
	for i, t := range spec.Transitions {
		if t.Event == aims.ApprovalApprove {
			spec.Transitions[i].Duties = append(slices.Clone(t.Duties), approverRecorded(func(d *DeploymentApproval) string { return d.ApprovedBy }))
		}
	}
	return aims.MustMachine(spec)
}()

// ApproveDeployment approves the deployment approval id, in review, as
// actor, recording actor as its approver.
func ApproveDeployment(ctx context.Context, ws *aims.Workspace, actor, id string) (*DeploymentApproval, error) {
	return aims.Fire(ctx, DeploymentApprovals(ws), deploymentMachine, aims.Firing[DeploymentApproval, DeploymentEvent]{
		ID: id, Actor: actor, Event: aims.ApprovalApprove,
		Change: func(d *DeploymentApproval) error { d.ApprovedBy = actor; return nil }})
}

// DeploymentWorkflow returns the workflow of [DeploymentApproval], the
// approval shape of [aims.ApprovalSpec]: draft -submit-> in-review
// -approve-> approved -supersede-> superseded, in-review -reject-> draft.
// Reviewers hold the approver or top management role, are never the
// requester, and record themselves in ApprovedBy ([ApproveDeployment]
// does it).
func DeploymentWorkflow() *aims.Machine[DeploymentApproval, DeploymentState, DeploymentEvent] {
	return deploymentMachine
}

// DocItem is one entry of a technical documentation index.
type DocItem struct {
	// Title names the document, e.g. "Model card".
	Title string `json:"title"`
	// Location says where it is kept: a URL, a path, a document id.
	Location string `json:"location"`
	// Audience says for whom, e.g. "users", "regulators", "operators".
	Audience string `json:"audience,omitempty"`
	// SHA256 is the hex digest of the document, where known.
	SHA256 string `json:"sha256,omitempty"`
}

// TechnicalDoc is the index of an AI system's technical documentation
// (A.6.2.7): what exists, where, for whom, and the facts a model card
// states about the model.
type TechnicalDoc struct {
	aims.Meta
	// System is the id of the AI system; Stage its life cycle stage.
	System string              `json:"system"`
	Stage  aims.LifecycleStage `json:"stage"`
	// Title names the index, e.g. "Credit scorer v3 technical file".
	Title string `json:"title"`
	// Items lists the documents.
	Items []DocItem `json:"items,omitempty"`
	// License, Languages, Tags, BaseModels and Datasets are what a model
	// card's metadata says about the model.
	License    string   `json:"license,omitempty"`
	Languages  []string `json:"languages,omitempty"`
	Tags       []string `json:"tags,omitempty"`
	BaseModels []string `json:"baseModels,omitempty"`
	Datasets   []string `json:"datasets,omitempty"`
	// Owner is the actor who keeps it up to date.
	Owner string `json:"owner,omitempty"`
	// Source is the file it was imported from, if any.
	Source *Source `json:"source,omitempty"`
}

// Validate checks the index and returns a [*aims.ValidationError]
// listing every problem.
func (t *TechnicalDoc) Validate() error {
	var p aims.Problems
	checkHeader(&p, &t.Meta, KindTechnicalDoc)
	checkSystem(&p, t.System, t.Stage)
	requireLine(&p, "title", t.Title, maxTitle)
	checkCount(&p, "items", len(t.Items))
	for i, it := range t.Items {
		path := fmt.Sprintf("items[%d]", i)
		requireLine(&p, path+".title", it.Title, maxTitle)
		requireLine(&p, path+".location", it.Location, maxText)
		line(&p, path+".audience", it.Audience, maxTitle)
		if it.SHA256 != "" {
			(&Source{Format: "-", SHA256: it.SHA256}).validate(&p, path)
		}
	}
	line(&p, "license", t.License, maxTitle)
	checkTexts(&p, "languages", t.Languages)
	checkTexts(&p, "tags", t.Tags)
	checkTexts(&p, "baseModels", t.BaseModels)
	checkTexts(&p, "datasets", t.Datasets)
	actor(&p, "owner", t.Owner, false)
	t.Source.validate(&p, "source")
	return p.Err()
}

// Attributes returns the filterable attributes: system, stage, owner.
func (t *TechnicalDoc) Attributes() map[string]string {
	a := systemAttrs(t.System, t.Stage)
	if t.Owner != "" && aims.ValidName(t.Owner) {
		a["owner"] = t.Owner
	}
	return a
}

// TechnicalDocs returns the collection of technical documentation indexes
// in ws.
func TechnicalDocs(ws *aims.Workspace) *aims.Collection[TechnicalDoc, *TechnicalDoc] {
	return aims.NewCollection[TechnicalDoc](ws, KindTechnicalDoc, 1)
}

// EventLogPolicy says what an AI system logs, how long the logs are kept
// and where (A.6.2.8).
type EventLogPolicy struct {
	aims.Meta
	// System is the id of the AI system; Stage its life cycle stage.
	System string              `json:"system"`
	Stage  aims.LifecycleStage `json:"stage"`
	// Events lists what is logged, e.g. "inputs", "scores", "overrides".
	Events []string `json:"events"`
	// RetentionDays is how long the logs are kept, in days.
	RetentionDays int `json:"retentionDays"`
	// Location says where they are kept.
	Location string `json:"location"`
	// Owner is the actor accountable for the logs.
	Owner string `json:"owner"`
}

// maxRetentionDays bounds a retention period: a hundred years.
const maxRetentionDays = 36_500

// Validate checks the policy and returns a [*aims.ValidationError]
// listing every problem.
func (e *EventLogPolicy) Validate() error {
	var p aims.Problems
	checkHeader(&p, &e.Meta, KindEventLogPolicy)
	checkSystem(&p, e.System, e.Stage)
	if len(e.Events) == 0 {
		p.Add("events", "must list at least one logged event")
	}
	checkTexts(&p, "events", e.Events)
	if e.RetentionDays < 1 || e.RetentionDays > maxRetentionDays {
		p.Addf("retentionDays", "must be between 1 and %d, got %d", maxRetentionDays, e.RetentionDays)
	}
	requireLine(&p, "location", e.Location, maxText)
	actor(&p, "owner", e.Owner, true)
	return p.Err()
}

// Attributes returns the filterable attributes: system, stage, owner.
func (e *EventLogPolicy) Attributes() map[string]string {
	a := systemAttrs(e.System, e.Stage)
	if aims.ValidName(e.Owner) {
		a["owner"] = e.Owner
	}
	return a
}

// EventLogPolicies returns the collection of event log policies in ws.
func EventLogPolicies(ws *aims.Workspace) *aims.Collection[EventLogPolicy, *EventLogPolicy] {
	return aims.NewCollection[EventLogPolicy](ws, KindEventLogPolicy, 1)
}
