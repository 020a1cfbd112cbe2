package aims

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Record kinds of the organisation and its context (clause 4).
const (
	KindOrganisation    = "organisation"
	KindContextIssue    = "context-issue"
	KindInterestedParty = "interested-party"
	KindScope           = "scope"
)

// Well-known ids. A workspace is one organisation's AIMS, so it normally
// holds one [Organisation] and one [Scope]; fixed ids let a manifest, a CLI
// and the readiness checks find them without a search.
const (
	OrganisationID = "organisation"
	ScopeID        = "aims-scope"
)

// Organisation is the organisation that runs the AIMS: its name, the name
// it gives its management system, the sectors it works in and the roles it
// takes towards AI systems. Sectors are plain strings so that both the
// Annex D domain keys of package controls ("health", "finance", ...) and an
// organisation's own classification fit.
type Organisation struct {
	Meta
	// Name is the organisation's name.
	Name string `json:"name"`
	// AIMSName is what the organisation calls its AI management system.
	AIMSName string `json:"aimsName,omitempty"`
	// Description is a short description of what the organisation does.
	Description string `json:"description,omitempty"`
	// Sectors lists the application domains or sectors it works in.
	Sectors []string `json:"sectors,omitempty"`
	// Roles lists the roles the organisation takes towards AI systems
	// overall; each [AISystem] records its own.
	Roles []AIRole `json:"roles,omitempty"`
}

// Validate checks the organisation and returns a [*ValidationError]
// listing every problem.
func (o *Organisation) Validate() error {
	var p Problems
	checkHeader(&p, &o.Meta, KindOrganisation)
	p.Require("name", o.Name)
	checkTexts(&p, "sectors", o.Sectors)
	checkRoles(&p, "roles", o.Roles)
	return p.Err()
}

// Attributes returns the filterable attributes: one "role:<role>" key per
// AI role held.
func (o *Organisation) Attributes() map[string]string {
	a := map[string]string{}
	for _, r := range o.Roles {
		a["role:"+string(r)] = "true"
	}
	return a
}

// Organisations returns the collection of organisations in ws.
func Organisations(ws *Workspace) *Collection[Organisation, *Organisation] {
	return NewCollection[Organisation](ws, KindOrganisation, 1)
}

// IssueType says whether a context issue arises inside or outside the
// organisation (clause 4.1). Values are append-only.
type IssueType string

// Issue types.
const (
	// IssueInternal arises inside the organisation: governance,
	// capabilities, culture, contractual commitments it made.
	IssueInternal IssueType = "internal"
	// IssueExternal arises outside it: law, regulators, markets, society,
	// the climate.
	IssueExternal IssueType = "external"
)

// Valid reports whether t is a known issue type.
func (t IssueType) Valid() bool { return t == IssueInternal || t == IssueExternal }

// IssueCategory groups context issues for review and reporting. Values are
// append-only.
type IssueCategory string

// Issue categories.
const (
	// CategoryLegal: laws that apply to the organisation's AI.
	CategoryLegal IssueCategory = "legal"
	// CategoryRegulatory: regulators' rules, guidance and expectations.
	CategoryRegulatory IssueCategory = "regulatory"
	// CategoryPolitical: policy direction and public-sector incentives.
	CategoryPolitical IssueCategory = "political"
	// CategoryEconomic: markets, costs, funding.
	CategoryEconomic IssueCategory = "economic"
	// CategorySocial: public expectations and social effects of AI.
	CategorySocial IssueCategory = "social"
	// CategoryTechnical: technology, its maturity and its dependencies.
	CategoryTechnical IssueCategory = "technical"
	// CategoryEnvironmental: environmental effects, climate included.
	CategoryEnvironmental IssueCategory = "environmental"
	// CategoryEthical: values and ethical expectations.
	CategoryEthical IssueCategory = "ethical"
	// CategoryCultural: organisational or national culture.
	CategoryCultural IssueCategory = "cultural"
	// CategoryCompetitive: the competitive landscape.
	CategoryCompetitive IssueCategory = "competitive"
	// CategoryOrganisational: governance, structure, capabilities.
	CategoryOrganisational IssueCategory = "organisational"
	// CategoryContractual: commitments in contracts.
	CategoryContractual IssueCategory = "contractual"
	// CategoryOther: anything else.
	CategoryOther IssueCategory = "other"
)

