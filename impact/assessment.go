package impact

import (
	"fmt"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/risk"
)

// Record kinds.
const (
	// KindAssessment is the record kind of [Assessment].
	KindAssessment = "impact-assessment"
	// KindIncident is the record kind of [Incident].
	KindIncident = "impact-incident"
)

// SchemaVersion is the version of the stored [Assessment] format.
const SchemaVersion = 1

// Dimension is what an impact touches in people's lives or in society.
// Values are append-only.
type Dimension string

// Dimensions.
const (
	DimensionFundamentalRights Dimension = "fundamental-rights"
	DimensionFairness          Dimension = "fairness"          // fairness and non-discrimination
	DimensionPrivacy           Dimension = "privacy"           // privacy and data protection
	DimensionSafetyHealth      Dimension = "safety-health"     // physical safety and health
	DimensionWellbeing         Dimension = "wellbeing"         // psychological wellbeing
	DimensionEconomic          Dimension = "economic"          // economic position
	DimensionEnvironment       Dimension = "environment"       // the environment
	DimensionSociety           Dimension = "society-democracy" // society and democratic processes
	DimensionTransparency      Dimension = "transparency-accountability"
)

// Dimensions lists every dimension in display order.
func Dimensions() []Dimension {
	return []Dimension{DimensionFundamentalRights, DimensionFairness, DimensionPrivacy, DimensionSafetyHealth,
		DimensionWellbeing, DimensionEconomic, DimensionEnvironment, DimensionSociety, DimensionTransparency}
}

// Valid reports whether d is a known dimension.
func (d Dimension) Valid() bool {
	for _, x := range Dimensions() {
		if d == x {
			return true
		}
	}
	return false
}

// Objectives returns the Annex C.2 objectives an impact on d threatens, so
// that a risk opened from it names them.
func (d Dimension) Objectives() []controls.AIObjective {
	switch d {
	case DimensionFairness:
		return []controls.AIObjective{controls.AIObjectiveFairness}
	case DimensionPrivacy:
		return []controls.AIObjective{controls.AIObjectivePrivacy}
	case DimensionSafetyHealth:
		return []controls.AIObjective{controls.AIObjectiveSafety}
	case DimensionEnvironment:
		return []controls.AIObjective{controls.AIObjectiveEnvironment}
	case DimensionTransparency:
		return []controls.AIObjective{controls.AIObjectiveTransparency, controls.AIObjectiveAccountability}
	case DimensionFundamentalRights, DimensionSociety:
		return []controls.AIObjective{controls.AIObjectiveAccountability, controls.AIObjectiveFairness}
	case DimensionWellbeing:
		return []controls.AIObjective{controls.AIObjectiveSafety}
	case DimensionEconomic:
		return []controls.AIObjective{controls.AIObjectiveFairness}
	}
	return nil
}

// Effect says whether an impact is a benefit or a harm. Values are
// append-only.
type Effect string

// Effects.
const (
	Benefit Effect = "benefit"
	Harm    Effect = "harm"
)

// Valid reports whether e is a known effect.
func (e Effect) Valid() bool { return e == Benefit || e == Harm }

// Affected says who a group of affected people are. Values are
// append-only.
type Affected string

// Kinds of affected people.
const (
	AffectedUsers        Affected = "users"         // who operate the system
	AffectedSubjects     Affected = "subjects"      // whom it decides or predicts about
	AffectedThirdParties Affected = "third-parties" // who neither use it nor are its subjects
	AffectedGroups       Affected = "groups"        // groups and communities
	AffectedSociety      Affected = "society"       // society at large
)

// Valid reports whether a is a known kind.
func (a Affected) Valid() bool {
	switch a {
	case AffectedUsers, AffectedSubjects, AffectedThirdParties, AffectedGroups, AffectedSociety:
		return true
	}
	return false
}

// Stakeholder is a group of people the system affects.
type Stakeholder struct {
	// Name names the group, e.g. "loan applicants"; impacts refer to it.
	Name string `json:"name"`
	// Kind classifies the group.
	Kind Affected `json:"kind"`
	// Vulnerable flags a group that needs particular care (children,
	// persons with disabilities, people in a precarious situation).
	Vulnerable bool `json:"vulnerable,omitempty"`
	// Note says more about the group.
	Note string `json:"note,omitempty"`
}

