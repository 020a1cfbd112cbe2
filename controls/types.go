package controls

import (
	"regexp"
	"strings"
)

// Phase is the Plan-Do-Check-Act phase a clause belongs to.
type Phase string

// The PDCA phases. Clauses 4 to 7 are plan (clause 7, support, prepares the
// means before operation, so it is planned rather than done), 8 is do, 9 is
// check and 10 is act.
const (
	PhasePlan  Phase = "plan"
	PhaseDo    Phase = "do"
	PhaseCheck Phase = "check"
	PhaseAct   Phase = "act"
)

// Valid reports whether p is one of the defined phases.
func (p Phase) Valid() bool {
	switch p {
	case PhasePlan, PhaseDo, PhaseCheck, PhaseAct:
		return true
	}
	return false
}

// Origin tells where a control comes from.
type Origin string

// Control origins. Organisation controls always sort after Annex A.
const (
	// OriginAnnexA marks the 38 reference controls of ISO/IEC 42001 Annex A.
	OriginAnnexA Origin = "annex-a"
	// OriginOrganization marks a control an organisation defines itself
	// (ISO/IEC 42001 6.1.3 allows controls beyond Annex A).
	OriginOrganization Origin = "organization"
)

// Valid reports whether o is one of the defined origins.
func (o Origin) Valid() bool { return o == OriginAnnexA || o == OriginOrganization }

// Framework names an external framework a [Mapping] points into.
type Framework string

// The frameworks the built-in crosswalks cover.
const (
	// FrameworkNISTAIRMF is the NIST AI Risk Management Framework 1.0; refs
	// are subcategories such as "GOVERN 1.1".
	FrameworkNISTAIRMF Framework = "nist-ai-rmf"
	// FrameworkEUAIAct is Regulation (EU) 2024/1689; refs are articles
	// written "Art. 12".
	FrameworkEUAIAct Framework = "eu-ai-act"
	// FrameworkISO27001 is ISO/IEC 27001:2022; refs are clauses ("6.1.2") or
	// Annex A controls ("A.8.15").
	FrameworkISO27001 Framework = "iso27001"
)

// Valid reports whether f is one of the defined frameworks.
func (f Framework) Valid() bool {
	switch f {
	case FrameworkNISTAIRMF, FrameworkEUAIAct, FrameworkISO27001:
		return true
	}
	return false
}

// Frameworks returns the frameworks the built-in crosswalks cover, in a
// fixed order (NIST AI RMF, EU AI Act, ISO/IEC 27001).
func Frameworks() []Framework {
	return []Framework{FrameworkNISTAIRMF, FrameworkEUAIAct, FrameworkISO27001}
}

// The reference formats of each framework. The EU AI Act has 113 articles;
// ISO/IEC 27001:2022 Annex A has controls A.5.1-A.5.37, A.6.1-A.6.8,
// A.7.1-A.7.14 and A.8.1-A.8.34.
var (
	nistRefRE  = regexp.MustCompile(`^(GOVERN|MAP|MEASURE|MANAGE) [1-9][0-9]?\.[1-9][0-9]?$`)
	euRefRE    = regexp.MustCompile(`^Art\. ([1-9]|[1-9][0-9]|10[0-9]|11[0-3])$`)
	iso27RefRE = regexp.MustCompile(`^((4|5|6|7|8|9|10)(\.[1-9])*|A\.(5\.([1-9]|[12][0-9]|3[0-7])|6\.[1-8]|7\.([1-9]|1[0-4])|8\.([1-9]|[12][0-9]|3[0-4])))$`)
)

// ValidRef reports whether ref is written the way f's references are:
// "GOVERN 1.1" for the NIST AI RMF, "Art. 12" for the EU AI Act, "6.1.2"
// or "A.8.15" for ISO/IEC 27001:2022. An unknown framework has no valid
// references.
func (f Framework) ValidRef(ref string) bool {
	switch f {
	case FrameworkNISTAIRMF:
		return nistRefRE.MatchString(ref)
	case FrameworkEUAIAct:
		return euRefRE.MatchString(ref)
	case FrameworkISO27001:
		return iso27RefRE.MatchString(ref)
	}
	return false
}

// refRule describes the reference format of f for error messages.
func (f Framework) refRule() string {
	switch f {
	case FrameworkNISTAIRMF:
		return `a subcategory such as "GOVERN 1.1" (GOVERN, MAP, MEASURE or MANAGE)`
	case FrameworkEUAIAct:
		return `an article "Art. 1" to "Art. 113"`
	case FrameworkISO27001:
		return `a clause such as "6.1.2" or an Annex A control "A.5.1" to "A.8.34"`
	}
	return "a reference of a known framework"
}

// Strength says how closely a mapped pair corresponds.
type Strength string

