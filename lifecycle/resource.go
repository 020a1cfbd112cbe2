package lifecycle

import (
	"github.com/aimsgo/iso42001/aims"
)

// KindResource is the record kind of [Resource].
const KindResource = "ai-resource"

// ResourceKind says what kind of resource an AI system uses (A.4.2-A.4.6).
// Values are append-only.
type ResourceKind string

// Resource kinds.
const (
	// ResourceData: data resources (A.4.3).
	ResourceData ResourceKind = "data"
	// ResourceTooling: tools for development, testing and operation
	// (A.4.4).
	ResourceTooling ResourceKind = "tooling"
	// ResourceComputing: system and computing resources (A.4.5).
	ResourceComputing ResourceKind = "computing"
	// ResourceHuman: people and their competences (A.4.6).
	ResourceHuman ResourceKind = "human"
	// ResourceSystemComponent: a component of the AI system, such as a
	// model or a library it is built from (A.4.2).
	ResourceSystemComponent ResourceKind = "system-component"
)

// Valid reports whether k is a known resource kind.
func (k ResourceKind) Valid() bool {
	switch k {
	case ResourceData, ResourceTooling, ResourceComputing, ResourceHuman, ResourceSystemComponent:
		return true
	}
	return false
}

// Resource is one resource an AI system needs, documented per system
// (clause 7.1, A.4.2-A.4.6): what it is, its kind and who owns it.
type Resource struct {
	aims.Meta
	// Name names the resource, e.g. "GPU cluster eu-west", "MLflow".
	Name string `json:"name"`
	// Kind says what kind of resource it is.
	Kind ResourceKind `json:"resourceKind"`
	// System is the id of the AI system that uses it.
	System string `json:"system"`
	// Owner is the actor accountable for it.
	Owner string `json:"owner"`
	// Description says what it is and what it is used for.
	Description string `json:"description,omitempty"`
	// Competences lists, for a human resource, the competences it brings.
	Competences []string `json:"competences,omitempty"`
}

// Validate checks the resource and returns a [*aims.ValidationError]
// listing every problem.
func (r *Resource) Validate() error {
	var p aims.Problems
	checkHeader(&p, &r.Meta, KindResource)
	requireLine(&p, "name", r.Name, maxTitle)
	if !r.Kind.Valid() {
		p.Addf("resourceKind", "must be data, tooling, computing, human or system-component, got %q", clip(string(r.Kind)))
	}
	if !aims.ValidName(r.System) {
		p.Addf("system", "must be the id of an AI system, got %q", clip(r.System))
	}
	actor(&p, "owner", r.Owner, true)
	text(&p, "description", r.Description)
	checkTexts(&p, "competences", r.Competences)
	if len(r.Competences) > 0 && r.Kind != ResourceHuman {
		p.Add("competences", "are for human resources only")
	}
	return p.Err()
}

// Attributes returns the filterable attributes: resourceKind, system and
// owner.
func (r *Resource) Attributes() map[string]string {
	a := systemAttrs(r.System, "")
	a["resourceKind"] = string(r.Kind)
	if aims.ValidName(r.Owner) {
		a["owner"] = r.Owner
	}
	return a
}

// Resources returns the collection of AI system resources in ws.
func Resources(ws *aims.Workspace) *aims.Collection[Resource, *Resource] {
	return aims.NewCollection[Resource](ws, KindResource, 1)
}
