package oscal

// This file models the OSCAL mapping-collection model, new in release 1.2:
// crosswalks between two control sets. A collection holds one or more
// mappings, each between a source and a target resource; a mapping holds
// map entries, each relating source items to target items with a
// relationship from NIST IR 8477's set-theory vocabulary.

// MappingDocument is the top-level JSON object of a mapping-collection
// file: {"mapping-collection": {...}}.
type MappingDocument struct {
	MappingCollection *MappingCollection `json:"mapping-collection"`
}

// MappingCollection is OSCAL's mapping-collection model.
type MappingCollection struct {
	UUID       string            `json:"uuid"`
	Metadata   Metadata          `json:"metadata"`
	Provenance MappingProvenance `json:"provenance"`
	// Mappings may be written in JSON as one object or an array; the SDK
	// writes an array and readers must accept both (see
	// controls.ImportOSCALMapping).
	Mappings   []Mapping   `json:"mappings"`
	BackMatter *BackMatter `json:"back-matter,omitempty"`
}

// MappingProvenance says how a collection's mappings were made: method
// (human, automation, hybrid), matching rationale (syntactic, semantic,
// functional), status (complete, not-complete, draft, deprecated,
// superseded) and a description of the context and intended use.
type MappingProvenance struct {
	Method             string `json:"method"`
	MatchingRationale  string `json:"matching-rationale"`
	Status             string `json:"status"`
	MappingDescription string `json:"mapping-description"`
	Props              []Prop `json:"props,omitempty"`
	Links              []Link `json:"links,omitempty"`
	Remarks            string `json:"remarks,omitempty"`
}

// The provenance and relationship values of OSCAL 1.2 (NIST IR 8477,
// section 4.3) that the SDK writes.
const (
	MethodHuman            = "human"
	MatchingSemantic       = "semantic"
	StatusComplete         = "complete"
	RelationshipEquivalent = "equivalent-to"
	RelationshipEqual      = "equal-to"
	RelationshipSubset     = "subset-of"
	RelationshipSuperset   = "superset-of"
	RelationshipIntersects = "intersects-with"
	RelationshipNone       = "no-relationship"
	ItemControl            = "control"
	ItemStatement          = "statement"
	ResourceTypeCatalog    = "catalog"
	ReferenceRelation      = "reference"
)

// Mapping relates a source resource (a catalog or profile) to a target
// resource through map entries.
type Mapping struct {
	UUID               string           `json:"uuid"`
	Method             string           `json:"method,omitempty"`
	MatchingRationale  string           `json:"matching-rationale,omitempty"`
	Status             string           `json:"status,omitempty"`
	SourceResource     MappingResource  `json:"source-resource"`
	TargetResource     MappingResource  `json:"target-resource"`
	Maps               []Map            `json:"maps"`
	Props              []Prop           `json:"props,omitempty"`
	Links              []Link           `json:"links,omitempty"`
	Remarks            string           `json:"remarks,omitempty"`
	MappingDescription string           `json:"mapping-description,omitempty"`
	SourceGapSummary   *GapSummary      `json:"source-gap-summary,omitempty"`
	TargetGapSummary   *GapSummary      `json:"target-gap-summary,omitempty"`
	ConfidenceScore    *ConfidenceScore `json:"confidence-score,omitempty"`
	Coverage           *Coverage        `json:"coverage,omitempty"`
}

// MappingResource points at the source or target of a mapping: its type
// ("catalog", "profile" or another token) and an href, often "#uuid" of a
// back-matter resource.
type MappingResource struct {
	NS      string `json:"ns,omitempty"`
	Type    string `json:"type"`
	Href    string `json:"href"`
	Props   []Prop `json:"props,omitempty"`
	Links   []Link `json:"links,omitempty"`
	Remarks string `json:"remarks,omitempty"`
}

// Map is one mapping entry: source items related to target items.
type Map struct {
	UUID              string           `json:"uuid"`
	NS                string           `json:"ns,omitempty"`
	MatchingRationale string           `json:"matching-rationale,omitempty"`
	Relationship      string           `json:"relationship"`
	Sources           []MappingItem    `json:"sources"`
	Targets           []MappingItem    `json:"targets"`
	Qualifiers        []Qualifier      `json:"qualifiers,omitempty"`
	ConfidenceScore   *ConfidenceScore `json:"confidence-score,omitempty"`
	Coverage          *Coverage        `json:"coverage,omitempty"`
	Props             []Prop           `json:"props,omitempty"`
	Links             []Link           `json:"links,omitempty"`
	Remarks           string           `json:"remarks,omitempty"`
}

// MappingItem is one source or target of a map entry: a control or a
// statement, by id.
type MappingItem struct {
	Type    string `json:"type"`
	IDRef   string `json:"id-ref"`
	Props   []Prop `json:"props,omitempty"`
	Links   []Link `json:"links,omitempty"`
	Remarks string `json:"remarks,omitempty"`
}

// Qualifier records a requirement or incompatibility found between the
// source and the target of a map entry.
type Qualifier struct {
	Subject     string `json:"subject"`
	Predicate   string `json:"predicate"`
	Category    string `json:"category"`
	Description string `json:"description"`
	Remarks     string `json:"remarks,omitempty"`
}

// ConfidenceScore is the author's confidence in a mapping: a category or
// a percentage from 0 to 1 (exactly one is set).
type ConfidenceScore struct {
	Category   string   `json:"category,omitempty"`
	Percentage *float64 `json:"percentage,omitempty"`
}

// Coverage is the share (0 to 1) of the target covered by the source.
type Coverage struct {
	GenerationMethod string  `json:"generation-method,omitempty"`
	TargetCoverage   float64 `json:"target-coverage"`
}

// GapSummary lists controls left unmapped.
type GapSummary struct {
	UUID             string              `json:"uuid"`
	UnmappedControls []SelectControlByID `json:"unmapped-controls"`
}

// SelectControlByID selects controls by id (the control-common
// select-control-by-id assembly, unlike [SelectControl]).
type SelectControlByID struct {
	WithChildControls string   `json:"with-child-controls,omitempty"`
	WithIDs           []string `json:"with-ids,omitempty"`
}