// Valid reports whether c is a known category.
func (c IssueCategory) Valid() bool {
	switch c {
	case CategoryLegal, CategoryRegulatory, CategoryPolitical, CategoryEconomic,
		CategorySocial, CategoryTechnical, CategoryEnvironmental, CategoryEthical,
		CategoryCultural, CategoryCompetitive, CategoryOrganisational,
		CategoryContractual, CategoryOther:
		return true
	}
	return false
}

// ContextIssue is an internal or external issue relevant to the
// organisation's purpose that affects its ability to achieve the intended
// results of its AIMS (clause 4.1).
type ContextIssue struct {
	Meta
	// Title names the issue in a few words.
	Title string `json:"title"`
	// Type says whether the issue is internal or external.
	Type IssueType `json:"type"`
	// Category groups the issue.
	Category IssueCategory `json:"category"`
	// Description explains the issue in the organisation's own words.
	Description string `json:"description,omitempty"`
	// Affects lists what the issue bears on: AI system ids, processes,
	// objectives, in the organisation's own terms.
	Affects []string `json:"affects,omitempty"`
	// ClimateRelevant records the organisation's determination of whether
	// climate change is a relevant issue here, as the 2024 amendment asks
	// organisations to consider.
	ClimateRelevant bool `json:"climateRelevant,omitempty"`
	// LastReviewed is when the issue was last reviewed.
	LastReviewed time.Time `json:"lastReviewed,omitzero"`
}

// Validate checks the issue and returns a [*ValidationError] listing every
// problem.
func (c *ContextIssue) Validate() error {
	var p Problems
	checkHeader(&p, &c.Meta, KindContextIssue)
	p.Require("title", c.Title)
	if !c.Type.Valid() {
		p.Addf("type", "must be internal or external, got %q", c.Type)
	}
	if !c.Category.Valid() {
		p.Addf("category", "must be a known issue category, got %q", c.Category)
	}
	checkTexts(&p, "affects", c.Affects)
	return p.Err()
}

// Attributes returns the filterable attributes: type, category and
// climateRelevant ("true" or "false").
func (c *ContextIssue) Attributes() map[string]string {
	return map[string]string{
		"type":            string(c.Type),
		"category":        string(c.Category),
		"climateRelevant": strconv.FormatBool(c.ClimateRelevant),
	}
}

// ContextIssues returns the collection of context issues in ws.
func ContextIssues(ws *Workspace) *Collection[ContextIssue, *ContextIssue] {
	return NewCollection[ContextIssue](ws, KindContextIssue, 1)
}

// PartyCategory classifies an interested party (clause 4.2). Values are
// append-only.
type PartyCategory string

// Interested-party categories.
const (
	// PartyCustomer buys or commissions the organisation's AI products.
	PartyCustomer PartyCategory = "customer"
	// PartyUser operates or relies on an AI system's output.
	PartyUser PartyCategory = "user"
	// PartyAISubject is affected by an AI system's decisions or whose data
	// it processes.
	PartyAISubject PartyCategory = "ai-subject"
	// PartyRegulator is a relevant authority or supervisory body.
	PartyRegulator PartyCategory = "regulator"
	// PartyEmployee works for the organisation.
	PartyEmployee PartyCategory = "employee"
	// PartySupplier supplies data, models, compute or services.
	PartySupplier PartyCategory = "supplier"
	// PartyPartner develops, integrates or evaluates with the organisation.
	PartyPartner PartyCategory = "partner"
	// PartyInvestor owns or funds the organisation.
	PartyInvestor PartyCategory = "investor"
	// PartySociety is the public or a community at large.
	PartySociety PartyCategory = "society"
	// PartyOther is anyone else.
	PartyOther PartyCategory = "other"
)

// Valid reports whether c is a known party category.
func (c PartyCategory) Valid() bool {
	switch c {
	case PartyCustomer, PartyUser, PartyAISubject, PartyRegulator, PartyEmployee,
		PartySupplier, PartyPartner, PartyInvestor, PartySociety, PartyOther:
		return true
	}
	return false
}

// RequirementSource says where an interested party's requirement comes
// from. Values are append-only.
type RequirementSource string

