package iso42001

import (
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/impact"
	"github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

// The manifest's header: every manifest names this API version and kind,
// so that a later, incompatible layout can be told apart.
const (
	ManifestAPIVersion = "iso42001.aimsgo.dev/v1"
	ManifestKind       = "AIMS"
)

// Manifest declares, in one document, what an organisation sets in Plan:
// its context (4.1-4.3), its AI policy and documented information (5.2,
// 7.5), roles (5.3), objectives (6.2), risk criteria, risks and their
// treatment (6.1.2, 6.1.3), Statement of Applicability decisions and
// obligations (6.1.3), metrics (9.1), its internal audit programmes
// (9.2) and its impact assessments (6.1.4, 8.4); and the records of what
// happened that it keeps as documented information (7.5): measurements
// (9.1), internal audits carried out (9.2) and management reviews held
// (9.3), each played through its service as the actors it names, and
// never changed once recorded; and the life cycle records of its AI
// systems (A.4, A.6, A.7) with its awareness and communication (7.3,
// 7.4), deployments approved through their workflow. It is "AIMS as code": [DecodeManifest] reads it from YAML or
// JSON, [AIMS.Plan] compares it with the workspace, [AIMS.Apply] carries
// the differences out through the services, and [AIMS.Export] writes the
// workspace back as a manifest.
//
// Fields mirror the stored records' own JSON names, without the header
// the kernel keeps (version, timestamps, workflow): a manifest says what
// should be, the journal says who changed it when.
type Manifest struct {
	// APIVersion is "iso42001.aimsgo.dev/v1".
	APIVersion string `json:"apiVersion" jsonschema:"enum=iso42001.aimsgo.dev/v1"`
	// Kind is "AIMS".
	Kind string `json:"kind" jsonschema:"enum=AIMS"`
	// Organisation is the organisation running the AIMS (4.1).
	Organisation OrganisationSpec `json:"organisation"`
	// ContextIssues are the internal and external issues (4.1).
	ContextIssues []IssueSpec `json:"contextIssues,omitempty"`
	// InterestedParties are the interested parties and their
	// requirements (4.2).
	InterestedParties []PartySpec `json:"interestedParties,omitempty"`
	// AISystems is the inventory of AI systems (4.3, A.4).
	AISystems []SystemSpec `json:"aiSystems,omitempty"`
	// Scope is the scope of the AIMS (4.3).
	Scope *ScopeSpec `json:"scope,omitempty"`
	// Roles assigns AIMS roles to people (5.3).
	Roles []RoleSpec `json:"roles,omitempty"`
	// Documents is the documented information, the AI policy among it
	// (5.2, 7.5), each with the state it should be in.
	Documents []DocumentSpec `json:"documents,omitempty"`
	// Objectives are the AI objectives (6.2).
	Objectives []ObjectiveSpec `json:"objectives,omitempty"`
	// RiskCriteria are the risk criteria (6.1.1, 6.1.2); when absent the
	// workspace keeps its own.
	RiskCriteria *risk.CriteriaSpec `json:"riskCriteria,omitempty"`
	// Risks is the AI risk register (6.1.2, 6.1.3).
	Risks []RiskSpec `json:"risks,omitempty"`
	// SoA holds the decisions and obligations the Statement of
	// Applicability is generated from (6.1.3).
	SoA *SoASpec `json:"soa,omitempty"`
	// Metrics are what is monitored and measured (9.1).
	Metrics []MetricSpec `json:"metrics,omitempty"`
	// AuditProgrammes are the internal audit programmes (9.2.2).
	AuditProgrammes []ProgrammeSpec `json:"auditProgrammes,omitempty"`
	// ImpactAssessments are the AI system impact assessments (6.1.4,
	// 8.4), each with the state it should reach.
	ImpactAssessments []ImpactAssessmentSpec `json:"impactAssessments,omitempty"`
	// Measurements are the recorded results of monitoring (9.1): what
	// was measured, when, by whom, on what evidence.
	Measurements []MeasurementSpec `json:"measurements,omitempty"`
	// Audits are the internal audits carried out (9.2), with their
	// auditors, dates, results and findings.
	Audits []AuditSpec `json:"audits,omitempty"`
	// Reviews are the management reviews held (9.3), with their
	// decisions and actions.
	Reviews []ReviewSpec `json:"reviews,omitempty"`
	// Lifecycle holds the life cycle records of the AI systems (A.4,
	// A.6, A.7) and the awareness and communication (7.3, 7.4).
	Lifecycle *LifecycleSpec `json:"lifecycle,omitempty"`

	src *source // where each field was read from; nil when built in code
}

// OrganisationSpec declares the organisation (record aims.Organisation).
type OrganisationSpec struct {
	// Name names the organisation.
	Name string `json:"name"`
	// AIMSName names its management system.
	AIMSName string `json:"aimsName,omitempty"`
	// Description describes it in a sentence.
	Description string `json:"description,omitempty"`
	// Sectors lists the sectors it works in.
	Sectors []string `json:"sectors,omitempty"`
	// Roles lists the AI roles it takes (provider, user, ...).
	Roles []aims.AIRole `json:"roles,omitempty" jsonschema:"enum=provider,enum=producer,enum=customer,enum=partner,enum=subject,enum=user"`
}

// IssueSpec declares an internal or external issue (record
// aims.ContextIssue).
type IssueSpec struct {
	// ID identifies the issue.
	ID string `json:"id"`
	// Title names the issue.
	Title string `json:"title"`
	// Type is internal or external.
	Type aims.IssueType `json:"type" jsonschema:"enum=internal,enum=external"`
	// Category classifies the issue (legal, technical, ethical, ...).
	Category aims.IssueCategory `json:"category" jsonschema:"enum=legal,enum=regulatory,enum=political,enum=economic,enum=social,enum=technical,enum=environmental,enum=ethical,enum=cultural,enum=competitive,enum=organisational,enum=contractual,enum=other"`
	// Description describes the issue.
	Description string `json:"description,omitempty"`
	// Affects lists what the issue affects.
	Affects []string `json:"affects,omitempty"`
	// ClimateRelevant marks an issue bearing on climate change.
	ClimateRelevant bool `json:"climateRelevant,omitempty"`
}

// PartySpec declares an interested party and its requirements (record
// aims.InterestedParty).
type PartySpec struct {
	// ID identifies the party.
	ID string `json:"id"`
	// Name names the party.
	Name string `json:"name"`
	// Category classifies the party (customer, regulator, ...).
	Category aims.PartyCategory `json:"category" jsonschema:"enum=customer,enum=user,enum=ai-subject,enum=regulator,enum=employee,enum=supplier,enum=partner,enum=investor,enum=society,enum=other"`
	// Description describes the party.
	Description string `json:"description,omitempty"`
	// Requirements are the party's relevant requirements.
	Requirements []aims.Requirement `json:"requirements,omitempty"`
}

// SystemSpec declares an AI system of the inventory (record
// aims.AISystem).
type SystemSpec struct {
	// ID identifies the system.
	ID string `json:"id"`
	// Name names the system.
	Name string `json:"name"`
	// Purpose is its intended purpose.
	Purpose string `json:"purpose,omitempty"`
	// Description describes what it does and how.
	Description string `json:"description,omitempty"`
	// Stage is its life cycle stage.
	Stage aims.LifecycleStage `json:"stage,omitempty" jsonschema:"enum=inception,enum=design-and-development,enum=verification-and-validation,enum=deployment,enum=operation-and-monitoring,enum=re-evaluation,enum=retirement"`
	// Roles lists the roles the organisation takes towards it.
	Roles []aims.AIRole `json:"roles,omitempty" jsonschema:"enum=provider,enum=producer,enum=customer,enum=partner,enum=subject,enum=user"`
	// Owner is the person accountable for it.
	Owner string `json:"owner,omitempty"`
	// ModelVersion identifies the model or release in use.
	ModelVersion string `json:"modelVersion,omitempty"`
	// DataSources lists the data it is built and run on.
	DataSources []aims.DataSource `json:"dataSources,omitempty"`
	// ThirdParties lists suppliers and partners involved.
	ThirdParties []aims.ThirdParty `json:"thirdParties,omitempty"`
	// DeploymentContext says where, for whom and how it is used.
	DeploymentContext string `json:"deploymentContext,omitempty"`
	// InScope records that it is inside the AIMS scope.
	InScope bool `json:"inScope"`
}

// ScopeSpec declares the scope of the AIMS (record aims.Scope).
type ScopeSpec struct {
	// Statement is the scope statement.
	Statement string `json:"statement"`
	// Inclusions lists what is included.
	Inclusions []string `json:"inclusions,omitempty"`
	// Exclusions lists what is excluded, each with its reason.
	Exclusions []aims.Exclusion `json:"exclusions,omitempty"`
	// Boundaries lists the boundaries.
	Boundaries []string `json:"boundaries,omitempty"`
	// AISystems lists the ids of the AI systems in scope.
	AISystems []string `json:"aiSystems,omitempty"`
	// Requirements lists the interested parties' requirements the AIMS
	// addresses.
	Requirements []aims.RequirementRef `json:"requirements,omitempty"`
}

// RoleSpec assigns roles to one person (record aims.RoleAssignment).
type RoleSpec struct {
	// ID is the person's actor id.
	ID string `json:"id"`
	// Name is the person's display name.
	Name string `json:"name,omitempty"`
	// Roles lists the roles held ("aims-manager", "approver", ...).
	Roles []aims.Role `json:"roles"`
	// Responsibilities lists responsibilities and authorities.
	Responsibilities []string `json:"responsibilities,omitempty"`
}

// DocumentSpec declares a document of the documented information (record
// aims.DocumentedInfo): its content, its author and the state it should
// reach. Apply moves it there through the document workflow: created and
// submitted by the author, approved (and published) by the approver, who
// must hold the approver or top-management role and must not be the
// author. A change to the content of a published document makes a new
// revision.
type DocumentSpec struct {
	// Number identifies the document across its revisions.
	Number string `json:"number"`
	// Title is its title.
	Title string `json:"title"`
	// Type is policy, procedure, record, plan, report or other.
	Type aims.DocType `json:"type" jsonschema:"enum=policy,enum=procedure,enum=record,enum=plan,enum=report,enum=other"`
	// AIPolicy marks the AI policy (5.2).
	AIPolicy bool `json:"aiPolicy,omitempty"`
	// Clauses lists the clauses or controls it serves.
	Clauses []string `json:"clauses,omitempty"`
	// Author is the actor who writes it, and owns it.
	Author string `json:"author"`
	// Text is the content kept inline; use it or Content.
	Text string `json:"text,omitempty"`
	// Content points at content kept elsewhere.
	Content aims.ContentRef `json:"content,omitzero"`
	// ReviewDue is when it is next to be reviewed.
	ReviewDue time.Time `json:"reviewDue,omitzero"`
	// State is the state it should be in: draft, in-review, approved or
	// published.
	State aims.DocState `json:"state" jsonschema:"enum=draft,enum=in-review,enum=approved,enum=published"`
	// Approver approves it; required when State is approved or
	// published, and forbidden before.
	Approver string `json:"approver,omitempty"`
}

// ObjectiveSpec declares an AI objective (record aims.Objective).
type ObjectiveSpec struct {
	// ID identifies the objective.
	ID string `json:"id"`
	// Title names it.
	Title string `json:"title"`
	// Statement says what is to be achieved.
	Statement string `json:"statement,omitempty"`
	// Measures lists how achievement is measured.
	Measures []aims.Measure `json:"measures,omitempty"`
	// Responsible is the person accountable for it.
	Responsible string `json:"responsible"`
	// Due is when it is to be achieved.
	Due time.Time `json:"due,omitzero"`
	// Related lists the Annex C objectives it serves.
	Related []controls.AIObjective `json:"related,omitempty"`
	// AISystems lists the AI systems it concerns.
	AISystems []string `json:"aiSystems,omitempty"`
}

// RiskSpec declares an AI risk (record risk.Risk): what it is, its
// assessments and its treatment. Apply adds it as its owner, assesses it,
// fires analyse and evaluate, then records the treatment, through the
// risk register.
type RiskSpec struct {
	// ID identifies the risk.
	ID string `json:"id"`
	// Title names the risk.
	Title string `json:"title"`
	// Description describes it.
	Description string `json:"description,omitempty"`
	// Systems lists the AI systems it concerns.
	Systems []string `json:"systems,omitempty"`
	// Sources lists its Annex C.3 risk sources.
	Sources []controls.RiskSource `json:"sources,omitempty"`
	// Objectives lists the Annex C.2 objectives it threatens.
	Objectives []controls.AIObjective `json:"objectives,omitempty"`
	// Owner is the risk owner, who acts on it.
	Owner string `json:"owner"`
	// Causes lists its causes.
	Causes []string `json:"causes,omitempty"`
	// Consequences lists its consequences.
	Consequences []string `json:"consequences,omitempty"`
	// Inherent is the assessment before treatment.
	Inherent *RatingSpec `json:"inherent,omitempty"`
	// Treatment is the treatment plan; it needs Inherent.
	Treatment *TreatmentSpec `json:"treatment,omitempty"`
	// Residual is the assessment after treatment; it needs Treatment.
	Residual *RatingSpec `json:"residual,omitempty"`
}

// RatingSpec is an assessment with its note (risk.Rating without the
// score, which the register computes from the criteria).
type RatingSpec struct {
	// Assessment gives the likelihood and consequence levels (or the
	// factors or exposure the criteria's scorer reads).
	Assessment risk.Assessment `json:"assessment"`
	// Note says what the assessment rests on.
	Note string `json:"note,omitempty"`
}

// TreatmentSpec is a treatment plan (risk.Treatment).
type TreatmentSpec struct {
	// Options lists the treatment options chosen.
	Options []risk.Option `json:"options" jsonschema:"enum=avoid,enum=remove-source,enum=change-likelihood,enum=change-consequence,enum=share,enum=retain"`
	// Rationale says why.
	Rationale string `json:"rationale,omitempty"`
	// Controls lists the controls chosen.
	Controls []risk.ControlChoice `json:"controls,omitempty"`
	// Rejected lists controls considered and rejected, with reasons.
	Rejected []risk.Rejection `json:"rejected,omitempty"`
	// Actions lists the treatment actions.
	Actions []risk.Action `json:"actions,omitempty"`
	// Expected is the residual assessment expected after treatment.
	Expected *RatingSpec `json:"expected,omitempty"`
}

// SoASpec declares the inputs of the Statement of Applicability that
// people decide (6.1.3): explicit decisions and obligations.
type SoASpec struct {
	// Decisions include or exclude controls, each with its reason.
	Decisions []DecisionSpec `json:"decisions,omitempty"`
	// Obligations are legal, regulatory, contractual or interested-party
	// obligations requiring controls.
	Obligations []soa.Obligation `json:"obligations,omitempty"`
	// Approval, when set, keeps an approved SoA version generated from
	// the records: drafted and submitted by its author, approved by its
	// approver. Apply drafts a new version whenever the records would
	// change the approved one; every control must then be decided (by a
	// decision, a risk treatment, an obligation or an impact assessment).
	Approval *SoAApprovalSpec `json:"approval,omitempty"`
}

// SoAApprovalSpec names who drafts and who approves the SoA.
type SoAApprovalSpec struct {
	// Author drafts and submits the version.
	Author string `json:"author"`
	// Approver approves it: an approver or top management who is not the
	// author.
	Approver string `json:"approver"`
}

// DecisionSpec is a decision on one control (soa.Decision without who
// and when, which the service records).
type DecisionSpec struct {
	// Control is the control decided on.
	Control string `json:"control"`
	// Choice is include or exclude.
	Choice soa.Choice `json:"choice" jsonschema:"enum=include,enum=exclude"`
	// Reason says why.
	Reason string `json:"reason"`
}

// MetricSpec declares a metric (record audit.Metric).
type MetricSpec struct {
	// ID identifies the metric.
	ID string `json:"id"`
	// Title names it.
	Title string `json:"title"`
	// Objective is the objective it evidences.
	Objective string `json:"objective,omitempty"`
	// Measure names the objective's measure it tracks.
	Measure string `json:"measure,omitempty"`
	// Controls lists the controls it evidences.
	Controls []string `json:"controls,omitempty"`
	// Method says how it is measured.
	Method string `json:"method"`
	// FrequencyDays is how often it is measured.
	FrequencyDays int `json:"frequencyDays"`
	// Target is the value to reach.
	Target float64 `json:"target"`
	// Direction says which side of Target counts as met.
	Direction aims.Direction `json:"direction" jsonschema:"enum=at-least,enum=at-most,enum=exactly"`
	// Unit is Target's unit.
	Unit string `json:"unit,omitempty"`
	// MeasuredBy is who measures.
	MeasuredBy string `json:"measuredBy"`
	// EvaluatedBy is who evaluates the results.
	EvaluatedBy string `json:"evaluatedBy"`
}

// ProgrammeSpec declares an internal audit programme (record
// audit.Programme).
type ProgrammeSpec struct {
	// ID identifies the programme.
	ID string `json:"id"`
	// Title names it.
	Title string `json:"title"`
	// FrequencyDays is how often each area is audited.
	FrequencyDays int `json:"frequencyDays"`
	// Methods lists the audit methods.
	Methods []string `json:"methods"`
	// Responsible is the person who manages the programme.
	Responsible string `json:"responsible"`
	// Criteria lists the audit criteria.
	Criteria []string `json:"criteria"`
	// Areas lists the clauses and controls audited, with owners.
	Areas []audit.Area `json:"areas"`
}

// ImpactAssessmentSpec declares an AI system impact assessment (record
// impact.Assessment) and the state it should reach. Apply starts it as
// its author, writes its content and answers, records its EU AI Act
// screening, submits it as the author and approves it as the approver
// (who holds the approver or impact-reviewer role and is not the
// author), through the impact service and its workflow. An approved
// assessment is immutable: a changed assessment is a new one, with a new
// id, whose approval supersedes the old.
type ImpactAssessmentSpec struct {
	// ID identifies the assessment.
	ID string `json:"id"`
	// System is the AI system assessed.
	System string `json:"system"`
	// Title names the assessment.
	Title string `json:"title"`
	// Author writes the assessment.
	Author string `json:"author"`
	// IntendedUses lists what the system is for.
	IntendedUses []string `json:"intendedUses,omitempty"`
	// Misuse lists reasonably foreseeable misuse.
	Misuse []string `json:"misuse,omitempty"`
	// DeploymentContext says where, by whom and how it is used.
	DeploymentContext string `json:"deploymentContext,omitempty"`
	// Stakeholders are the groups of people affected.
	Stakeholders []impact.Stakeholder `json:"stakeholders,omitempty"`
	// Impacts are the benefits and harms, judged before and after
	// mitigation (the service scores them with the risk criteria).
	Impacts []ImpactSpec `json:"impacts,omitempty"`
	// Consulted lists who was consulted.
	Consulted []impact.Consultation `json:"consulted,omitempty"`
	// Decision is the conclusion; required before review.
	Decision *impact.Decision `json:"decision,omitempty"`
	// Answers answers the impact questionnaire, question id to answer;
	// use it or AnswersFile.
	Answers impact.Answers `json:"answers,omitempty"`
	// AnswersFile names a YAML or JSON file of answers, relative to the
	// manifest's directory ([Manifest.ReadAnswerFiles] reads it).
	AnswersFile string `json:"answersFile,omitempty"`
	// Screening answers the EU AI Act screening questionnaire; the
	// screening's tier and duties are recorded on the assessment.
	Screening impact.Answers `json:"screening,omitempty"`
	// ReviewDays is the review period in days (default the service's).
	ReviewDays int `json:"reviewDays,omitempty"`
	// State is the state it should be in: draft, in-review or approved.
	State impact.State `json:"state" jsonschema:"enum=draft,enum=in-review,enum=approved"`
	// Approver approves it; required when State is approved, forbidden
	// before.
	Approver string `json:"approver,omitempty"`

	answersSrc *source // where AnswersFile's answers were read from
}

// ImpactSpec is one benefit or harm of an impact assessment
// (impact.Impact without the scores, which the service computes).
type ImpactSpec struct {
	// ID identifies the impact within the assessment, e.g. "I1".
	ID string `json:"id"`
	// Title names it.
	Title string `json:"title"`
	// Description says what happens, to whom, how.
	Description string `json:"description,omitempty"`
	// Effect is benefit or harm.
	Effect impact.Effect `json:"effect" jsonschema:"enum=benefit,enum=harm"`
	// Dimension is what it touches (fairness, privacy, ...).
	Dimension impact.Dimension `json:"dimension"`
	// Affected names the stakeholder groups it affects.
	Affected []string `json:"affected,omitempty"`
	// Levels are the judgements before mitigation; required for a harm.
	Levels impact.Levels `json:"levels,omitzero"`
	// Sources are the Annex C.3 risk sources behind a harm.
	Sources []controls.RiskSource `json:"sources,omitempty"`
	// Mitigations are the measures against a harm.
	Mitigations []impact.Mitigation `json:"mitigations,omitempty"`
	// Residual are the judgements after mitigation.
	Residual impact.Levels `json:"residual,omitzero"`
	// Risk is the risk of the register this harm links to; a harm above
	// the risk threshold must link to one before approval.
	Risk string `json:"risk,omitempty"`
}

// MeasurementSpec declares a recorded result of monitoring (record
// audit.Measurement). Apply records it through the metrics service as
// By, who must be the metric's measurer or evaluator or an AIMS manager.
type MeasurementSpec struct {
	// ID identifies the measurement.
	ID string `json:"id"`
	// Metric is the metric measured.
	Metric string `json:"metric"`
	// Value is the value measured.
	Value float64 `json:"value"`
	// At is when it was measured; not after the time of applying.
	At time.Time `json:"at"`
	// By is who measured.
	By string `json:"by"`
	// Evidence points at what the value rests on.
	Evidence string `json:"evidence"`
}

// AuditSpec declares an internal audit carried out (record audit.Audit):
// planned, started and completed by its lead auditor on the declared
// dates, each checklist result and finding recorded by the auditor
// declared for it. The audit workflow enforces the auditors'
// independence: no auditor records a result on an area they own.
type AuditSpec struct {
	// ID identifies the audit.
	ID string `json:"id"`
	// Programme is the audit programme it belongs to.
	Programme string `json:"programme,omitempty"`
	// Title names it.
	Title string `json:"title"`
	// Areas lists the clauses and controls audited, with their owners.
	Areas []audit.Area `json:"areas"`
	// Criteria lists the audit criteria.
	Criteria []string `json:"criteria,omitempty"`
	// Auditors lists the assigned auditors.
	Auditors []string `json:"auditors"`
	// Lead is the lead auditor, who plans, starts and completes it.
	Lead string `json:"lead"`
	// Planned is when it was planned for.
	Planned time.Time `json:"planned"`
	// Started is when fieldwork started.
	Started time.Time `json:"started"`
	// Completed is when it was completed; not after the time of applying.
	Completed time.Time `json:"completed"`
	// Results gives the result of each checklist item; every item of the
	// checklist (its clauses and the applicable controls of the approved
	// SoA its areas cover) must have one.
	Results []ResultSpec `json:"results"`
	// Findings are the findings raised; a nonconformity opens a record
	// in the nonconformity register, owned by the area's owner.
	Findings []FindingSpec `json:"findings,omitempty"`
	// Conclusion is the audit's conclusion.
	Conclusion string `json:"conclusion"`
}

// ResultSpec is the result of one checklist item of an audit.
type ResultSpec struct {
	// Ref is the clause or control of the checklist item.
	Ref string `json:"ref"`
	// Result is conforms, nonconforming or not-applicable.
	Result audit.Result `json:"result" jsonschema:"enum=conforms,enum=nonconforming,enum=not-applicable"`
	// Evidence lists the evidence seen; required unless not-applicable.
	Evidence []string `json:"evidence,omitempty"`
	// Notes says more.
	Notes string `json:"notes,omitempty"`
	// Auditor recorded it (default the lead).
	Auditor string `json:"auditor,omitempty"`
}

// FindingSpec is a finding of an audit (record audit.Finding).
type FindingSpec struct {
	// ID identifies the finding.
	ID string `json:"id"`
	// Type is major-nonconformity, minor-nonconformity, observation or
	// opportunity-for-improvement.
	Type audit.FindingType `json:"type" jsonschema:"enum=major-nonconformity,enum=minor-nonconformity,enum=observation,enum=opportunity-for-improvement"`
	// Ref is the clause or control it concerns.
	Ref string `json:"ref"`
	// Statement says what was found.
	Statement string `json:"statement"`
	// Evidence lists what it rests on.
	Evidence []string `json:"evidence"`
	// Auditor raised it (default the lead).
	Auditor string `json:"auditor,omitempty"`
}

// ReviewSpec declares a management review held (record audit.Review):
// prepared by its preparer, who gathers the inputs from the records, and
// recorded as held by top management on the declared date.
type ReviewSpec struct {
	// ID identifies the review.
	ID string `json:"id"`
	// Title names it.
	Title string `json:"title"`
	// Planned is when it was planned for.
	Planned time.Time `json:"planned"`
	// PreparedBy prepares it (gathers its inputs).
	PreparedBy string `json:"preparedBy"`
	// HeldBy records it as held: a member of top management.
	HeldBy string `json:"heldBy"`
	// Held is when it was held; not after the time of applying.
	Held time.Time `json:"held"`
	// Attendees lists who attended.
	Attendees []string `json:"attendees"`
	// Decisions lists what was decided (9.3.3).
	Decisions []string `json:"decisions"`
	// Changes lists the changes to the AIMS decided.
	Changes []string `json:"changes,omitempty"`
	// Actions lists the actions decided, with owners and due dates.
	Actions []audit.ReviewAction `json:"actions,omitempty"`
}
