package oscal

// This file models the OSCAL assessment-results model (release 1.2.1) as far
// as the SDK writes it: risks (ISO/IEC 42001 risk registers travel here,
// since OSCAL has no risk-register model), findings and observations. The
// risk, response, task and origin assemblies are shared with the POA&M
// model (see poam.go), as they are in OSCAL's assessment-common module.

// ResultsDocument is the top-level JSON object of an assessment-results
// file: {"assessment-results": {...}}.
type ResultsDocument struct {
	AssessmentResults *AssessmentResults `json:"assessment-results"`
}

// AssessmentResults is OSCAL's assessment-results model.
type AssessmentResults struct {
	UUID     string   `json:"uuid"`
	Metadata Metadata `json:"metadata"`
	// ImportAP points at the assessment plan the results answer; OSCAL
	// requires it even when no plan document exists (a fragment such as
	// "#" or a relative file name is accepted).
	ImportAP   ImportAP    `json:"import-ap"`
	Results    []Result    `json:"results"`
	BackMatter *BackMatter `json:"back-matter,omitempty"`
}

// ImportAP references the assessment plan.
type ImportAP struct {
	Href    string `json:"href"`
	Remarks string `json:"remarks,omitempty"`
}

// Result is one set of assessment results.
type Result struct {
	UUID             string           `json:"uuid"`
	Title            string           `json:"title"`
	Description      string           `json:"description"`
	Start            string           `json:"start"`
	End              string           `json:"end,omitempty"`
	Props            []Prop           `json:"props,omitempty"`
	Links            []Link           `json:"links,omitempty"`
	ReviewedControls ReviewedControls `json:"reviewed-controls"`
	Observations     []Observation    `json:"observations,omitempty"`
	Risks            []Risk           `json:"risks,omitempty"`
	Findings         []Finding        `json:"findings,omitempty"`
	Remarks          string           `json:"remarks,omitempty"`
}

// ReviewedControls names the controls an assessment covered.
type ReviewedControls struct {
	Description       string             `json:"description,omitempty"`
	Props             []Prop             `json:"props,omitempty"`
	ControlSelections []ControlSelection `json:"control-selections"`
	Remarks           string             `json:"remarks,omitempty"`
}

// ControlSelection selects controls: either IncludeAll or IncludeControls
// must be set (the schema requires exactly one of the two).
type ControlSelection struct {
	Description     string          `json:"description,omitempty"`
	Props           []Prop          `json:"props,omitempty"`
	IncludeAll      *IncludeAll     `json:"include-all,omitempty"`
	IncludeControls []SelectControl `json:"include-controls,omitempty"`
	ExcludeControls []SelectControl `json:"exclude-controls,omitempty"`
	Remarks         string          `json:"remarks,omitempty"`
}

// IncludeAll is OSCAL's empty "include-all" object.
type IncludeAll struct{}

// SelectControl selects one control by id (an OSCAL token such as
// "A.6.2.8").
type SelectControl struct {
	ControlID    string   `json:"control-id"`
	StatementIDs []string `json:"statement-ids,omitempty"`
}

// Risk is OSCAL's identified risk. Status is one of "open",
// "investigating", "remediating", "deviation-requested",
// "deviation-approved", "closed" (or another token).
type Risk struct {
	UUID              string             `json:"uuid"`
	Title             string             `json:"title"`
	Description       string             `json:"description"`
	Statement         string             `json:"statement"`
	Props             []Prop             `json:"props,omitempty"`
	Links             []Link             `json:"links,omitempty"`
	Status            string             `json:"status"`
	Origins           []Origin           `json:"origins,omitempty"`
	Characterizations []Characterization `json:"characterizations,omitempty"`
	MitigatingFactors []MitigatingFactor `json:"mitigating-factors,omitempty"`
	Deadline          string             `json:"deadline,omitempty"`
	Remediations      []Response         `json:"remediations,omitempty"`
	RiskLog           *RiskLog           `json:"risk-log,omitempty"`
}

// Origin names who or what produced an object.
type Origin struct {
	Actors []OriginActor `json:"actors"`
}

// OriginActor is one actor of an [Origin]. Type is "tool",
// "assessment-platform" or "party".
type OriginActor struct {
	Type      string `json:"type"`
	ActorUUID string `json:"actor-uuid"`
	RoleID    string `json:"role-id,omitempty"`
	Props     []Prop `json:"props,omitempty"`
}

// Characterization is a set of facets describing a risk, from one origin.
type Characterization struct {
	Props  []Prop  `json:"props,omitempty"`
	Origin Origin  `json:"origin"`
	Facets []Facet `json:"facets"`
}

// Facet is one risk metric: a name (token) in a naming system (a URI) and
// its value.
type Facet struct {
	Name    string `json:"name"`
	System  string `json:"system"`
	Value   string `json:"value"`
	Props   []Prop `json:"props,omitempty"`
	Remarks string `json:"remarks,omitempty"`
}