// Levels are the judgements an impact is scored on, each a 1-based level:
// Severity on the criteria's consequence scale, Likelihood on their
// likelihood scale, Scale (how many people) and Reversibility (higher is
// harder to reverse) on the scorer's factor scales (1-5 by default).
type Levels struct {
	Severity      int `json:"severity"`
	Likelihood    int `json:"likelihood"`
	Scale         int `json:"scale"`
	Reversibility int `json:"reversibility"`
	// Factors holds further factors a configured weighted scorer asks
	// for, such as "autonomy".
	Factors map[string]float64 `json:"factors,omitempty"`
}

// IsZero reports whether no level was judged.
func (l Levels) IsZero() bool {
	return l.Severity == 0 && l.Likelihood == 0 && l.Scale == 0 && l.Reversibility == 0 && len(l.Factors) == 0
}

// Assessment returns the risk package's assessment of these levels:
// likelihood and consequence (= severity) for matrix-style scorers, and
// the factors severity, scale and reversibility for weighted ones. An
// impact is scored exactly like a risk, never by a second system.
func (l Levels) Assessment() risk.Assessment {
	f := make(map[string]float64, 3+len(l.Factors))
	f["severity"] = float64(l.Severity)
	f["scale"] = float64(l.Scale)
	f["reversibility"] = float64(l.Reversibility)
	for k, v := range l.Factors {
		f[k] = v
	}
	return risk.Assessment{Likelihood: l.Likelihood, Consequence: l.Severity, Factors: f}
}

// Mitigation is a measure against a harm, linked to the controls that
// implement it and to risks in the register it also treats.
type Mitigation struct {
	// Description says what is done.
	Description string `json:"description"`
	// Controls are catalog control ids (Annex A or the organisation's
	// own), checked against the catalog when the assessment is saved.
	Controls []string `json:"controls,omitempty"`
	// Risks are ids of risks in the register this mitigation relates to.
	Risks []string `json:"risks,omitempty"`
}

// Impact is one benefit or harm of the system for some of the people it
// affects, judged before and after mitigation.
type Impact struct {
	// ID identifies the impact within the assessment, e.g. "I1".
	ID string `json:"id"`
	// Title names it in one line.
	Title string `json:"title"`
	// Description says what happens, to whom, how.
	Description string `json:"description,omitempty"`
	// Effect says whether it is a benefit or a harm.
	Effect Effect `json:"effect"`
	// Dimension is what it touches.
	Dimension Dimension `json:"dimension"`
	// Affected names the stakeholder groups (by Stakeholder.Name).
	Affected []string `json:"affected,omitempty"`
	// Levels are the judgements before mitigation; required for a harm.
	Levels Levels `json:"levels,omitzero"`
	// Score is the risk scorer's score of Levels, set by the [Service].
	Score *risk.Score `json:"score,omitempty"`
	// Sources are the Annex C.3 risk sources behind a harm; a risk opened
	// from it carries them.
	Sources []controls.RiskSource `json:"sources,omitempty"`
	// Mitigations are the measures against a harm.
	Mitigations []Mitigation `json:"mitigations,omitempty"`
	// Residual are the judgements after mitigation.
	Residual Levels `json:"residual,omitzero"`
	// ResidualScore is the risk scorer's score of Residual, set by the
	// [Service].
	ResidualScore *risk.Score `json:"residualScore,omitempty"`
	// Risk is the id of the register's risk this harm opened or links to.
	Risk string `json:"risk,omitempty"`
}

// Consultation records that someone was consulted.
type Consultation struct {
	// Party names who was consulted (a group, a representative body).
	Party string `json:"party"`
	// Date is when.
	Date time.Time `json:"date,omitzero"`
	// Summary says what they said and what changed as a result.
	Summary string `json:"summary,omitempty"`
}

// Verdict is the decision an assessment reaches. Values are append-only.
type Verdict string

// Verdicts.
const (
	Proceed               Verdict = "proceed"
	ProceedWithConditions Verdict = "proceed-with-conditions"
	DoNotProceed          Verdict = "do-not-proceed"
)

