package soa

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
)

// SourceKind says what kind of thing needs a control.
type SourceKind string

// Source kinds. Risk, impact and obligation are the sources of
// requirements; decision and implementation appear only in
// [SoA.Unresolved], for decisions and implementation records that name a
// control the catalog does not hold.
const (
	// SourceRisk: a risk whose treatment plan chose the control (6.1.3).
	SourceRisk SourceKind = "risk"
	// SourceImpact: an AI system impact assessment that calls for the
	// control (6.1.4).
	SourceImpact SourceKind = "impact"
	// SourceObligation: a legal, regulatory or contractual obligation, or
	// an interested party's requirement (4.2).
	SourceObligation SourceKind = "obligation"
	// SourceDecision: an explicit include/exclude [Decision].
	SourceDecision SourceKind = "decision"
	// SourceImplementation: an [Implementation] record.
	SourceImplementation SourceKind = "implementation"
)

// Valid reports whether k is one of the defined kinds.
func (k SourceKind) Valid() bool {
	switch k {
	case SourceRisk, SourceImpact, SourceObligation, SourceDecision, SourceImplementation:
		return true
	}
	return false
}

// rank orders kinds in justifications and source lists: risks first, as
// 6.1.3 makes risk treatment the main reason a control is applicable.
func (k SourceKind) rank() int {
	switch k {
	case SourceRisk:
		return 0
	case SourceImpact:
		return 1
	case SourceObligation:
		return 2
	case SourceDecision:
		return 3
	case SourceImplementation:
		return 4
	}
	return 5
}

// Source identifies what needs a control, with enough words for a
// justification a person can read without opening the source.
type Source struct {
	// Kind is risk, impact or obligation.
	Kind SourceKind `json:"kind" jsonschema:"enum=risk,enum=impact,enum=obligation,enum=decision,enum=implementation"`
	// ID is the source's id ("R-12", "IA-3", "OBL-3").
	ID string `json:"id"`
	// Title is a short title ("Bias in credit decisions").
	Title string `json:"title,omitempty"`
	// Level is the source's rating, for example a risk band ("high").
	Level string `json:"level,omitempty"`
	// Detail is a reference the reader needs, for example an obligation's
	// legal reference ("EU AI Act Art. 12").
	Detail string `json:"detail,omitempty"`
}

// Requirement says that a source needs a control.
type Requirement struct {
	// Control is the control id ("A.6.2.8" or an own control's id).
	Control string `json:"control"`
	// Source is what needs it.
	Source Source `json:"source"`
}

// Requirer supplies requirements: a risk register yields, for every risk
// with a treatment plan, one requirement per chosen control; an impact
// assessment yields the controls it calls for. Requirements may come in
// any order and may repeat; [Generate] sorts and deduplicates them per
// control (input already in natural id order is the fast path). The
// sequence stops after yielding an error, which fails the generation.
// Implementations must honour ctx and must not modify anything.
type Requirer interface {
	Requirements(ctx context.Context) iter.Seq2[Requirement, error]
}

// RequirerFunc adapts a function to [Requirer].
type RequirerFunc func(ctx context.Context) iter.Seq2[Requirement, error]

// Requirements calls f.
func (f RequirerFunc) Requirements(ctx context.Context) iter.Seq2[Requirement, error] {
	return f(ctx)
}

// Requirements is an in-memory [Requirer], for tests and for callers that
// already hold the list.
type Requirements []Requirement