// Requirement sources.
const (
	// SourceLegal: a law.
	SourceLegal RequirementSource = "legal"
	// SourceRegulatory: a regulator's rule or guidance.
	SourceRegulatory RequirementSource = "regulatory"
	// SourceContractual: a contract.
	SourceContractual RequirementSource = "contractual"
	// SourceVoluntary: a commitment the organisation chose (a code of
	// conduct, a standard it adopted).
	SourceVoluntary RequirementSource = "voluntary"
	// SourceOther: anything else, such as a stated expectation.
	SourceOther RequirementSource = "other"
)

// Valid reports whether s is a known source.
func (s RequirementSource) Valid() bool {
	switch s {
	case SourceLegal, SourceRegulatory, SourceContractual, SourceVoluntary, SourceOther:
		return true
	}
	return false
}

// Requirement is one relevant requirement of an interested party, and
// whether the organisation addresses it through the AIMS (clause 4.2).
type Requirement struct {
	// ID identifies the requirement within its party, e.g. "gdpr-art22".
	ID string `json:"id"`
	// Text states the requirement in the organisation's own words.
	Text string `json:"text"`
	// Source says where the requirement comes from.
	Source RequirementSource `json:"source"`
	// Addressed records that the organisation decided to address it through
	// the AIMS.
	Addressed bool `json:"addressed"`
}

// InterestedParty is a party relevant to the AIMS and its requirements
// (clause 4.2).
type InterestedParty struct {
	Meta
	// Name names the party, e.g. "EU AI Office", "hospital customers".
	Name string `json:"name"`
	// Category classifies the party.
	Category PartyCategory `json:"category"`
	// Description says who the party is and why it matters.
	Description string `json:"description,omitempty"`
	// Requirements lists the party's relevant requirements.
	Requirements []Requirement `json:"requirements,omitempty"`
}

// Validate checks the party and returns a [*ValidationError] listing every
// problem.
func (ip *InterestedParty) Validate() error {
	var p Problems
	checkHeader(&p, &ip.Meta, KindInterestedParty)
	p.Require("name", ip.Name)
	if !ip.Category.Valid() {
		p.Addf("category", "must be a known party category, got %q", ip.Category)
	}
	seen := map[string]bool{}
	for i, r := range ip.Requirements {
		path := fmt.Sprintf("requirements[%d]", i)
		switch {
		case !ValidName(r.ID):
			p.Addf(path+".id", "must be 1-%d printable bytes, got %q", maxName, r.ID)
		case seen[r.ID]:
			p.Addf(path+".id", "duplicate requirement id %q", r.ID)
		}
		seen[r.ID] = true
		p.Require(path+".text", r.Text)
		if !r.Source.Valid() {
			p.Addf(path+".source", "must be legal, regulatory, contractual, voluntary or other, got %q", r.Source)
		}
	}
	return p.Err()
}

// Requirement returns the party's requirement with id.
func (ip *InterestedParty) Requirement(id string) (Requirement, bool) {
	for _, r := range ip.Requirements {
		if r.ID == id {
			return r, true
		}
	}
	return Requirement{}, false
}

// Attributes returns the filterable attributes: category.
func (ip *InterestedParty) Attributes() map[string]string {
	return map[string]string{"category": string(ip.Category)}
}

// InterestedParties returns the collection of interested parties in ws.
func InterestedParties(ws *Workspace) *Collection[InterestedParty, *InterestedParty] {
	return NewCollection[InterestedParty](ws, KindInterestedParty, 1)
}

// Exclusion is something deliberately left out of the AIMS, with the
// reason, so that an auditor sees the boundary was drawn on purpose.
type Exclusion struct {
	// Item names what is excluded.
	Item string `json:"item"`
	// Reason says why.
	Reason string `json:"reason"`
}

// RequirementRef names one requirement of one interested party.
type RequirementRef struct {
	// Party is the [InterestedParty] id.
	Party string `json:"party"`
	// Requirement is the [Requirement] id within that party.
	Requirement string `json:"requirement"`
}

// Scope is the boundaries and applicability of the AIMS (clause 4.3): what
// it covers and excludes, the AI systems in it, and the interested-party
// requirements considered in setting it. A workspace normally holds one,
// with id [ScopeID].
type Scope struct {
	Meta
	// Statement is the scope statement as the organisation publishes it.
	Statement string `json:"statement"`
	// Inclusions lists organisational units, sites, products and activities
	// covered.
	Inclusions []string `json:"inclusions,omitempty"`
	// Exclusions lists what is left out, each with its reason.
	Exclusions []Exclusion `json:"exclusions,omitempty"`
	// Boundaries describes interfaces and dependencies at the edge of the
	// scope (shared services, suppliers, other management systems).
	Boundaries []string `json:"boundaries,omitempty"`
	// AISystems lists the ids of the [AISystem] records in scope.
	AISystems []string `json:"aiSystems,omitempty"`
	// Requirements lists the interested-party requirements considered.
	Requirements []RequirementRef `json:"requirements,omitempty"`
}