// Valid reports whether v is a known verdict.
func (v Verdict) Valid() bool {
	return v == Proceed || v == ProceedWithConditions || v == DoNotProceed
}

// Decision is the assessment's conclusion.
type Decision struct {
	Verdict Verdict `json:"verdict"`
	// Rationale says why.
	Rationale string `json:"rationale"`
	// Conditions are the conditions of a proceed-with-conditions.
	Conditions []string `json:"conditions,omitempty"`
}

// Snapshot is what the assessment knew of the AI system when it was
// started: reassessment compares it with the inventory's current record.
type Snapshot struct {
	Name              string            `json:"name"`
	ModelVersion      string            `json:"modelVersion,omitempty"`
	Purpose           string            `json:"purpose,omitempty"`
	DeploymentContext string            `json:"deploymentContext,omitempty"`
	DataSources       []aims.DataSource `json:"dataSources,omitempty"`
}

// SnapshotOf returns the snapshot of an inventory record.
func SnapshotOf(s *aims.AISystem) Snapshot {
	return Snapshot{Name: s.Name, ModelVersion: s.ModelVersion, Purpose: s.Purpose,
		DeploymentContext: s.DeploymentContext, DataSources: append([]aims.DataSource(nil), s.DataSources...)}
}

// Assessment is the impact assessment of one AI system at one version
// (ISO/IEC 42001 6.1.4, 8.4, A.5; the shape of ISO/IEC 42005): intended
// uses and foreseeable misuse, the deployment context, the people
// affected, each impact judged and mitigated, who was consulted and the
// decision, with the questionnaire answers and the EU AI Act screening
// that scoped it. It moves through the workflow draft -> in-review ->
// approved -> superseded; an approved assessment is immutable.
type Assessment struct {
	aims.Meta
	// System is the id of the AI system in the inventory.
	System string `json:"system"`
	// SystemVersion is the version assessed (by default the model version).
	SystemVersion string `json:"systemVersion,omitempty"`
	// Title names the assessment.
	Title string `json:"title"`
	// Snapshot is the system as recorded when the assessment started.
	Snapshot Snapshot `json:"snapshot,omitzero"`
	// IntendedUses lists what the system is for.
	IntendedUses []string `json:"intendedUses,omitempty"`
	// Misuse lists reasonably foreseeable misuse.
	Misuse []string `json:"misuse,omitempty"`
	// DeploymentContext says where, by whom and how it is used.
	DeploymentContext string `json:"deploymentContext,omitempty"`
	// Stakeholders are the people affected.
	Stakeholders []Stakeholder `json:"stakeholders,omitempty"`
	// Impacts are the benefits and harms.
	Impacts []Impact `json:"impacts,omitempty"`
	// Consulted lists who was consulted.
	Consulted []Consultation `json:"consulted,omitempty"`
	// Decision is the conclusion; required before review.
	Decision *Decision `json:"decision,omitempty"`
	// Questionnaire is the "id@version" of the questionnaire answered.
	Questionnaire string `json:"questionnaire,omitempty"`
	// Answers are the questionnaire's answers.
	Answers Answers `json:"answers,omitempty"`
	// Result is what the questionnaire made of them.
	Result *Result `json:"result,omitempty"`
	// Screening is the EU AI Act screening, when done.
	Screening *Screening `json:"screening,omitempty"`
	// ReviewDays is the review period in days; the assessment is due again
	// that long after approval.
	ReviewDays int `json:"reviewDays,omitempty"`
	// NextReview is when it is due again; set on approval.
	NextReview time.Time `json:"nextReview,omitzero"`
	// ApprovedBy and ApprovedAt record the approval.
	ApprovedBy string    `json:"approvedBy,omitempty"`
	ApprovedAt time.Time `json:"approvedAt,omitzero"`
	// Supersedes is the id of the approved assessment this one replaced;
	// SupersededBy the id of the one that replaced it.
	Supersedes   string `json:"supersedes,omitempty"`
	SupersededBy string `json:"supersededBy,omitempty"`
	// Comments records review comments (a rejection's reason).
	Comments []Comment `json:"comments,omitempty"`
}

// Comment is a reviewer's remark.
type Comment struct {
	By   string    `json:"by"`
	At   time.Time `json:"at,omitzero"`
	Text string    `json:"text"`
}

