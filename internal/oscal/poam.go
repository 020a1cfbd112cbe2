package oscal

// This file models the OSCAL plan-of-action-and-milestones (POA&M) model,
// release 1.2.1, as far as the SDK writes it: the open treatment plans of
// a risk register become poam-items, each pointing at its risk.

// POAMDocument is the top-level JSON object of a POA&M file:
// {"plan-of-action-and-milestones": {...}}.
type POAMDocument struct {
	POAM *POAM `json:"plan-of-action-and-milestones"`
}

// POAM is OSCAL's plan-of-action-and-milestones model. Risks,
// observations and findings referenced by the items travel in the same
// document, so the references resolve.
type POAM struct {
	UUID         string        `json:"uuid"`
	Metadata     Metadata      `json:"metadata"`
	ImportSSP    *ImportSSP    `json:"import-ssp,omitempty"`
	SystemID     *SystemID     `json:"system-id,omitempty"`
	Observations []Observation `json:"observations,omitempty"`
	Risks        []Risk        `json:"risks,omitempty"`
	Findings     []Finding     `json:"findings,omitempty"`
	POAMItems    []POAMItem    `json:"poam-items"`
	BackMatter   *BackMatter   `json:"back-matter,omitempty"`
}

// ImportSSP references the system security plan a POA&M belongs to.
type ImportSSP struct {
	Href    string `json:"href"`
	Remarks string `json:"remarks,omitempty"`
}

// SystemID identifies the system a POA&M is about.
type SystemID struct {
	IdentifierType string `json:"identifier-type,omitempty"`
	ID             string `json:"id"`
}

// POAMItem is one planned remediation, with the risks, findings and
// observations it addresses.
type POAMItem struct {
	UUID                string               `json:"uuid,omitempty"`
	Title               string               `json:"title"`
	Description         string               `json:"description"`
	Props               []Prop               `json:"props,omitempty"`
	Links               []Link               `json:"links,omitempty"`
	Origins             []Origin             `json:"origins,omitempty"`
	RelatedFindings     []RelatedFinding     `json:"related-findings,omitempty"`
	RelatedObservations []RelatedObservation `json:"related-observations,omitempty"`
	RelatedRisks        []AssociatedRisk     `json:"related-risks,omitempty"`
	Remarks             string               `json:"remarks,omitempty"`
}

// RelatedFinding points at a [Finding] by UUID.
type RelatedFinding struct {
	FindingUUID string `json:"finding-uuid"`
	Remarks     string `json:"remarks,omitempty"`
}