// Mapping strengths, strongest first.
const (
	// StrengthEquivalent: meeting one meets the other in substance.
	StrengthEquivalent Strength = "equivalent"
	// StrengthRelated: same topic and intent; evidence largely reusable.
	StrengthRelated Strength = "related"
	// StrengthPartial: overlaps in part; extra work is needed.
	StrengthPartial Strength = "partial"
)

// Valid reports whether s is one of the defined strengths.
func (s Strength) Valid() bool {
	switch s {
	case StrengthEquivalent, StrengthRelated, StrengthPartial:
		return true
	}
	return false
}

// AIObjective is an organisational objective for AI from ISO/IEC 42001
// Annex C.2. Values are append-only.
type AIObjective string

// The Annex C.2 objectives.
const (
	AIObjectiveAccountability  AIObjective = "accountability"       // C.2.1
	AIObjectiveExpertise       AIObjective = "ai-expertise"         // C.2.2
	AIObjectiveDataQuality     AIObjective = "data-quality"         // C.2.3
	AIObjectiveEnvironment     AIObjective = "environmental-impact" // C.2.4
	AIObjectiveFairness        AIObjective = "fairness"             // C.2.5
	AIObjectiveMaintainability AIObjective = "maintainability"      // C.2.6
	AIObjectivePrivacy         AIObjective = "privacy"              // C.2.7
	AIObjectiveRobustness      AIObjective = "robustness"           // C.2.8
	AIObjectiveSafety          AIObjective = "safety"               // C.2.9
	AIObjectiveSecurity        AIObjective = "security"             // C.2.10
	AIObjectiveTransparency    AIObjective = "transparency"         // C.2.11
)

// Valid reports whether o is one of the Annex C.2 objectives.
func (o AIObjective) Valid() bool {
	switch o {
	case AIObjectiveAccountability, AIObjectiveExpertise, AIObjectiveDataQuality,
		AIObjectiveEnvironment, AIObjectiveFairness, AIObjectiveMaintainability,
		AIObjectivePrivacy, AIObjectiveRobustness, AIObjectiveSafety,
		AIObjectiveSecurity, AIObjectiveTransparency:
		return true
	}
	return false
}

// RiskSource is a source of AI risk from ISO/IEC 42001 Annex C.3. Values
// are append-only.
type RiskSource string

// The Annex C.3 risk sources.
const (
	SourceEnvironmentComplexity RiskSource = "environment-complexity" // C.3.1
	SourceLackOfTransparency    RiskSource = "lack-of-transparency"   // C.3.2
	SourceAutomationLevel       RiskSource = "automation-level"       // C.3.3
	SourceMachineLearning       RiskSource = "machine-learning"       // C.3.4
	SourceHardware              RiskSource = "hardware"               // C.3.5
	SourceLifecycle             RiskSource = "lifecycle"              // C.3.6
	SourceTechnologyReadiness   RiskSource = "technology-readiness"   // C.3.7
)

// Valid reports whether s is one of the Annex C.3 risk sources.
func (s RiskSource) Valid() bool {
	switch s {
	case SourceEnvironmentComplexity, SourceLackOfTransparency, SourceAutomationLevel,
		SourceMachineLearning, SourceHardware, SourceLifecycle, SourceTechnologyReadiness:
		return true
	}
	return false
}

// Clause is a clause or subclause of ISO/IEC 42001 clauses 4 to 10.
type Clause struct {
	// ID is the clause number, such as "6.1.2".
	ID string `json:"id"`
	// Title is the clause's short title.
	Title string `json:"title"`
	// Summary is our own one- or two-sentence summary, never the normative text.
	Summary string `json:"summary"`
	// Phase is the PDCA phase the clause belongs to.
	Phase Phase `json:"phase"`
	// Parent is the enclosing clause ("6.1" for "6.1.2"); empty for 4 to 10.
	Parent string `json:"parent,omitempty"`
	// Heading marks structural clauses whose requirements live in their
	// subclauses (4, 6.1, 7.5, 9.2, ...).
	Heading bool `json:"heading,omitempty"`
	// DocumentedInformation lists the documented information the clause
	// requires the organisation to keep, if any.
	DocumentedInformation []string `json:"documentedInformation,omitempty"`
}

// Objective is an Annex A control objective (A.2 to A.10, and the
// sub-objectives A.6.1 and A.6.2).
type Objective struct {
	// ID is the objective number, such as "A.6" or "A.6.2".
	ID string `json:"id"`
	// Title is the objective's short title.
	Title string `json:"title"`
	// Summary is our own summary of what the objective is for.
	Summary string `json:"summary"`
	// Parent is the enclosing objective for sub-objectives ("A.6").
	Parent string `json:"parent,omitempty"`
}