// Input limits.
const (
	maxTitle = 300
	maxText  = 20000
	maxItems = 500
)

// Validate checks the assessment's form and returns a [*aims.ValidationError]
// listing every problem. Control ids are checked against the catalog and
// scores computed by the [Service], which knows them.
func (a *Assessment) Validate() error {
	var p aims.Problems
	if a.Kind != "" && a.Kind != KindAssessment {
		p.Addf("kind", "must be %q, got %q", KindAssessment, a.Kind)
	}
	if !aims.ValidName(a.System) {
		p.Add("system", "is required: the id of an AI system in the inventory")
	}
	p.Require("title", a.Title)
	text(&p, "title", a.Title, maxTitle)
	texts(&p, "intendedUses", a.IntendedUses)
	texts(&p, "misuse", a.Misuse)
	text(&p, "deploymentContext", a.DeploymentContext, maxText)
	names := map[string]bool{}
	count(&p, "stakeholders", len(a.Stakeholders))
	for i, s := range a.Stakeholders {
		path := fmt.Sprintf("stakeholders[%d]", i)
		switch {
		case strings.TrimSpace(s.Name) == "":
			p.Add(path+".name", "is required")
		case names[s.Name]:
			p.Addf(path+".name", "duplicate stakeholder %q", s.Name)
		}
		names[s.Name] = true
		if !s.Kind.Valid() {
			p.Addf(path+".kind", "must be users, subjects, third-parties, groups or society, got %q", s.Kind)
		}
		text(&p, path+".note", s.Note, maxText)
	}
	ids := map[string]bool{}
	count(&p, "impacts", len(a.Impacts))
	for i := range a.Impacts {
		im := &a.Impacts[i]
		path := fmt.Sprintf("impacts[%d]", i)
		switch {
		case !validID(im.ID):
			p.Addf(path+".id", "must be 1-%d letters, digits or ._:- starting with a letter or digit, got %q", maxIDLen, im.ID)
		case ids[im.ID]:
			p.Addf(path+".id", "duplicate impact id %q", im.ID)
		}
		ids[im.ID] = true
		p.Require(path+".title", im.Title)
		text(&p, path+".title", im.Title, maxTitle)
		text(&p, path+".description", im.Description, maxText)
		if !im.Effect.Valid() {
			p.Addf(path+".effect", "must be benefit or harm, got %q", im.Effect)
		}
		if !im.Dimension.Valid() {
			p.Addf(path+".dimension", "must be one of %s, got %q", dimensionList(), im.Dimension)
		}
		for j, n := range im.Affected {
			if !names[n] {
				p.Addf(fmt.Sprintf("%s.affected[%d]", path, j), "names no stakeholder of this assessment: %q", n)
			}
		}
		levels(&p, path+".levels", im.Levels, im.Effect == Harm)
		levels(&p, path+".residual", im.Residual, false)
		for j, s := range im.Sources {
			if !s.Valid() {
				p.Addf(fmt.Sprintf("%s.sources[%d]", path, j), "unknown Annex C risk source %q", s)
			}
		}
		for j, m := range im.Mitigations {
			mpath := fmt.Sprintf("%s.mitigations[%d]", path, j)
			p.Require(mpath+".description", m.Description)
			text(&p, mpath+".description", m.Description, maxText)
			for k, r := range m.Risks {
				if !aims.ValidName(r) {
					p.Addf(fmt.Sprintf("%s.risks[%d]", mpath, k), "must be a risk id, got %q", r)
				}
			}
		}
		if im.Risk != "" && !aims.ValidName(im.Risk) {
			p.Addf(path+".risk", "must be a risk id, got %q", im.Risk)
		}
	}
	count(&p, "consulted", len(a.Consulted))
	for i, c := range a.Consulted {
		p.Require(fmt.Sprintf("consulted[%d].party", i), c.Party)
		text(&p, fmt.Sprintf("consulted[%d].summary", i), c.Summary, maxText)
	}
	if d := a.Decision; d != nil {
		if !d.Verdict.Valid() {
			p.Addf("decision.verdict", "must be proceed, proceed-with-conditions or do-not-proceed, got %q", d.Verdict)
		}
		p.Require("decision.rationale", d.Rationale)
		text(&p, "decision.rationale", d.Rationale, maxText)
		if d.Verdict == ProceedWithConditions && len(d.Conditions) == 0 {
			p.Add("decision.conditions", "must list the conditions of a proceed-with-conditions")
		}
		texts(&p, "decision.conditions", d.Conditions)
	}
	if a.ReviewDays < 0 || a.ReviewDays > 3660 {
		p.Addf("reviewDays", "must be between 0 and 3660, got %d", a.ReviewDays)
	}
	return p.Err()
}