// MitigatingFactor is an existing measure that lowers a risk.
type MitigatingFactor struct {
	UUID               string `json:"uuid"`
	ImplementationUUID string `json:"implementation-uuid,omitempty"`
	Description        string `json:"description"`
	Props              []Prop `json:"props,omitempty"`
	Links              []Link `json:"links,omitempty"`
}

// Response is a remediation of a risk. Lifecycle is "recommendation",
// "planned" or "completed" (or another token).
type Response struct {
	UUID        string   `json:"uuid"`
	Lifecycle   string   `json:"lifecycle"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Props       []Prop   `json:"props,omitempty"`
	Links       []Link   `json:"links,omitempty"`
	Origins     []Origin `json:"origins,omitempty"`
	Tasks       []Task   `json:"tasks,omitempty"`
	Remarks     string   `json:"remarks,omitempty"`
}

// Task is a scheduled action or milestone. Type is "action" or
// "milestone" (or another token).
type Task struct {
	UUID        string  `json:"uuid"`
	Type        string  `json:"type"`
	Title       string  `json:"title"`
	Description string  `json:"description,omitempty"`
	Props       []Prop  `json:"props,omitempty"`
	Links       []Link  `json:"links,omitempty"`
	Timing      *Timing `json:"timing,omitempty"`
	Remarks     string  `json:"remarks,omitempty"`
}

// Timing says when a [Task] occurs; exactly one field must be set.
type Timing struct {
	OnDate          *OnDate          `json:"on-date,omitempty"`
	WithinDateRange *WithinDateRange `json:"within-date-range,omitempty"`
}

// OnDate is a task due on a date (an OSCAL date-time with time zone).
type OnDate struct {
	Date    string `json:"date"`
	Remarks string `json:"remarks,omitempty"`
}

// WithinDateRange is a task due within a range of date-times.
type WithinDateRange struct {
	Start   string `json:"start"`
	End     string `json:"end"`
	Remarks string `json:"remarks,omitempty"`
}

// RiskLog records what was done about a risk over time.
type RiskLog struct {
	Entries []RiskLogEntry `json:"entries"`
}

// RiskLogEntry is one entry of a [RiskLog]. StatusChange is a risk status
// token, set when the entry changed the status.
type RiskLogEntry struct {
	UUID         string `json:"uuid"`
	Title        string `json:"title,omitempty"`
	Description  string `json:"description,omitempty"`
	Start        string `json:"start"`
	End          string `json:"end,omitempty"`
	Props        []Prop `json:"props,omitempty"`
	StatusChange string `json:"status-change,omitempty"`
	Remarks      string `json:"remarks,omitempty"`
}

// Observation is something an assessor saw. Methods are "EXAMINE",
// "INTERVIEW", "TEST" or "UNKNOWN"; Collected is a date-time with zone.
type Observation struct {
	UUID        string   `json:"uuid"`
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description"`
	Props       []Prop   `json:"props,omitempty"`
	Links       []Link   `json:"links,omitempty"`
	Methods     []string `json:"methods"`
	Types       []string `json:"types,omitempty"`
	Origins     []Origin `json:"origins,omitempty"`
	Collected   string   `json:"collected"`
	Expires     string   `json:"expires,omitempty"`
	Remarks     string   `json:"remarks,omitempty"`
}

// Finding is an assessor's conclusion about one target.
type Finding struct {
	UUID                string               `json:"uuid"`
	Title               string               `json:"title"`
	Description         string               `json:"description"`
	Props               []Prop               `json:"props,omitempty"`
	Links               []Link               `json:"links,omitempty"`
	Origins             []Origin             `json:"origins,omitempty"`
	Target              FindingTarget        `json:"target"`
	RelatedObservations []RelatedObservation `json:"related-observations,omitempty"`
	RelatedRisks        []AssociatedRisk     `json:"related-risks,omitempty"`
	Remarks             string               `json:"remarks,omitempty"`
}

// FindingTarget is what a [Finding] is about. Type is "statement-id" or
// "objective-id"; TargetID is a token.
type FindingTarget struct {
	Type        string          `json:"type"`
	TargetID    string          `json:"target-id"`
	Title       string          `json:"title,omitempty"`
	Description string          `json:"description,omitempty"`
	Props       []Prop          `json:"props,omitempty"`
	Status      ObjectiveStatus `json:"status"`
	Remarks     string          `json:"remarks,omitempty"`
}

// ObjectiveStatus says whether a target is satisfied: State is
// "satisfied" or "not-satisfied"; Reason is "pass", "fail" or "other".
type ObjectiveStatus struct {
	State   string `json:"state"`
	Reason  string `json:"reason,omitempty"`
	Remarks string `json:"remarks,omitempty"`
}

// RelatedObservation points at an [Observation] by UUID.
type RelatedObservation struct {
	ObservationUUID string `json:"observation-uuid"`
	Remarks         string `json:"remarks,omitempty"`
}

// AssociatedRisk points at a [Risk] by UUID.
type AssociatedRisk struct {
	RiskUUID string `json:"risk-uuid"`
	Remarks  string `json:"remarks,omitempty"`
}