// Control is an Annex A control or an organisation's own control.
type Control struct {
	// ID is "A.6.2.8" for Annex A, or a namespaced id such as "ACME-1" for
	// an organisation's control.
	ID string `json:"id"`
	// Origin distinguishes Annex A from the organisation's own controls.
	Origin Origin `json:"origin"`
	// Namespace is the organisation's prefix for its own controls ("ACME");
	// the ID must start with Namespace followed by "-" or ".". Empty for
	// Annex A.
	Namespace string `json:"namespace,omitempty"`
	// Title is the control's short title.
	Title string `json:"title"`
	// Objective is the id of the Annex A objective the control serves;
	// required for Annex A, optional for own controls.
	Objective string `json:"objective,omitempty"`
	// Summary is our own summary, never the normative text.
	Summary string `json:"summary"`
	// Guidance lists Annex B implementation-guidance topics as short phrases.
	Guidance []string `json:"guidance,omitempty"`
	// RelatedClauses lists ids of clauses the control supports.
	RelatedClauses []string `json:"relatedClauses,omitempty"`
	// RelatedControls lists ids of controls often implemented together.
	RelatedControls []string `json:"relatedControls,omitempty"`
	// Extends is the id of a control this one refines (own controls that
	// specialise an Annex A control). Chains of Extends must not cycle.
	Extends string `json:"extends,omitempty"`
}

// AIObjectiveInfo is the catalog entry of an Annex C.2 objective.
type AIObjectiveInfo struct {
	// ID is the objective's typed key.
	ID AIObjective `json:"id"`
	// Label is the printed Annex C number, such as "C.2.5".
	Label string `json:"label"`
	// Title is the short title.
	Title string `json:"title"`
	// Summary is our own summary.
	Summary string `json:"summary"`
	// Controls lists the Annex A controls commonly relevant to the objective.
	Controls []string `json:"controls,omitempty"`
	// Basis explains the choice of Controls ("derived: ...").
	Basis string `json:"basis,omitempty"`
}

// RiskSourceInfo is the catalog entry of an Annex C.3 risk source.
type RiskSourceInfo struct {
	// ID is the risk source's typed key.
	ID RiskSource `json:"id"`
	// Label is the printed Annex C number, such as "C.3.4".
	Label string `json:"label"`
	// Title is the short title.
	Title string `json:"title"`
	// Summary is our own summary.
	Summary string `json:"summary"`
	// Controls lists the Annex A controls commonly relevant to the source.
	Controls []string `json:"controls,omitempty"`
	// Basis explains the choice of Controls ("derived: ...").
	Basis string `json:"basis,omitempty"`
}

// Domain is an application domain or sector named in Annex D.
type Domain struct {
	// ID is a lower-case key such as "health".
	ID string `json:"id"`
	// Title is the display name.
	Title string `json:"title"`
	// Summary is our own short description.
	Summary string `json:"summary,omitempty"`
}

// Mapping links one of our clauses or controls to a reference in an
// external framework.
type Mapping struct {
	// From is our clause or control id.
	From string `json:"from"`
	// Framework is the external framework.
	Framework Framework `json:"framework"`
	// Ref is the reference inside the framework ("GOVERN 1.1", "Art. 12",
	// "A.8.15").
	Ref string `json:"ref"`
	// Strength says how closely the two correspond.
	Strength Strength `json:"strength"`
	// Basis cites the source of the pair, or "derived: " and a reason.
	Basis string `json:"basis"`
}

// Derived reports whether the pair was derived by the catalog's author
// rather than taken from a published crosswalk: its basis starts with
// "derived:".
func (m Mapping) Derived() bool { return strings.HasPrefix(m.Basis, "derived:") }

// Document is the catalog's own JSON format, the input of [New] and the
// output of [*Catalog.Document]. [Decode] and [Encode] read and write it.
type Document struct {
	// Kind is always "ControlCatalog".
	Kind string `json:"kind"`
	// SchemaVersion is the version of this format, "1".
	SchemaVersion string `json:"schemaVersion"`
	// ID names the catalog ("iso42001-2023").
	ID string `json:"id"`
	// Title is the catalog's title.
	Title string `json:"title"`
	// Version is the catalog's version.
	Version string `json:"version"`
	// Clauses are clauses 4 to 10, headings included.
	Clauses []Clause `json:"clauses,omitempty"`
	// Objectives are the Annex A control objectives.
	Objectives []Objective `json:"objectives,omitempty"`
	// Controls are Annex A controls, then the organisation's own.
	Controls []Control `json:"controls,omitempty"`
	// AIObjectives are the Annex C.2 entries.
	AIObjectives []AIObjectiveInfo `json:"aiObjectives,omitempty"`
	// RiskSources are the Annex C.3 entries.
	RiskSources []RiskSourceInfo `json:"riskSources,omitempty"`
	// Domains are the Annex D domains.
	Domains []Domain `json:"domains,omitempty"`
	// Mappings are the crosswalk pairs.
	Mappings []Mapping `json:"mappings,omitempty"`
}

// The constant header fields of a [Document].
const (
	DocumentKind          = "ControlCatalog"
	DocumentSchemaVersion = "1"
)