// Requirements yields rs in order.
func (rs Requirements) Requirements(ctx context.Context) iter.Seq2[Requirement, error] {
	return func(yield func(Requirement, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// ObligationType classifies an [Obligation].
type ObligationType string

// Obligation types (ISO/IEC 42001 4.2 and 6.1.3).
const (
	ObligationLegal       ObligationType = "legal"      // statute, e.g. the EU AI Act
	ObligationRegulatory  ObligationType = "regulatory" // regulator's rule or guidance
	ObligationContractual ObligationType = "contractual"
	// ObligationInterestedParty: a requirement of an interested party
	// (4.2) that the organisation has decided to address.
	ObligationInterestedParty ObligationType = "interested-party"
)

// Valid reports whether t is one of the defined types.
func (t ObligationType) Valid() bool {
	switch t {
	case ObligationLegal, ObligationRegulatory, ObligationContractual, ObligationInterestedParty:
		return true
	}
	return false
}

// Obligation is a legal, regulatory or contractual obligation, or an
// interested party's requirement, that requires controls. Obligations make
// controls applicable independently of risk: a control the law demands
// stays in the SoA even if no risk calls for it.
type Obligation struct {
	// ID identifies the obligation ("OBL-3").
	ID string `json:"id"`
	// Type is legal, regulatory, contractual or interested-party.
	Type ObligationType `json:"type" jsonschema:"enum=legal,enum=regulatory,enum=contractual,enum=interested-party"`
	// Title is a short title ("Record-keeping for high-risk AI").
	Title string `json:"title"`
	// Reference cites the source ("EU AI Act Art. 12", "MSA §7.2").
	Reference string `json:"reference,omitempty"`
	// Party is the interested party the obligation comes from, if any.
	Party string `json:"party,omitempty"`
	// Controls lists the controls the obligation requires.
	Controls []string `json:"controls"`
}

// Validate checks o, reporting every problem with its field path.
func (o *Obligation) Validate() error {
	var p aims.Problems
	o.check(&p, "")
	return p.Err()
}

func (o *Obligation) check(p *aims.Problems, prefix string) {
	if !aims.ValidName(o.ID) {
		p.Addf(prefix+"id", "must be 1-256 printable bytes, got %q", o.ID)
	}
	if !o.Type.Valid() {
		p.Addf(prefix+"type", "must be one of legal, regulatory, contractual, interested-party, got %q", o.Type)
	}
	p.Require(prefix+"title", o.Title)
	if len(o.Controls) == 0 {
		p.Add(prefix+"controls", "must list at least one control")
	}
	seen := make(map[string]bool, len(o.Controls))
	for i, c := range o.Controls {
		path := fmt.Sprintf("%scontrols[%d]", prefix, i)
		switch {
		case strings.TrimSpace(c) == "":
			p.Add(path, "is required")
		case seen[c]:
			p.Addf(path, "duplicate control %q", c)
		}
		seen[c] = true
	}
}

// Source returns the [Source] the obligation's requirements carry.
func (o *Obligation) Source() Source {
	return Source{Kind: SourceObligation, ID: o.ID, Title: o.Title, Level: string(o.Type), Detail: o.Reference}
}

// Requirements yields one requirement per control o requires, making an
// obligation a [Requirer].
func (o *Obligation) Requirements(ctx context.Context) iter.Seq2[Requirement, error] {
	return func(yield func(Requirement, error) bool) {
		src := o.Source()
		for _, c := range o.Controls {
			if !yield(Requirement{Control: c, Source: src}, nil) {
				return
			}
		}
	}
}

// Proposal suggests that a control applies because the organisation
// already operates it, naming the record that shows it ("AI policy POL-1
// is approved"). A person still decides: a proposal never makes a control
// applicable by itself.
type Proposal struct {
	// Control is the control id.
	Control string `json:"control"`
	// Evidence names the record and what it shows, in one line.
	Evidence string `json:"evidence"`
}

// Choice is what a [Decision] decides.
type Choice string

// Decision choices.
const (
	// Include makes the control applicable whatever the requirements say.
	Include Choice = "include"
	// Exclude makes the control not applicable; it must give a reason, and
	// validation reports an error when a risk treatment still relies on
	// the control.
	Exclude Choice = "exclude"
)

// Valid reports whether c is Include or Exclude.
func (c Choice) Valid() bool { return c == Include || c == Exclude }

// Decision is an explicit, reasoned choice to include or exclude a
// control, recorded with who made it and when (6.1.3 e asks for the
// justification of every exclusion).
type Decision struct {
	// Control is the control decided on.
	Control string `json:"control"`
	// Choice is include or exclude.
	Choice Choice `json:"choice" jsonschema:"enum=include,enum=exclude"`
	// Reason says why, in the organisation's words.
	Reason string `json:"reason"`
	// By is the actor who decided.
	By string `json:"by,omitempty"`
	// At is when; the latest decision per control wins.
	At time.Time `json:"at,omitzero"`
}

// Validate checks d. A stored decision needs a reason: an unreasoned
// exclusion is exactly what an auditor rejects.
func (d *Decision) Validate() error {
	var p aims.Problems
	d.check(&p, "")
	return p.Err()
}

func (d *Decision) check(p *aims.Problems, prefix string) {
	if !aims.ValidName(d.Control) {
		p.Addf(prefix+"control", "must be a control id, got %q", d.Control)
	}
	if !d.Choice.Valid() {
		p.Addf(prefix+"choice", "must be %q or %q, got %q", Include, Exclude, d.Choice)
	}
	p.Require(prefix+"reason", d.Reason)
	if d.By != "" && !aims.ValidName(d.By) {
		p.Addf(prefix+"by", "must be an actor id, got %q", d.By)
	}
}

// Status is the implementation status of an applicable control.
type Status string

// Implementation statuses, in order of progress.
const (
	StatusNotStarted  Status = "not-started"
	StatusPlanned     Status = "planned"
	StatusPartial     Status = "partially-implemented"
	StatusImplemented Status = "implemented"
)

// Valid reports whether s is one of the defined statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusNotStarted, StatusPlanned, StatusPartial, StatusImplemented:
		return true
	}
	return false
}

// Evidence points at a document or artifact that shows a control works,
// pinned by its SHA-256 digest so a later change to it is detectable.
type Evidence struct {
	// URI locates the evidence ("https://...", "s3://...", "docs/x.pdf").
	URI string `json:"uri"`
	// SHA256 is the lower-case hex SHA-256 digest of its content.
	SHA256 string `json:"sha256" jsonschema:"pattern=^[0-9a-f]{64}$"`
	// Title describes it, optionally.
	Title string `json:"title,omitempty"`
}

func (e *Evidence) check(p *aims.Problems, path string) {
	if strings.TrimSpace(e.URI) == "" {
		p.Add(path+".uri", "is required")
	} else if _, err := url.Parse(e.URI); err != nil {
		p.Addf(path+".uri", "must be a URI: %v", err)
	}
	if !validSHA256(e.SHA256) {
		p.Addf(path+".sha256", "must be 64 lower-case hex digits, got %q", e.SHA256)
	}
}

func validSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Implementation is the state of one control's implementation: its
// status, owner, evidence and last review. It is kept apart from risks
// and decisions because it changes on a different rhythm (Do, not Plan).
type Implementation struct {
	// Control is the control id.
	Control string `json:"control"`
	// Status is how far implementation has come.
	Status Status `json:"status,omitempty" jsonschema:"enum=not-started,enum=planned,enum=partially-implemented,enum=implemented"`
	// Owner is the person or role accountable for the control.
	Owner string `json:"owner,omitempty"`
	// Evidence lists what shows the control works.
	Evidence []Evidence `json:"evidence,omitempty"`
	// LastReview is when the control was last reviewed.
	LastReview time.Time `json:"lastReview,omitzero"`
}

// Validate checks im.
func (im *Implementation) Validate() error {
	var p aims.Problems
	im.check(&p, "")
	return p.Err()
}

func (im *Implementation) check(p *aims.Problems, prefix string) {
	if !aims.ValidName(im.Control) {
		p.Addf(prefix+"control", "must be a control id, got %q", im.Control)
	}
	if im.Status != "" && !im.Status.Valid() {
		p.Addf(prefix+"status", "must be one of not-started, planned, partially-implemented, implemented, got %q", im.Status)
	}
	for i := range im.Evidence {
		im.Evidence[i].check(p, fmt.Sprintf("%sevidence[%d]", prefix, i))
	}
}

// Entry is one control's line in the Statement of Applicability.
type Entry struct {
	// Control is the control id.
	Control string `json:"control"`
	// Title is the control's short title.
	Title string `json:"title"`
	// Origin is annex-a or organization.
	Origin controls.Origin `json:"origin" jsonschema:"enum=annex-a,enum=organization"`
	// Objective is the Annex A objective the control serves, if any.
	Objective string `json:"objective,omitempty"`
	// Applicable says whether the control is part of the AIMS.
	Applicable bool `json:"applicable"`
	// Undecided is set when nothing requires the control and no person
	// has decided on it: it is neither applicable nor excluded, and an SoA
	// holding such an entry cannot be submitted or approved (6.1.3 asks
	// for a justified decision on every control).
	Undecided bool `json:"undecided,omitempty"`
	// Proposals name what the organisation already operates that suggests
	// the control applies (an approved AI policy for A.2.2, say). They
	// inform the person who decides; they decide nothing themselves.
	Proposals []Proposal `json:"proposals,omitempty"`
	// Justification explains applicability in plain language, derived from
	// Sources and Decision.
	Justification string `json:"justification"`
	// Sources are the risks, impact assessments and obligations that need
	// the control: risks first, each kind in natural id order.
	Sources []Source `json:"sources,omitempty"`
	// Decision is the explicit decision on the control, if any.
	Decision *Decision `json:"decision,omitempty"`
	// Status is the implementation status (applicable controls).
	Status Status `json:"status,omitempty" jsonschema:"enum=not-started,enum=planned,enum=partially-implemented,enum=implemented"`
	// Owner is accountable for the control.
	Owner string `json:"owner,omitempty"`
	// Evidence shows the control works.
	Evidence []Evidence `json:"evidence,omitempty"`
	// LastReview is when the control was last reviewed.
	LastReview time.Time `json:"lastReview,omitzero"`
}

// Kind and schema version of stored SoA versions.
const (
	KindSoA          = "soa"
	SoASchemaVersion = 1
)

// SoA is one version of the Statement of Applicability: every control of
// the catalog once, Annex A first in natural order, then the
// organisation's own controls. It is a stored record (kind "soa") moved
// through [Workflow]; an approved version is never changed again.
type SoA struct {
	aims.Meta
	// Number is the version number, 1, 2, 3... per workspace.
	Number int `json:"number" jsonschema:"minimum=1"`
	// Title is the document title.
	Title string `json:"title"`
	// Organization is the organisation the SoA belongs to.
	Organization string `json:"organization,omitempty"`
	// Scope describes the AIMS scope (4.3) the SoA covers.
	Scope string `json:"scope,omitempty"`
	// Catalog and CatalogVersion identify the control catalog used.
	Catalog        string `json:"catalog"`
	CatalogVersion string `json:"catalogVersion,omitempty"`
	// GeneratedAt is when the content was generated.
	GeneratedAt time.Time `json:"generatedAt,omitzero"`
	// Author is who generated (drafted) the version; the approver must be
	// someone else.
	Author string `json:"author,omitempty"`
	// ApprovedBy and ApprovedAt record the approval.
	ApprovedBy string    `json:"approvedBy,omitempty"`
	ApprovedAt time.Time `json:"approvedAt,omitzero"`
	// ReviewComment is the reviewer's last comment (the reason of a
	// rejection).
	ReviewComment string `json:"reviewComment,omitempty"`
	// SupersededBy is the number of the approved version that replaced
	// this one.
	SupersededBy int `json:"supersededBy,omitempty"`
	// Entries holds one entry per control.
	Entries []Entry `json:"entries"`
	// Unresolved lists references to controls the catalog does not hold
	// (from requirements, decisions or implementation records); each is a
	// validation error.
	Unresolved []Requirement `json:"unresolved,omitempty"`
}

// Validate checks the document's structure, as the store requires before
// writing it: a version number, a catalog, well-formed entries and
// evidence. It does not judge the content; [Validate] (the package
// function) does that, as an auditor would.
func (s *SoA) Validate() error {
	var p aims.Problems
	if s.Number < 1 {
		p.Addf("number", "must be at least 1, got %d", s.Number)
	}
	p.Require("title", s.Title)
	p.Require("catalog", s.Catalog)
	if len(s.Entries) == 0 {
		p.Add("entries", "must list the catalog's controls")
	}
	for i := range s.Entries {
		e := &s.Entries[i]
		path := fmt.Sprintf("entries[%d]", i)
		if !aims.ValidName(e.Control) {
			p.Addf(path+".control", "must be a control id, got %q", e.Control)
		}
		if !e.Origin.Valid() {
			p.Addf(path+".origin", "must be %q or %q, got %q", controls.OriginAnnexA, controls.OriginOrganization, e.Origin)
		}
		if e.Undecided && (e.Applicable || e.Decision != nil) {
			p.Add(path+".undecided", "must be false for a control that is applicable or decided")
		}
		if e.Status != "" && !e.Status.Valid() {
			p.Addf(path+".status", "must be one of not-started, planned, partially-implemented, implemented, got %q", e.Status)
		}
		for j := range e.Sources {
			if k := e.Sources[j].Kind; k != SourceRisk && k != SourceImpact && k != SourceObligation {
				p.Addf(fmt.Sprintf("%s.sources[%d].kind", path, j), "must be risk, impact or obligation, got %q", e.Sources[j].Kind)
			}
		}
		for j := range e.Evidence {
			e.Evidence[j].check(&p, fmt.Sprintf("%s.evidence[%d]", path, j))
		}
	}
	return p.Err()
}

// Entry returns the entry of control id, or nil.
func (s *SoA) Entry(id string) *Entry {
	for i := range s.Entries {
		if s.Entries[i].Control == id {
			return &s.Entries[i]
		}
	}
	return nil
}

// Counts summarises an SoA.
type Counts struct {
	// Excluded counts controls excluded by a decision; Undecided those
	// nobody has decided on yet.
	Controls, Applicable, Excluded, Undecided int
	// ByStatus counts applicable controls per status ("" = no status).
	ByStatus map[Status]int
}

// Counts returns the number of controls, applicable and not, and the
// applicable ones per status.
func (s *SoA) Counts() Counts {
	c := Counts{Controls: len(s.Entries), ByStatus: map[Status]int{}}
	for i := range s.Entries {
		switch {
		case s.Entries[i].Applicable:
			c.Applicable++
			c.ByStatus[s.Entries[i].Status]++
		case s.Entries[i].Undecided:
			c.Undecided++
		default:
			c.Excluded++
		}
	}
	return c
}