func levels(p *aims.Problems, path string, l Levels, required bool) {
	if l.IsZero() {
		if required {
			p.Add(path, "are required for a harm: severity, likelihood, scale and reversibility")
		}
		return
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"severity", l.Severity}, {"likelihood", l.Likelihood}, {"scale", l.Scale}, {"reversibility", l.Reversibility}} {
		if f.v < 1 || f.v > 100 {
			p.Addf(path+"."+f.name, "must be a level from 1, got %d", f.v)
		}
	}
}

func text(p *aims.Problems, path, s string, limit int) {
	if len(s) > limit {
		p.Addf(path, "must be at most %d bytes, got %d", limit, len(s))
	}
}

func texts(p *aims.Problems, path string, list []string) {
	count(p, path, len(list))
	for i, s := range list {
		if strings.TrimSpace(s) == "" {
			p.Add(fmt.Sprintf("%s[%d]", path, i), "must not be blank")
		}
		text(p, fmt.Sprintf("%s[%d]", path, i), s, maxText)
	}
}

func count(p *aims.Problems, path string, n int) {
	if n > maxItems {
		p.Addf(path, "must hold at most %d items, got %d", maxItems, n)
	}
}

func dimensionList() string {
	ds := Dimensions()
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = string(d)
	}
	return strings.Join(s, ", ")
}

// Attributes returns the filterable attributes: system, and tier when the
// assessment holds a screening; and those the inventory's whole-register
// reads take instead of the document: the creation and approval times and
// the set's version ([AttrCreated], [AttrApprovedAt], [AttrIndex]).
func (a *Assessment) Attributes() map[string]string {
	m := map[string]string{"system": a.System, AttrCreated: indexTime(a.CreatedAt), AttrIndex: IndexVersion}
	if a.Screening != nil {
		m["tier"] = string(a.Screening.Tier)
	}
	if !a.ApprovedAt.IsZero() {
		m[AttrApprovedAt] = indexTime(a.ApprovedAt)
	}
	return m
}

// Harms returns the assessment's harms.
func (a *Assessment) Harms() []*Impact {
	var out []*Impact
	for i := range a.Impacts {
		if a.Impacts[i].Effect == Harm {
			out = append(out, &a.Impacts[i])
		}
	}
	return out
}

// Incident is a note that something went wrong with an AI system, which
// calls its impact assessment into question (a reassessment trigger).
type Incident struct {
	aims.Meta
	// System is the AI system's id.
	System string `json:"system"`
	// At is when it happened.
	At time.Time `json:"at"`
	// Summary says what happened.
	Summary string `json:"summary"`
}

// Validate checks the incident note.
func (n *Incident) Validate() error {
	var p aims.Problems
	if !aims.ValidName(n.System) {
		p.Add("system", "is required: the id of an AI system in the inventory")
	}
	if n.At.IsZero() {
		p.Add("at", "is required")
	}
	p.Require("summary", n.Summary)
	text(&p, "summary", n.Summary, maxText)
	return p.Err()
}

// Attributes returns the filterable attributes: system.
func (n *Incident) Attributes() map[string]string { return map[string]string{"system": n.System} }

// Assessments returns the collection of impact assessments in ws.
func Assessments(ws *aims.Workspace) *aims.Collection[Assessment, *Assessment] {
	return aims.NewCollection[Assessment](ws, KindAssessment, SchemaVersion).Freeze(string(StateApproved), string(StateSuperseded))
}

// Incidents returns the collection of incident notes in ws.
func Incidents(ws *aims.Workspace) *aims.Collection[Incident, *Incident] {
	return aims.NewCollection[Incident](ws, KindIncident, 1)
}
