package oscal

// This file models the OSCAL assessment-plan model, release 1.2.1, as far
// as the SDK writes it: an internal audit's plan, its reviewed controls
// (the audit checklist), its terms (criteria, methods, auditors) and its
// schedule as tasks. The reviewed-controls and task assemblies are shared
// with assessment-results (results.go).

// PlanDocument is the top-level JSON object of an assessment-plan file:
// {"assessment-plan": {...}}.
type PlanDocument struct {
	AssessmentPlan *AssessmentPlan `json:"assessment-plan"`
}

// AssessmentPlan is OSCAL's assessment-plan model.
type AssessmentPlan struct {
	UUID     string   `json:"uuid"`
	Metadata Metadata `json:"metadata"`
	// ImportSSP points at the system security plan assessed; OSCAL
	// requires it even when none exists (a fragment such as "#" is
	// accepted).
	ImportSSP          ImportSSP           `json:"import-ssp"`
	TermsAndConditions *TermsAndConditions `json:"terms-and-conditions,omitempty"`
	ReviewedControls   ReviewedControls    `json:"reviewed-controls"`
	Tasks              []Task              `json:"tasks,omitempty"`
	BackMatter         *BackMatter         `json:"back-matter,omitempty"`
}

// TermsAndConditions holds the conditions of an assessment, one part per
// kind of term (rules of engagement, methodology, assumptions, ...).
type TermsAndConditions struct {
	Parts []AssessmentPart `json:"parts,omitempty"`
}

// AssessmentPart is a piece of prose or structure in an assessment
// document; unlike a catalog [Part] it may carry a UUID.
type AssessmentPart struct {
	UUID  string           `json:"uuid,omitempty"`
	Name  string           `json:"name"`
	NS    string           `json:"ns,omitempty"`
	Class string           `json:"class,omitempty"`
	Title string           `json:"title,omitempty"`
	Props []Prop           `json:"props,omitempty"`
	Prose string           `json:"prose,omitempty"`
	Parts []AssessmentPart `json:"parts,omitempty"`
	Links []Link           `json:"links,omitempty"`
}