// Validate checks the scope and returns a [*ValidationError] listing every
// problem. References to AI systems and parties are checked for form here;
// the readiness check "scope-defined" checks that they exist.
func (s *Scope) Validate() error {
	var p Problems
	checkHeader(&p, &s.Meta, KindScope)
	p.Require("statement", s.Statement)
	checkTexts(&p, "inclusions", s.Inclusions)
	for i, e := range s.Exclusions {
		path := fmt.Sprintf("exclusions[%d]", i)
		p.Require(path+".item", e.Item)
		p.Require(path+".reason", e.Reason)
	}
	checkTexts(&p, "boundaries", s.Boundaries)
	checkIDs(&p, "aiSystems", s.AISystems)
	seen := map[RequirementRef]bool{}
	for i, r := range s.Requirements {
		path := fmt.Sprintf("requirements[%d]", i)
		if !ValidName(r.Party) {
			p.Addf(path+".party", "must be an interested-party id, got %q", r.Party)
		}
		if !ValidName(r.Requirement) {
			p.Addf(path+".requirement", "must be a requirement id, got %q", r.Requirement)
		}
		if seen[r] {
			p.Addf(path, "duplicate reference %s/%s", r.Party, r.Requirement)
		}
		seen[r] = true
	}
	return p.Err()
}

// Attributes returns no filterable attributes: a workspace holds one
// scope. It exists so that every record type answers the same way.
func (s *Scope) Attributes() map[string]string { return map[string]string{} }

// Scopes returns the collection of AIMS scopes in ws.
func Scopes(ws *Workspace) *Collection[Scope, *Scope] {
	return NewCollection[Scope](ws, KindScope, 1)
}

// checkHeader checks the parts of a document's Meta that a decoded input
// may carry: a kind other than the record's, a malformed id or state, a
// negative version.
func checkHeader(p *Problems, m *Meta, kind string) {
	if m.Kind != "" && m.Kind != kind {
		p.Addf("kind", "must be %q, got %q", kind, m.Kind)
	}
	if m.ID != "" && !ValidName(m.ID) {
		p.Addf("id", "must be 1-%d printable bytes, got %q", maxName, m.ID)
	}
	if m.Version < 0 {
		p.Addf("version", "must not be negative, got %d", m.Version)
	}
	if m.SchemaVersion < 0 {
		p.Addf("schemaVersion", "must not be negative, got %d", m.SchemaVersion)
	}
}

// checkTexts requires every element of a list of free texts to be
// non-blank and distinct.
func checkTexts(p *Problems, path string, list []string) {
	seen := make(map[string]bool, len(list))
	for i, s := range list {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case strings.TrimSpace(s) == "":
			p.Add(ipath, "must not be blank")
		case seen[s]:
			p.Addf(ipath, "duplicate %q", s)
		}
		seen[s] = true
	}
}

// checkIDs requires every element of a list of record ids to be a distinct
// [ValidName].
func checkIDs(p *Problems, path string, ids []string) {
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case !ValidName(id):
			p.Addf(ipath, "must be a record id of 1-%d printable bytes, got %q", maxName, id)
		case seen[id]:
			p.Addf(ipath, "duplicate id %q", id)
		}
		seen[id] = true
	}
}

// checkRoles requires a list of AI roles to be known and distinct.
func checkRoles(p *Problems, path string, roles []AIRole) {
	var seen map[AIRole]bool // for long lists; short ones are searched
	if len(roles) > 8 {
		seen = make(map[AIRole]bool, len(roles))
	}
	for i, r := range roles {
		dup := false
		if seen != nil {
			dup, seen[r] = seen[r], true
		} else {
			dup = slices.Contains(roles[:i], r)
		}
		switch {
		case !r.Valid():
			p.Addf(fmt.Sprintf("%s[%d]", path, i), "must be a known AI role (provider, producer, customer, partner, subject, user), got %q", r)
		case dup:
			p.Addf(fmt.Sprintf("%s[%d]", path, i), "duplicate role %q", r)
		}
	}
}
